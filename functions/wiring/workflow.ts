import { SFNClient } from '@aws-sdk/client-sfn';
import { awsClient } from '../adapters/aws-clients.js';
import { CaseWorkflow } from '../adapters/workflow.js';

/** The case workflow (Step Functions): task tokens, and executions where the function has STATE_MACHINE_ARN. */
export function caseWorkflow(config: { readonly STATE_MACHINE_ARN?: string } = {}): CaseWorkflow {
  return new CaseWorkflow(awsClient(new SFNClient({})), config.STATE_MACHINE_ARN);
}

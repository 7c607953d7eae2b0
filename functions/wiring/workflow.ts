import { SFNClient } from '@aws-sdk/client-sfn';
import { awsClient } from '../adapters/aws-clients.js';
import { CaseWorkflow } from '../adapters/workflow.js';
import { optional } from '../config.js';

/** The case workflow (Step Functions): task tokens and executions. */
export function caseWorkflow(): CaseWorkflow {
  return new CaseWorkflow(awsClient(new SFNClient({})), optional('STATE_MACHINE_ARN'));
}

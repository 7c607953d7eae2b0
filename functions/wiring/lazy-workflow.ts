import type { WorkflowPort } from '../use-cases/ports.js';
import { onFirstUse } from './on-first-use.js';

/**
 * The case workflow for functions that resume it only on some requests (an operator's decision or resume, a
 * customer's answer): the Step Functions client's code (wiring/workflow.ts, 22 KiB minified) is imported at the first
 * call, not at every cold start, as the alerts' SNS client is (wiring/alerts.ts). Same calls, same answers; a failed
 * import is not kept (the next call retries).
 */
export function lazyCaseWorkflow(config: { readonly STATE_MACHINE_ARN?: string } = {}): WorkflowPort {
  const workflow = onFirstUse(() => import('./workflow.js').then(({ caseWorkflow }) => caseWorkflow(config)));
  return {
    start: async (caseId, round) => (await workflow()).start(caseId, round),
    resume: async (taskToken, output) => (await workflow()).resume(taskToken, output),
    fail: async (taskToken, error, cause) => (await workflow()).fail(taskToken, error, cause),
  };
}

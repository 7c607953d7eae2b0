import type { WorkflowPort } from '../use-cases/ports.js';

/**
 * The case workflow for functions that resume it only on some requests (an operator's decision or resume, a
 * customer's answer): the Step Functions client's code (wiring/workflow.ts, 22 KiB minified) is imported at the first
 * call, not at every cold start, as the alerts' SNS client is (wiring/alerts.ts). Same calls, same answers; a failed
 * import is not kept (the next call retries).
 */
export function lazyCaseWorkflow(config: { readonly STATE_MACHINE_ARN?: string } = {}): WorkflowPort {
  let made: Promise<WorkflowPort> | undefined;
  const workflow = () => {
    made ??= import('./workflow.js')
      .then(({ caseWorkflow }) => caseWorkflow(config))
      .catch((error: unknown) => {
        made = undefined;
        throw error;
      });
    return made;
  };
  return {
    start: async (caseId, round) => (await workflow()).start(caseId, round),
    resume: async (taskToken, output) => (await workflow()).resume(taskToken, output),
    fail: async (taskToken, error, cause) => (await workflow()).fail(taskToken, error, cause),
  };
}

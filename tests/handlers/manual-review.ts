/**
 * A case in front of an operator, as the ops API's decision routes find it: the case workflow's ManualReview step as a
 * one-state workflow whose task runs the real await-event use case (it parks the task token on the case and moves the
 * case to awaiting_review), started for a case the policy sent to review. Needs `startHandlerEnv({ sfn: true })`.
 */
import type { CaseStore } from '../../functions/adapters/case-store.js';
import type { WaitStore } from '../../functions/adapters/wait-store.js';
import { CaseWorkflow } from '../../functions/adapters/workflow.js';
import type { CaseRecord } from '../../functions/domain/case-record.js';
import { awaitEvent } from '../../functions/use-cases/steps/await-event.js';
import { addWaitForTokenMachine, type HandlerEnv, taskTokenRegistered } from './env.js';

/** Registers the ManualReview step (reminder after 4 hours, escalation after 8); returns its state machine ARN. */
export function addManualReviewMachine(env: HandlerEnv, cases: CaseStore, waits: WaitStore): string {
  return addWaitForTokenMachine(env.sfn!.service, 'ManualReview', { 'caseId.$': '$.caseId', kind: 'manual_review', 'taskToken.$': '$$.Task.Token' }, async (payload) => {
    const workflow = new CaseWorkflow(env.sfn!.client, undefined);
    await awaitEvent({ cases, waits, workflow }, String(payload.caseId), 'manual_review', String(payload.taskToken), new Date(), {
      reminderSeconds: 4 * 3600,
      escalationSeconds: 8 * 3600,
    });
    return { registered: 'manual_review' };
  });
}

/** A case as the policy leaves it when a rule sends it to manual review; `record` adds to it or overrides it. */
export function sentToManualReview(record: Partial<CaseRecord> = {}): Partial<CaseRecord> {
  return {
    status: 'in_review',
    priority: 50,
    priorityBand: 'normal',
    decision: { decision: 'manual', rule: 'manual.above_approval_threshold', reasonCode: 'high_value', at: new Date().toISOString() },
    ...record,
  };
}

/** Starts the ManualReview step for the case and waits until await-event has parked its task token; returns the execution. */
export async function startManualReview(env: HandlerEnv, stateMachineArn: string, caseId: string, executionName = caseId): Promise<string> {
  const { executionArn } = env.sfn!.service.startExecution({ stateMachineArn, name: executionName, input: JSON.stringify({ caseId }) });
  await taskTokenRegistered(env, caseId, 'manual_review');
  return executionArn!;
}

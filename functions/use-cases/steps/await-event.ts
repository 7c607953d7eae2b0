import type { CaseRecord, CaseStore } from '../../adapters/case-store.js';
import type { WaitKind, WaitSignal, WaitStore } from '../../adapters/wait-store.js';
import type { CaseWorkflow } from '../../adapters/workflow.js';
import type { CaseStatus } from '../../domain/case.js';

const STATUS_WHILE_WAITING: Record<WaitKind, CaseStatus> = {
  evidence: 'awaiting_evidence',
  return: 'awaiting_return',
  survey: 'awaiting_survey',
};

/** The case itself may show the awaited event already happened (a rerun after the signal was consumed). */
function alreadyHappened(record: CaseRecord, kind: WaitKind): WaitSignal | undefined {
  if (kind === 'return' && record.returnReceivedAt) return { signal: 'return_received', receivedAt: record.returnReceivedAt };
  if (kind === 'survey' && record.survey && 'rating' in record.survey) return { signal: 'answered', rating: record.survey.rating };
  return undefined;
}

export interface AwaitDeps {
  cases: CaseStore;
  waits: WaitStore;
  workflow: CaseWorkflow;
}

/**
 * Parks the workflow's task token where the awaited event will find it. If the event (or a cancellation) came
 * first, the step is resumed at once with it.
 */
export async function awaitEvent(deps: AwaitDeps, caseId: string, kind: WaitKind, taskToken: string, now: Date): Promise<void> {
  await deps.cases.update(caseId, { status: STATUS_WHILE_WAITING[kind], waitingFor: kind });
  const early = await deps.waits.registerToken(caseId, kind, taskToken, now.toISOString());
  const record = await deps.cases.require(caseId);
  const signal = record.cancelRequested ? { signal: 'cancelled' } : (early ?? alreadyHappened(record, kind));
  if (signal) {
    await deps.workflow.resume(taskToken, signal);
    await deps.waits.consume(caseId, kind, taskToken);
  }
}

import type { CaseReader, CaseWriter, WaitPort, WorkflowPort } from '../ports.js';
import type { CaseRecord, WaitKind, WaitSignal } from '../../domain/case-record.js';
import type { CaseStatus } from '../../domain/case.js';
import { CANCELLABLE, signalFailure } from '../../domain/case-rules.js';

const STATUS_WHILE_WAITING: Record<WaitKind, CaseStatus> = {
  evidence: 'awaiting_evidence',
  return: 'awaiting_return',
  survey: 'awaiting_survey',
  manual_review: 'awaiting_review',
  remedy_choice: 'awaiting_choice',
  compensation: 'compensating',
};

/** The case itself may show the awaited event already happened (a rerun after the signal was consumed). */
function alreadyHappened(record: CaseRecord, kind: WaitKind): WaitSignal | undefined {
  if (kind === 'return' && record.returnReceivedAt) return { signal: 'return_received', receivedAt: record.returnReceivedAt };
  if (kind === 'survey' && record.survey && 'rating' in record.survey) return { signal: 'answered', rating: record.survey.rating };
  if (kind === 'remedy_choice' && record.choice) return { signal: 'chosen', remedy: record.choice.remedy };
  if (kind === 'compensation' && record.compensation?.status && record.compensation.status !== 'instructed') {
    return { signal: record.compensation.status };
  }
  // The decision of this very review round (functions/adapters/review-store.ts), never an earlier round's.
  if (kind === 'manual_review' && record.status === 'awaiting_review' && record.review?.decided) return { signal: record.review.decided.decision };
  return undefined;
}

export interface AwaitDeps {
  cases: CaseReader & CaseWriter;
  waits: WaitPort;
  workflow: WorkflowPort;
}

/** Targets of an operator review, in seconds from when it opens (from the policy, by priority band). */
export interface ReviewTargets {
  reminderSeconds: number;
  escalationSeconds: number;
}

/** What the case shows, as the calling step read or wrote it a moment before (its status write is then not read for). */
export type CaseShows = Pick<CaseRecord, 'status' | 'waitingFor'>;

/**
 * Parks the workflow's task token where the awaited event will find it. If the event (or a cancellation) came
 * first, the step is resumed at once with it. An operator review is listed for operators from here on. `shows`: see
 * CaseShows; the case is still read after the token is parked, as it must be (an event recorded on the case before
 * the token was parked is found there).
 */
export async function awaitEvent(deps: AwaitDeps, caseId: string, kind: WaitKind, taskToken: string, now: Date, targets?: ReviewTargets, shows?: CaseShows): Promise<void> {
  if (kind === 'manual_review') await openReview(deps.cases, caseId, now, targets);
  else await showWaiting(deps.cases, caseId, kind, shows);
  const early = await deps.waits.registerToken(caseId, kind, taskToken, now.toISOString());
  const record = await deps.cases.require(caseId);
  // An operator review resumes only from the case's own record of its decision: a signal left on the wait item (a
  // decision delivered by a re-registration before `signal()` recorded it) belongs to an earlier round.
  const fromWait = kind === 'manual_review' ? undefined : early;
  // A cancellation recorded before the wait began ends a cancellable wait at once (CASE-CANCEL-1).
  const signal = record.cancelRequested && CANCELLABLE.has(kind) ? { signal: 'cancelled' } : (fromWait ?? alreadyHappened(record, kind));
  if (signal) {
    await deliver(deps.workflow, kind, taskToken, signal);
    await deps.waits.consume(caseId, kind, taskToken);
  }
}

/**
 * Hands a signal to the step waiting with `taskToken`: as its output, or as the error it stands for (CASE-SIGNAL-1).
 * A workflow started before a release that failed a step this way meets the same error in a wait that retries task
 * failures: each retry finds the signal again and fails at once, until its catch-all records the same error.
 */
export async function deliver(workflow: WorkflowPort, kind: WaitKind, taskToken: string, signal: WaitSignal): Promise<'delivered' | 'gone'> {
  const failure = signalFailure(kind, signal);
  const outcome = failure ? await workflow.fail(taskToken, failure.error, failure.cause) : await workflow.resume(taskToken, signal);
  return outcome === 'gone' ? 'gone' : 'delivered';
}

/**
 * The case shows what it waits for. A case that shows it already (a re-registration, like the survey's after its
 * reminder, or a step that set it with its own write) is not written again: a write of the case item costs a unit per
 * started KB, a read a fraction of that.
 */
async function showWaiting(cases: CaseReader & CaseWriter, caseId: string, kind: WaitKind, shows?: CaseShows): Promise<void> {
  const status = STATUS_WHILE_WAITING[kind];
  const record = shows ?? (await cases.require(caseId));
  if (record.status !== status || record.waitingFor !== kind) await cases.update(caseId, { status, waitingFor: kind });
}

/**
 * Puts the case on the operators' review list: ordered by priority, then the escalation target. The targets are
 * set when the review opens; a re-registration after a reminder keeps them.
 */
async function openReview(cases: CaseReader & CaseWriter, caseId: string, now: Date, targets: ReviewTargets | undefined): Promise<void> {
  const record = await cases.require(caseId);
  const current = record.status === 'awaiting_review' ? record.review : undefined;
  const seconds = targets ?? { reminderSeconds: 4 * 3600, escalationSeconds: 8 * 3600 };
  const review = current ?? {
    openedAt: now.toISOString(),
    reminderAt: new Date(now.getTime() + seconds.reminderSeconds * 1000).toISOString(),
    escalateAt: new Date(now.getTime() + seconds.escalationSeconds * 1000).toISOString(),
    reasonCode: record.decision?.reasonCode ?? 'manual',
  };
  const priority = record.priority ?? 0;
  const sortKey = `${String(100 - priority).padStart(3, '0')}#${review.escalateAt}#${caseId}`;
  // A re-registration leaves the open review alone: rewriting it could drop a decision or proposal written meanwhile.
  await cases.update(caseId, { status: 'awaiting_review', waitingFor: 'manual_review', ...(current ? {} : { review }) }, undefined, sortKey);
  if (!current) {
    await cases.appendTimeline(caseId, {
      at: now.toISOString(),
      actor: 'pipeline',
      event: 'review_opened',
      detail: { reasonCode: review.reasonCode, escalateAt: review.escalateAt },
    });
  }
}

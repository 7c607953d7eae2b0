import type { CaseStatus, RemedyChoice, TimelineEntry } from './case.js';
import type { CaseRecord, WaitKind, WaitSignal } from './case-record.js';
import type { AftersalesPolicy } from './policy.js';

/**
 * The case's state rules, pure (docs/case-status.md): what a customer's choice, dispute or cancellation does to a case,
 * and when a request is a duplicate. functions/use-cases/apply-intake-event.ts applies them with the stores; each
 * rule carries an id (CASE-…) that its tests and comments name.
 */

/** CASE-CANCEL-1: the waits a cancellation ends. Once money has moved (confirmation, survey) the case runs to its end. */
export const CANCELLABLE: ReadonlySet<WaitKind> = new Set(['evidence', 'return', 'manual_review', 'remedy_choice']);

/**
 * CASE-SIGNAL-1: the signals that end their wait as a failure rather than with an outcome, so the workflow's step
 * needs no Choice after it: the order platform reporting the instruction failed ends the compensation's wait as
 * `CompensationFailed` (the workflow records it and the case goes to an operator). The cause carries no personal data.
 */
export function signalFailure(kind: WaitKind, signal: WaitSignal): { error: string; cause: string } | undefined {
  if (kind === 'compensation' && signal.signal === 'failed') return { error: 'CompensationFailed', cause: 'The order platform reported the instruction failed.' };
  return undefined;
}

/** What a customer's withdrawal does to the case. */
export type Cancellation = { apply: false } | { apply: true; endsWait?: WaitKind };

/**
 * CASE-CANCEL-2: a closed case has nothing left to withdraw. Otherwise the case is marked (a step not yet waiting
 * checks the flag), and the wait it is in ends at once if that wait is cancellable (CASE-CANCEL-1).
 */
export function cancellationOf(record: Pick<CaseRecord, 'status' | 'waitingFor'>): Cancellation {
  if (record.status === 'closed') return { apply: false };
  const waiting = record.waitingFor as WaitKind | undefined;
  return waiting && CANCELLABLE.has(waiting) ? { apply: true, endsWait: waiting } : { apply: true };
}

/** The remedies the market's policy lets the customer choose for this case type (none: no choice). */
export function offeredChoices(policy: Pick<AftersalesPolicy, 'customerChoice'>, record: Pick<CaseRecord, 'type'>): readonly RemedyChoice[] {
  return policy.customerChoice[record.type]?.options ?? [];
}

/**
 * CASE-CHOICE-1: a customer's remedy choice applies only if it is offered for the case type, and it still matters:
 * the first answer wins (no choice recorded yet), nothing was instructed yet (no compensation), the case is open.
 */
export function choiceApplies(record: Pick<CaseRecord, 'choice' | 'compensation' | 'status'>, offered: readonly RemedyChoice[], remedy: RemedyChoice): boolean {
  return offered.includes(remedy) && !record.choice && !record.compensation && record.status !== 'closed';
}

/** What a customer's dispute does: reopen the case for an operator, or record it (acknowledged at most once). */
export type DisputeStep =
  | { kind: 'record'; acknowledge: boolean }
  | { kind: 'reopen'; round: number; patch: Pick<CaseRecord, 'status' | 'reviewMode' | 'dispute' | 'decision'>; onlyIfStatusIn: CaseStatus[] };

/**
 * CASE-DISPUTE-1: a case closed as rejected reopens in front of an operator (manual review), in a new round whose
 * decision keeps the rule it contests with reason `dispute`; only while it is still closed (a concurrent reopening
 * wins once).
 * CASE-DISPUTE-2: a dispute of any other case (in progress, or closed another way) is recorded for the operator and
 * acknowledged to the customer once per case: not when the case has had a dispute round already.
 */
export function disputeStep(record: Pick<CaseRecord, 'status' | 'outcome' | 'dispute' | 'decision'>, at: string): DisputeStep {
  if (record.status !== 'closed' || record.outcome !== 'rejected') return { kind: 'record', acknowledge: !record.dispute };
  const round = (record.dispute?.count ?? 0) + 1;
  return {
    kind: 'reopen',
    round,
    patch: {
      status: 'in_review',
      reviewMode: 'manual',
      dispute: { count: round, lastAt: at },
      decision: { ...(record.decision ?? { decision: 'reject', rule: 'unknown' }), reasonCode: 'dispute', at },
    },
    onlyIfStatusIn: ['closed'],
  };
}

/**
 * CASE-DUPLICATE-1: a request seen before whose case is already under way (or closed) changes nothing when it is
 * delivered again, and must not re-take its order's open-case slot.
 */
export function replayChangesNothing(created: 'created' | 'exists', status: CaseStatus): boolean {
  return created === 'exists' && status !== 'received';
}

/** How a duplicate request is closed: its patch, the status it must still have, and its timeline entry. */
export interface DuplicateClosing {
  patch: Pick<CaseRecord, 'status' | 'outcome' | 'closedAt'>;
  onlyIfStatusIn: CaseStatus[];
  timeline: TimelineEntry;
}

/**
 * CASE-DUPLICATE-2: one open case per order and case type. A request whose order slot is held by another case is
 * closed as that case's duplicate (kept visible, outcome `duplicate`), only while it has not started (`received`).
 * Undefined when the slot is this case's own.
 */
export function duplicateClosing(caseId: string, holder: string, at: string): DuplicateClosing | undefined {
  if (holder === caseId) return undefined;
  return {
    patch: { status: 'closed', outcome: 'duplicate', closedAt: at },
    onlyIfStatusIn: ['received'],
    timeline: { at, actor: 'pipeline', event: 'closed_as_duplicate', detail: { duplicateOf: holder } },
  };
}

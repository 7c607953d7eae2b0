import type { CaseRepository, WaitPort, WorkflowPort } from './ports.js';
import type { WaitKind, WaitSignal } from '../domain/case-record.js';
import { cancellationOf } from '../domain/case-rules.js';
import { deliver } from './steps/await-event.js';

/*
 * What a customer's or operator's action outside the intake does to a waiting case: a signal to its workflow, a
 * cancellation. Apart from apply-intake-event.ts, so the status page, the survey API and the decisions bundle these
 * without the intake's event schemas.
 */

/**
 * The customer withdraws the request (the order platform's `aftersales.cancelled`, or the status page while the case
 * is on hold). `via` names where it came from, on the timeline.
 */
export async function requestCancellation(deps: { cases: CaseRepository; waits: WaitPort; workflow: WorkflowPort }, caseId: string, at: string, via?: string): Promise<void> {
  const record = await deps.cases.require(caseId);
  const cancellation = cancellationOf(record);
  if (!cancellation.apply) return;
  await deps.cases.update(caseId, { cancelRequested: true });
  await deps.cases.appendTimeline(caseId, { at, actor: 'customer', event: 'cancellation_requested', ...(via ? { detail: { via } } : {}) });
  // A cancellable wait ends now (CASE-CANCEL-2); a step not yet waiting checks the flag.
  if (cancellation.endsWait) await signal(deps, caseId, cancellation.endsWait, { signal: 'cancelled' });
}

/** Hands a signal to the waiting step, or leaves it for the step that will wait next. */
export async function signal(deps: { waits: WaitPort; workflow: WorkflowPort }, caseId: string, kind: WaitKind, value: WaitSignal): Promise<void> {
  const token = await deps.waits.recordSignal(caseId, kind, value);
  if (!token) return;
  // A token that is gone belonged to a wait that just timed out (a review reminder re-registers a moment later):
  // the signal stays recorded for the step that waits next.
  if ((await deliver(deps.workflow, kind, token, value)) === 'delivered') await deps.waits.consume(caseId, kind, token);
}

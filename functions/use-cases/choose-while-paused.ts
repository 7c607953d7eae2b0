import type { CaseRepository, WaitPort, WorkflowPort } from './ports.js';
import { requestCancellation } from './case-signals.js';

export type PauseChoiceResult = 'recorded' | 'not_paused' | 'closed' | 'too_late_to_cancel';

/**
 * While a case is on hold (000 §5.3) the customer may keep waiting or cancel. Waiting is noted on the timeline;
 * cancelling takes the same path as the order platform's `aftersales.cancelled` event.
 */
export async function chooseWhilePaused(
  deps: { cases: CaseRepository; waits: WaitPort; workflow: WorkflowPort },
  caseId: string,
  choice: 'wait' | 'cancel',
  now: Date,
): Promise<PauseChoiceResult> {
  // `pause` is the SLA clock's, present only while the case is on hold.
  const record = (await deps.cases.require(caseId)) as Awaited<ReturnType<CaseRepository['require']>> & { pause?: { count?: number } };
  if (record.status === 'closed') return 'closed';
  if (!record.pause) return 'not_paused';
  // Once money or goods are on their way, nothing is left for a cancellation to stop: that takes a person.
  if (choice === 'cancel' && record.compensation) return 'too_late_to_cancel';
  const at = now.toISOString();
  if (choice === 'cancel') await requestCancellation(deps, caseId, at, 'status_page');
  else await deps.cases.appendTimeline(caseId, { at, actor: 'customer', event: 'pause_wait_chosen', detail: { via: 'status_page', pause: record.pause.count ?? 1 } });
  return 'recorded';
}

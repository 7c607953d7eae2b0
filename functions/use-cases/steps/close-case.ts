import type { CaseStore } from '../../adapters/case-store.js';
import type { DedupeStore } from '../../adapters/dedupe-store.js';
import type { SlaStore } from '../../adapters/sla-store.js';
import { CASE_STATUSES, type CaseStatus, type Outcome } from '../../domain/case.js';
import { afterCaseClosed, type RetentionDeps } from '../privacy/retention.js';
import { stopServiceClock } from '../sla-clock.js';

const OPEN_STATUSES: CaseStatus[] = CASE_STATUSES.filter((status) => status !== 'closed' && status !== 'needs_attention');

export type CloseReason = 'completed' | 'rejected' | 'cancelled' | 'evidence_expired' | 'return_expired' | 'survey_expired';

const OUTCOME_OF: Record<CloseReason, Outcome | undefined> = {
  completed: 'approved',
  survey_expired: 'approved',
  rejected: 'rejected',
  cancelled: 'cancelled',
  evidence_expired: 'expired',
  return_expired: 'expired',
};

/**
 * Closes the case, takes its service clock out of the due index, and frees its order for a new request of the same
 * type. Then its personal data is filed for retention and redacted for any privacy request that waited for the close
 * (docs/privacy.md).
 */
export async function closeCase(
  deps: { cases: CaseStore; dedupe: DedupeStore; sla: SlaStore; privacy?: Omit<RetentionDeps, 'cases'> },
  caseId: string,
  reason: CloseReason,
  now: Date,
): Promise<{ outcome: Outcome }> {
  const record = await deps.cases.require(caseId);
  const outcome = OUTCOME_OF[reason] ?? record.outcome ?? 'approved';
  const at = now.toISOString();
  const closed = await deps.cases.update(
    caseId,
    {
      status: 'closed',
      outcome,
      closedAt: at,
      waitingFor: '',
      ...(reason === 'survey_expired' && !record.survey ? { survey: { expiredAt: at } } : {}),
    },
    OPEN_STATUSES,
  );
  if (closed) await deps.cases.appendTimeline(caseId, { at, actor: 'pipeline', event: 'case_closed', detail: { reason, outcome } });
  await stopServiceClock(deps, caseId, now);
  await deps.dedupe.releaseOpenCase(record.orderId, record.type, caseId);
  if (deps.privacy) {
    // A retry after the close (closed is false then) still files it: the close time is the stored one.
    const closedAt = closed ? at : ((await deps.cases.get(caseId))?.closedAt ?? at);
    await afterCaseClosed({ ...deps.privacy, cases: deps.cases }, caseId, closedAt, now);
  }
  return { outcome };
}

import type { CaseRepository, OpenCaseSlots, SlaPort } from '../ports.js';
import type { MetricSink } from '../../adapters/business-metrics.js';
import type { CaseRecord } from '../../domain/case-record.js';
import type { ClosedFacts, ReportCounters } from '../../adapters/report-counters.js';
import { CASE_STATUSES, type CaseStatus, type Outcome } from '../../domain/case.js';
import { serviceWorkingMs } from '../../domain/reports.js';
import type { Markets } from '../../domain/markets.js';
import { localDateOf, type WorkingDayCalendar } from '../../domain/working-days.js';
import { afterCaseClosed, type RetentionDeps } from '../privacy/retention.js';
import { closeWithClock, stopServiceClock } from '../sla-clock.js';

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

export interface CloseDeps {
  cases: CaseRepository;
  dedupe: OpenCaseSlots;
  sla: SlaPort;
  /** The report counters (outcome, resolution time, confirmed carrier claims); the case's market's calendar measures working time. */
  reports: Pick<ReportCounters, 'countClosed'>;
  markets: Markets;
  metrics?: MetricSink;
  /** Retention filing and privacy requests waiting for the close (docs/privacy.md). */
  privacy?: Omit<RetentionDeps, 'cases' | 'markets'>;
}

/**
 * Closes the case, takes its service clock out of the due index, counts the close for the reports, and frees its order
 * for a new request of the same type. A retried step counts nothing twice (only the write that closed it counts). Then
 * its personal data is filed for retention and redacted for any privacy request that waited for the close
 * (docs/privacy.md).
 */
export async function closeCase(deps: CloseDeps, caseId: string, reason: CloseReason, now: Date): Promise<{ outcome: Outcome }> {
  const record = await deps.cases.require(caseId);
  const outcome = OUTCOME_OF[reason] ?? record.outcome ?? 'approved';
  const at = now.toISOString();
  // The close and the clock's stop in one write of the case item (stopServiceClock below then has nothing to write).
  const { closed, clockStopped } = await closeWithClock(
    deps,
    caseId,
    {
      status: 'closed',
      outcome,
      closedAt: at,
      waitingFor: '',
      ...(reason === 'survey_expired' && !record.survey ? { survey: { expiredAt: at } } : {}),
    },
    OPEN_STATUSES,
    now,
    // The case as read above: the close's write is guarded (version, or status), a lost race reads it afresh.
    record,
  );
  // Counted by the call whose conditional write closed the case, at once, from the case as that write left it: a
  // retried step finds it closed and counts nothing, so nothing that can fail may run between the write and the count
  // (a crash in that instant leaves the close uncounted, never counted twice).
  if (closed) await deps.reports.countClosed(caseId, closedFacts(closed, now, deps.markets.of(closed)));
  if (closed) {
    await deps.cases.appendTimeline(caseId, { at, actor: 'pipeline', event: 'case_closed', detail: { reason, outcome } });
    deps.metrics?.count('CasesClosed', { CaseType: record.type, Outcome: outcome });
  }
  // Not after the version-guarded close: it stopped the clock from the case as it stood when it closed, and a closed
  // case takes no pause (pauseRefusal). After a plain status-guarded close (or a retry) a pause written between the read
  // above and the close's write is found only by stopServiceClock's fresh read.
  if (!clockStopped) await stopServiceClock(deps, caseId, now);
  await deps.dedupe.releaseOpenCase(record.orderId, record.type, caseId);
  if (deps.privacy) {
    // A retry after the close (closed is false then) still files it: the close time is the stored one.
    const closedAt = closed ? at : ((await deps.cases.require(caseId)).closedAt ?? at);
    await afterCaseClosed({ ...deps.privacy, cases: deps.cases, markets: deps.markets }, record, closedAt, now);
  }
  return { outcome };
}

/** What a close is counted by (local days in the market's zone), under the market the case was decided in. */
export function closedFacts(record: CaseRecord, now: Date, market: { code: string; calendar: WorkingDayCalendar }): ClosedFacts {
  const { calendar } = market;
  const zone = calendar.timeZone;
  const { sla } = record;
  const metAt = sla?.state === 'met' ? sla.metAt : undefined;
  return {
    day: localDateOf(record.closedAt ? new Date(record.closedAt) : now, zone),
    type: record.type,
    outcome: record.outcome ?? 'approved',
    carrier: record.shipment.carrier,
    shipDay: localDateOf(new Date(record.shipment.shippedAt), zone),
    market: market.code,
    ...(sla && metAt
      ? {
          resolution: {
            day: localDateOf(new Date(metAt), zone),
            // Pauses move the due time (the customer was told): within the limit is by the due time as it stood.
            withinLimit: sla.dueAt !== undefined ? metAt <= sla.dueAt : !sla.breachedAt,
            workingMs: serviceWorkingMs(sla, metAt, calendar),
          },
        }
      : {}),
  };
}

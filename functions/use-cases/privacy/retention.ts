import type { CaseRepository } from '../ports.js';
import type { CaseRedactor } from '../../adapters/case-redactor.js';
import type { PrivacyStore } from '../../adapters/privacy-store.js';
import type { Markets } from '../../domain/markets.js';
import { retentionDueAt } from '../../domain/privacy.js';
import { redactOnClose } from './apply-privacy-request.js';

export interface RetentionDeps {
  cases: Pick<CaseRepository, 'get'>;
  privacy: Pick<PrivacyStore, 'scheduleRetention' | 'dueForRetention' | 'dropRetention' | 'awaitingClose' | 'caseRedacted' | 'clearAwaitClose'>;
  redactor: Pick<CaseRedactor, 'redact'>;
  /** Each case is kept by its own market's `privacy.retentionDays` (functions/policies/). */
  markets: Pick<Markets, 'of'>;
}

/**
 * After a case closes: its personal data falls due `retentionDays` later (filed in the due index), and redaction
 * requests that waited for it are carried out now. A case reopened by a dispute and closed again is filed again;
 * the latest close counts.
 */
export async function afterCaseClosed(deps: RetentionDeps, closing: { caseId: string; market?: string }, closedAt: string, now: Date): Promise<void> {
  const { caseId } = closing;
  await deps.privacy.scheduleRetention(caseId, retentionDueAt(closedAt, deps.markets.of(closing).policy.privacy.retentionDays));
  await redactOnClose(deps, caseId, now);
}

/** At most this many cases a run: a run stays well inside its timeout; the next run (hourly) takes the rest. */
const BATCH = 100;

/**
 * Scheduled: redacts the closed cases whose retention period ended, read from the due index (never a scan), with the
 * same code as a customer's request. The due time filed at the close counts (a later change of the policy applies to
 * cases closed after it). A case reopened since it was filed is left alone: it is filed again when it closes.
 */
export async function runRetention(deps: RetentionDeps, now: Date): Promise<{ redacted: number; skipped: number }> {
  let redacted = 0;
  let skipped = 0;
  for (const due of await deps.privacy.dueForRetention(now, BATCH)) {
    const record = await deps.cases.get(due.caseId);
    if (record?.status === 'closed') {
      const { retentionDays } = deps.markets.of(record).policy.privacy;
      const result = await deps.redactor.redact(due.caseId, { kind: 'retention', retentionDays }, now);
      if (result === 'redacted') redacted += 1;
    } else skipped += 1;
    await deps.privacy.dropRetention(due.caseId, due.dueAt);
  }
  return { redacted, skipped };
}

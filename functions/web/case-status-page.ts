import type { CaseRecord } from '../domain/case-record.js';
import { caseProgress, type ProgressFacts } from '../domain/case-progress.js';
import type { MarketPolicy } from '../domain/markets.js';
import { loadCopy, operatorNoteOf } from '../domain/notices.js';
import { pageLocale } from './layout.js';
import { statusPage, type ChoiceProblem, type PauseChoice } from './status-pages.js';

/**
 * The customer's status page for a case, in its language and its market's zone, under the case's market's policy.
 * Only that language's notice copy is loaded (the page repeats the notices' words for the request and a pause).
 */
export async function caseStatusPage(
  record: CaseRecord & { pause?: ProgressFacts['pause'] },
  { policy, timeZone }: Pick<MarketPolicy, 'policy' | 'timeZone'>,
  action: string,
  opts: { done?: PauseChoice; problem?: ChoiceProblem },
): Promise<string> {
  const locale = pageLocale(record.locale, policy.locale);
  const progress = caseProgress({ ...record, offersChoice: policy.customerChoice[record.type] !== undefined });
  const operatorNote = operatorNoteOf(record);
  return statusPage(
    locale,
    {
      caseId: record.caseId,
      type: record.type,
      progress,
      ...(record.pause ? {} : { dueAt: record.dueAt, dueProvisional: Boolean(record.sla?.provisional) }) /* on hold, the old due date no longer holds */,
      updatedAt: record.updatedAt,
      // Dates in the case's market's zone: a German customer reads Berlin time.
      timeZone,
      // Once redacted, the operator's words are the marker: the page says the data was redacted instead of quoting it.
      ...(operatorNote && !record.redactedAt ? { operatorNote } : {}),
      ...(record.redactedAt ? { redacted: true } : {}),
    },
    { action, ...opts },
    await loadCopy(locale),
  );
}

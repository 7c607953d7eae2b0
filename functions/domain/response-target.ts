import { endOfLocalDay, localDateOf, type WorkingDayCalendar } from './working-days.js';
import { addWorkingTime } from './working-time.js';

/**
 * The internal first-response target (001 §3.2): a case should get its first decision (approval, rejection, a request
 * for evidence: by the policy or by an operator) within hours of arriving, by priority band (policy
 * `sla.firstResponseHours`). A case the policy sends to manual review is answered when the operator decides.
 */
export interface ResponseFacts {
  status: string;
  decision?: { decision: string; at: string };
  closedAt?: string;
  dispute?: { count: number };
}

export type ResponseVerdict = 'met' | 'missed' | 'stopped' | 'not_yet';

/** When the case was first answered, as far as the record shows. */
export function respondedAt(record: ResponseFacts): string | undefined {
  return record.decision && record.decision.decision !== 'manual' ? record.decision.at : undefined;
}

export function firstResponseVerdict(record: ResponseFacts | undefined, dueAt: string, now: Date): ResponseVerdict {
  if (!record) return 'stopped';
  const answered = respondedAt(record);
  if (answered !== undefined && answered <= dueAt) return 'met';
  // Closed by its due time, or reopened by a dispute (only a case closed as rejected, so answered, reopens): judged as
  // it stood at that close, whatever a reopening or a later decision wrote after (until 5 December the close deleted
  // the target; it stays listed now, so its verdict must not follow `decision.at` past the due time).
  if (record.dispute || (record.closedAt !== undefined && record.closedAt <= dueAt)) return 'stopped';
  if (now.getTime() <= Date.parse(dueAt)) return 'not_yet';
  // Closed without an answer: withdrawn or a duplicate, nothing left to answer.
  if (answered === undefined && record.status === 'closed') return 'stopped';
  return 'missed';
}

/**
 * The reply promise shown to the customer: the first-response target counted in the market's working time (rest days
 * and holidays do not count, make-up working days do) and rounded up to the end of the working day it falls on, so
 * the customer reads "by the end of Mon, Dec 7", never "by Sat 05:42". The internal target (`responseDueAt`) stays
 * in clock hours for the team. Throws what the calendar throws for days it cannot tell.
 */
export function customerReplyBy(reachedAt: Date, hours: number, calendar: WorkingDayCalendar): string {
  const target = addWorkingTime(reachedAt, hours * 3_600_000, calendar);
  // A target exactly at midnight belongs to the working day that just ended (the next one may be a rest day).
  const day = localDateOf(new Date(target.getTime() - 1), calendar.timeZone);
  return endOfLocalDay(day, calendar.timeZone).toISOString();
}

import { PROACTIVE_FINDINGS, type ProactiveFinding } from './notices/types.js';

/**
 * Which customer notices are not sent, and why: rules on the case's facts, not on the workflow's path, so every way
 * a milestone is reached obeys them. Pure.
 */

/** The case facts the rules read. `origin` is set when the pipeline opened the case from carrier tracking. */
export interface NoticeRuleFacts {
  type: string;
  reason: string;
  origin?: 'proactive';
  outcome?: string;
  decision?: { decision: string };
  survey?: { rating: number } | { expiredAt: string };
}

/** What the pipeline noticed on a case it opened itself (its reason is `proactive_<rule>`), or undefined. */
export function proactiveFindingOf(record: NoticeRuleFacts): ProactiveFinding | undefined {
  if (record.origin !== 'proactive') return undefined;
  const rule = record.reason.replace(/^proactive_/, '');
  if ((PROACTIVE_FINDINGS as readonly string[]).includes(rule)) return rule as ProactiveFinding;
  return record.type === 'delayed' ? 'late_delivery' : 'no_scan';
}

export interface NoticeSkip {
  /** Recorded on the notice slot (the ops view lists it) and on the timeline. */
  status: 'skipped';
  reason: string;
}

/**
 * A proactive case the carrier refuted (the parcel was on time, or turned up) closes silently: the customer never
 * claimed anything, so a "not approved" notice would only alarm them. The case's timeline keeps the note.
 */
export function noticeSkip(milestone: string, record: NoticeRuleFacts): NoticeSkip | undefined {
  const rejected = record.outcome === 'rejected' || record.decision?.decision === 'reject';
  if (milestone === 'decided' && rejected && proactiveFindingOf(record)) {
    return { status: 'skipped', reason: 'proactive_refuted: the pipeline opened this case itself and the carrier refuted it; closed without a notice' };
  }
  // The reminder step reads the case before it queues the reminder: an answer landing in between is seen here, later.
  if (milestone === 'survey_reminder' && record.survey !== undefined && 'rating' in record.survey) {
    return { status: 'skipped', reason: 'survey_answered: the customer answered the survey before the reminder went out' };
  }
  return undefined;
}

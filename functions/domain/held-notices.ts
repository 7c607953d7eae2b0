/**
 * SMS held back by quiet hours are released together in the morning. They go out in the order their milestones were
 * reached, and one that is no longer current is dropped with a reason instead of confusing the customer: a step whose
 * deadline has passed (a choice or photos asked by a time already gone), or one a later milestone held with it
 * replaces (the "we'll reply by" once the reply is in the same batch). Pure: `now` is passed in.
 */

export interface HeldNotice {
  /** The notice slot (`milestone` or `milestone#r<round>`). */
  slot: string;
  milestone: string;
  /** When the milestone was reached (the message's `at`). */
  at: string;
  /** Seconds the customer had to act, counted from `at`. */
  dueInSeconds?: number;
}

export type HeldVerdict = { action: 'send' } | { action: 'superseded' | 'expired'; reason: string };

/** The order milestones follow in a case: ties on `at` are broken by it. */
const PROGRESSION = [
  'received',
  'dispute_received',
  'evidence_needed',
  'decided',
  'remedy_choice_needed',
  'ship_back',
  'delay_notice',
  'resolved',
  'charged_back',
  'cancelled',
  'closed',
  'survey_invitation',
  'survey_reminder',
];

/** Steps that ask the customer to act by a deadline: past it, the SMS would ask for the impossible. */
const WITH_DEADLINE = new Set(['evidence_needed', 'remedy_choice_needed', 'ship_back']);

/** What makes a held SMS moot when a later milestone is held with it. A repeat of the same milestone always does. */
const SUPERSEDED_BY: Record<string, string[]> = {
  received: ['evidence_needed', 'decided', 'cancelled', 'closed'],
  evidence_needed: ['decided', 'remedy_choice_needed', 'ship_back', 'resolved', 'cancelled', 'closed'],
  remedy_choice_needed: ['ship_back', 'resolved', 'cancelled', 'closed'],
  ship_back: ['resolved', 'charged_back', 'cancelled', 'closed'],
  delay_notice: ['resolved', 'cancelled', 'closed'],
  survey_invitation: ['survey_reminder'],
};

const rank = (milestone: string) => {
  const i = PROGRESSION.indexOf(milestone);
  return i < 0 ? PROGRESSION.length : i;
};

/** Oldest first: by when the milestone was reached, then by the case's progression. */
export function heldInOrder<T extends HeldNotice>(held: readonly T[]): T[] {
  return [...held].sort((a, b) => a.at.localeCompare(b.at) || rank(a.milestone) - rank(b.milestone));
}

/** The deadline a held step carried has passed: the reason, or undefined. */
export function heldExpired(notice: Pick<HeldNotice, 'milestone' | 'at' | 'dueInSeconds'>, now: Date): string | undefined {
  if (!WITH_DEADLINE.has(notice.milestone) || notice.dueInSeconds === undefined) return undefined;
  const deadline = Date.parse(notice.at) + notice.dueInSeconds * 1000;
  return deadline <= now.getTime() ? `its deadline ${new Date(deadline).toISOString()} passed while it was held` : undefined;
}

/** One case's held SMS, oldest first, each with whether it still goes out. */
export function releasePlan<T extends HeldNotice>(held: readonly T[], now: Date): Array<{ notice: T; verdict: HeldVerdict }> {
  const ordered = heldInOrder(held);
  return ordered.map((notice, i) => {
    const later = ordered.slice(i + 1).find((next) => next.milestone === notice.milestone || (SUPERSEDED_BY[notice.milestone] ?? []).includes(next.milestone));
    if (later) return { notice, verdict: { action: 'superseded', reason: `superseded by ${later.slot}, held with it` } };
    const expired = heldExpired(notice, now);
    return { notice, verdict: expired ? { action: 'expired', reason: expired } : { action: 'send' } };
  });
}

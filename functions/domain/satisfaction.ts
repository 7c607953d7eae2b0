/**
 * Satisfaction survey answers, the low-score follow-up rule and the report arithmetic (docs/domain.md, "Satisfaction
 * survey"; 000 §6.1). Pure: counts come in, averages, rates and changes go out.
 */

/** What the customer rates, 1 (poor) to 5 (excellent). `overall` is required; the three aspects are optional. */
export const SCORES = ['overall', 'speed', 'resolution', 'attitude'] as const;
export type Score = (typeof SCORES)[number];
export const ASPECTS = ['speed', 'resolution', 'attitude'] as const;
export type Aspect = (typeof ASPECTS)[number];

export const COMMENT_MAX_LENGTH = 1000;

export interface SurveyAnswer {
  overall: number;
  speed?: number;
  resolution?: number;
  attitude?: number;
  comment: string;
}

/** An overall score at or below the policy's threshold gets a call back from operations. */
export function needsFollowUp(overall: number, policy: { followUpAtOrBelow: number }): boolean {
  return overall <= policy.followUpAtOrBelow;
}

/** How an operator's call-back went. */
export const FOLLOW_UP_OUTCOMES = ['reached', 'unreachable', 'declined'] as const;
export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];

/** The follow-up task on a case: open from a low score until an operator records the call-back. */
export interface FollowUp {
  status: 'open' | 'closed';
  reason: 'low_score';
  overall: number;
  openedAt: string;
  closedAt?: string;
  outcome?: FollowUpOutcome;
  note?: string;
  by?: string;
}

/** Counters for one group over a period: invitations, answers, and per score the sum and number of answers. */
export interface SatisfactionCounts {
  invited: number;
  answered: number;
  sums: Record<Score, number>;
  counts: Record<Score, number>;
  /** Answers per overall score, index 0 = score 1. */
  overallHistogram: [number, number, number, number, number];
}

export const emptyCounts = (): SatisfactionCounts => ({
  invited: 0,
  answered: 0,
  sums: { overall: 0, speed: 0, resolution: 0, attitude: 0 },
  counts: { overall: 0, speed: 0, resolution: 0, attitude: 0 },
  overallHistogram: [0, 0, 0, 0, 0],
});

export function addCounts(into: SatisfactionCounts, more: SatisfactionCounts): SatisfactionCounts {
  into.invited += more.invited;
  into.answered += more.answered;
  for (const score of SCORES) {
    into.sums[score] += more.sums[score];
    into.counts[score] += more.counts[score];
  }
  more.overallHistogram.forEach((n, i) => (into.overallHistogram[i]! += n));
  return into;
}

export interface SatisfactionSummary {
  invited: number;
  answered: number;
  /** answered / invited; null without invitations. */
  responseRate: number | null;
  /** Mean of each score over the answers that gave it; null without any. */
  averages: Record<Score, number | null>;
  /** Answers that gave each score: the aspects are optional, so their averages may rest on fewer answers. */
  answers: Record<Score, number>;
  overallDistribution: Record<'1' | '2' | '3' | '4' | '5', number>;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

export function summarize(c: SatisfactionCounts): SatisfactionSummary {
  const averages = Object.fromEntries(SCORES.map((s) => [s, c.counts[s] > 0 ? round(c.sums[s] / c.counts[s], 2) : null])) as Record<Score, number | null>;
  const [one, two, three, four, five] = c.overallHistogram;
  return {
    invited: c.invited,
    answered: c.answered,
    responseRate: c.invited > 0 ? round(c.answered / c.invited, 3) : null,
    averages,
    answers: { ...c.counts },
    overallDistribution: { '1': one, '2': two, '3': three, '4': four, '5': five },
  };
}

export interface SatisfactionChange {
  /** Absolute difference of the response rates (0.1 = ten percentage points); null when either is unknown. */
  responseRate: number | null;
  /** Absolute difference of each average score; null when either period has no answers for it. */
  averages: Record<Score, number | null>;
}

export function change(current: SatisfactionCounts, previous: SatisfactionCounts): SatisfactionChange {
  const delta = (a: number | null, b: number | null, digits: number) => (a === null || b === null ? null : round(a - b, digits));
  const mean = (c: SatisfactionCounts, s: Score) => (c.counts[s] > 0 ? c.sums[s] / c.counts[s] : null);
  const rate = (c: SatisfactionCounts) => (c.invited > 0 ? c.answered / c.invited : null);
  return {
    responseRate: delta(rate(current), rate(previous), 3),
    averages: Object.fromEntries(SCORES.map((s) => [s, delta(mean(current, s), mean(previous, s), 2)])) as Record<Score, number | null>,
  };
}

const DAY_MS = 86_400_000;
const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10);

/** The period of equal length just before from..to (local days, both inclusive, YYYY-MM-DD). */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const start = Date.parse(`${from}T00:00:00Z`);
  const days = (Date.parse(`${to}T00:00:00Z`) - start) / DAY_MS + 1;
  return { from: dayOf(start - days * DAY_MS), to: dayOf(start - DAY_MS) };
}

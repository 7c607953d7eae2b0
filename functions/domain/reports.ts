/**
 * The operations reports (docs/domain.md "Records, analysis, security"; 000 §6-§7, 002 §6): what each counter means, how
 * counters are bucketed, and the arithmetic that turns summed counters into report figures (rates, shares, medians,
 * series per day or month). Pure: counts in, figures out. The counters themselves are kept as events happen
 * (functions/adapters/report-counters.ts); a report never reads cases.
 */
import { CalendarDataMissing, type WorkingDayCalendar } from './working-days.js';
import { workingTimeBetween } from './working-time.js';

/** The claims a carrier answers for on the scorecard: a parcel that arrived damaged, never arrived, or came late. */
export const CARRIER_CLAIM_KINDS = ['damaged', 'lost', 'delayed'] as const;
export type CarrierClaimKind = (typeof CARRIER_CLAIM_KINDS)[number];

export function isCarrierClaim(type: string): type is CarrierClaimKind {
  return (CARRIER_CLAIM_KINDS as readonly string[]).includes(type);
}

/**
 * Resolution time buckets, upper bounds in working days (a bucket holds times above the previous bound up to its
 * own). The service limits are 3, 7, 10, 15 and 20 working days (000 §5): each is a bound, so "within the limit" can be
 * read from the buckets too. Above the last bound: `over`.
 */
export const RESOLUTION_BOUNDS = [1, 2, 3, 5, 7, 10, 15, 20, 30] as const;
export type ResolutionBucket = `le${(typeof RESOLUTION_BOUNDS)[number]}` | 'over';
export const RESOLUTION_BUCKETS: readonly ResolutionBucket[] = [...RESOLUTION_BOUNDS.map((b) => `le${b}` as const), 'over'];

const WORKING_DAY_MS = 86_400_000;

/** The bucket of a resolution that took `workingMs` of working time (working days counted whole, 24 h each). */
export function resolutionBucket(workingMs: number): ResolutionBucket {
  const days = Math.max(0, workingMs) / WORKING_DAY_MS;
  const bound = RESOLUTION_BOUNDS.find((b) => days <= b);
  return bound === undefined ? 'over' : (`le${bound}` as ResolutionBucket);
}

/** Counters of services completed (the remedy confirmed) for one case type over a period. */
export interface ResolutionCounts {
  resolved: number;
  /** Confirmed by the due time (pauses extend it, as the customer was told). */
  withinLimit: number;
  /** Sum of working time taken, ms: for the mean. */
  workingMs: number;
  /** Resolutions whose working time the calendar could not measure (beyond its data): counted, not bucketed. */
  unmeasured: number;
  buckets: Record<ResolutionBucket, number>;
}

export const emptyResolution = (): ResolutionCounts => ({
  resolved: 0,
  withinLimit: 0,
  workingMs: 0,
  unmeasured: 0,
  buckets: Object.fromEntries(RESOLUTION_BUCKETS.map((b) => [b, 0])) as Record<ResolutionBucket, number>,
});

export function addResolution(into: ResolutionCounts, more: ResolutionCounts): ResolutionCounts {
  into.resolved += more.resolved;
  into.withinLimit += more.withinLimit;
  into.workingMs += more.workingMs;
  into.unmeasured += more.unmeasured;
  for (const b of RESOLUTION_BUCKETS) into.buckets[b] += more.buckets[b];
  return into;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** part / whole, rounded to 4 digits; null when there is nothing to divide by (never 0% of nothing). */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? round(part / whole, 4) : null;
}

/**
 * The bucket's upper bound (working days) below which `share` of the measured resolutions lie: the median for 0.5.
 * Counted from the buckets, so it is an upper bound ("half took at most 5 working days"); `over` is reported as null
 * (more than the last bound, not a number).
 */
export function bucketQuantile(buckets: Record<ResolutionBucket, number>, share: number): number | null | undefined {
  const total = RESOLUTION_BUCKETS.reduce((sum, b) => sum + buckets[b], 0);
  if (total === 0) return undefined;
  let seen = 0;
  for (const [i, b] of RESOLUTION_BUCKETS.entries()) {
    seen += buckets[b];
    if (seen >= share * total) return RESOLUTION_BOUNDS[i] ?? null;
  }
  return null;
}

export interface ResolutionSummary {
  resolved: number;
  withinLimit: number;
  /** withinLimit / resolved; null without resolutions. */
  shareWithinLimit: number | null;
  /** Mean working days over the measured resolutions, 1 decimal; null without any. */
  meanWorkingDays: number | null;
  /** Upper bounds from the buckets (see bucketQuantile): null = above the last bound; absent = nothing measured. */
  medianWorkingDaysAtMost?: number | null;
  p90WorkingDaysAtMost?: number | null;
  unmeasured: number;
  buckets: Record<ResolutionBucket, number>;
}

export function summarizeResolution(c: ResolutionCounts): ResolutionSummary {
  const measured = c.resolved - c.unmeasured;
  const median = bucketQuantile(c.buckets, 0.5);
  const p90 = bucketQuantile(c.buckets, 0.9);
  return {
    resolved: c.resolved,
    withinLimit: c.withinLimit,
    shareWithinLimit: rate(c.withinLimit, c.resolved),
    meanWorkingDays: measured > 0 ? round(c.workingMs / measured / WORKING_DAY_MS, 1) : null,
    ...(median !== undefined ? { medianWorkingDaysAtMost: median } : {}),
    ...(p90 !== undefined ? { p90WorkingDaysAtMost: p90 } : {}),
    unmeasured: c.unmeasured,
    buckets: { ...c.buckets },
  };
}

/**
 * One carrier's counters over a period, by the local day its parcels were shipped (a cohort: the claims about the
 * parcels shipped in a period, over the parcels shipped in it). `claims` counts cases opened; `confirmed` those that
 * closed approved (the carrier's tracking or the review confirmed them).
 */
export interface CarrierCounts {
  shipments: number;
  claims: Record<CarrierClaimKind, number>;
  confirmed: Record<CarrierClaimKind, number>;
}

const byKind = (value: number) => Object.fromEntries(CARRIER_CLAIM_KINDS.map((k) => [k, value])) as Record<CarrierClaimKind, number>;
export const emptyCarrier = (): CarrierCounts => ({ shipments: 0, claims: byKind(0), confirmed: byKind(0) });

export function addCarrier(into: CarrierCounts, more: CarrierCounts): CarrierCounts {
  into.shipments += more.shipments;
  for (const k of CARRIER_CLAIM_KINDS) {
    into.claims[k] += more.claims[k];
    into.confirmed[k] += more.confirmed[k];
  }
  return into;
}

export interface ScorecardRow {
  carrier: string;
  shipments: number;
  claims: Record<CarrierClaimKind, number>;
  confirmed: Record<CarrierClaimKind, number>;
  /** Claims per shipment, per kind; null without shipments (a claim on an unannounced parcel has no denominator). */
  claimRates: Record<CarrierClaimKind, number | null>;
  /** Confirmed claims per shipment: the figure to put to the carrier. */
  rates: Record<CarrierClaimKind, number | null>;
}

export function scorecardRow(carrier: string, c: CarrierCounts): ScorecardRow {
  const rates = (counts: Record<CarrierClaimKind, number>) =>
    Object.fromEntries(CARRIER_CLAIM_KINDS.map((k) => [k, rate(counts[k], c.shipments)])) as Record<CarrierClaimKind, number | null>;
  return { carrier, shipments: c.shipments, claims: { ...c.claims }, confirmed: { ...c.confirmed }, claimRates: rates(c.claims), rates: rates(c.confirmed) };
}

/** One carrier's counters on one ship-day (a counter item read back). */
export interface CarrierDay {
  day: string;
  carrier: string;
  counts: CarrierCounts;
}

/**
 * The scorecard over a range: one ranked row per carrier for the whole range, and the same per period (day or month),
 * so a carrier's rates can be followed over time.
 */
export function scorecard(days: CarrierDay[], from: string, to: string, granularity: Granularity) {
  const total = new Map<string, CarrierCounts>();
  const perPeriod = new Map<string, Map<string, CarrierCounts>>(periodsBetween(from, to, granularity).map((p) => [p, new Map()]));
  for (const { day, carrier, counts } of days) {
    const bucket = perPeriod.get(periodOf(day, granularity));
    if (!bucket) continue;
    addCarrier(total.get(carrier) ?? total.set(carrier, emptyCarrier()).get(carrier)!, counts);
    addCarrier(bucket.get(carrier) ?? bucket.set(carrier, emptyCarrier()).get(carrier)!, counts);
  }
  const rows = (m: Map<string, CarrierCounts>) => rankScorecard([...m.entries()].map(([carrier, c]) => scorecardRow(carrier, c)));
  const all = [...total.values()].reduce((sum, c) => addCarrier(sum, c), emptyCarrier());
  return {
    carriers: rows(total),
    allCarriers: scorecardRow('all', all),
    periods: [...perPeriod.entries()].map(([period, m]) => ({ period, carriers: rows(m) })),
  };
}

/** Worst first: the highest confirmed rate of any kind, then the most shipments, then the code. */
export function rankScorecard(rows: ScorecardRow[]): ScorecardRow[] {
  const worst = (r: ScorecardRow) => Math.max(...CARRIER_CLAIM_KINDS.map((k) => r.rates[k] ?? -1));
  return [...rows].sort((a, b) => worst(b) - worst(a) || b.shipments - a.shipments || a.carrier.localeCompare(b.carrier));
}

/** How a report's series are grouped: one point per local day, or per calendar month. */
export const GRANULARITIES = ['day', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** The period a local day (YYYY-MM-DD) falls in. */
export function periodOf(day: string, granularity: Granularity): string {
  return granularity === 'month' ? day.slice(0, 7) : day;
}

/** Every period from..to touches, in order (so a series has a point for a day with nothing). */
export function periodsBetween(from: string, to: string, granularity: Granularity): string[] {
  const periods: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const period = periodOf(new Date(t).toISOString().slice(0, 10), granularity);
    if (periods.at(-1) !== period) periods.push(period);
  }
  return periods;
}

/** One counted value on one local day (a counter item read back). */
export interface DayCount {
  day: string;
  key: string;
  count: number;
}

/** A series per key: for each period of the range, the sum of that key's counts; keys ordered by their total, largest first. */
export function seriesByPeriod(
  counts: DayCount[],
  from: string,
  to: string,
  granularity: Granularity,
): { periods: string[]; series: Array<{ key: string; total: number; values: number[] }> } {
  const periods = periodsBetween(from, to, granularity);
  const index = new Map(periods.map((p, i) => [p, i]));
  const byKey = new Map<string, number[]>();
  for (const { day, key, count } of counts) {
    const i = index.get(periodOf(day, granularity));
    if (i === undefined) continue;
    const values = byKey.get(key) ?? periods.map(() => 0);
    values[i]! += count;
    byKey.set(key, values);
  }
  const series = [...byKey.entries()].map(([key, values]) => ({ key, total: values.reduce((a, b) => a + b, 0), values }));
  return { periods, series: series.sort((a, b) => b.total - a.total || a.key.localeCompare(b.key)) };
}

/**
 * The working time a completed service took: from its clock's start to the confirmation, less the working time it stood
 * paused (the customer was told the clock stopped). Undefined when the calendar cannot measure it (beyond its data).
 */
export function serviceWorkingMs(sla: { startedAt: string; pauses: Array<{ from: string; to: string }> }, metAt: string, calendar: WorkingDayCalendar): number | undefined {
  const start = Date.parse(sla.startedAt);
  const end = Date.parse(metAt);
  try {
    const paused = sla.pauses.reduce((sum, p) => {
      const from = Math.max(Date.parse(p.from), start);
      const to = Math.min(Date.parse(p.to), end);
      return to > from ? sum + workingTimeBetween(new Date(from), new Date(to), calendar) : sum;
    }, 0);
    return Math.max(0, workingTimeBetween(new Date(start), new Date(end), calendar) - paused);
  } catch (error) {
    if (error instanceof CalendarDataMissing || error instanceof RangeError) return undefined;
    throw error;
  }
}

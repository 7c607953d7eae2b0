import type { CostDimension, CostTotal, LedgerPort } from './ports.js';
import type { ReportCounters } from '../adapters/report-counters.js';
import type { SatisfactionStore } from '../adapters/satisfaction-store.js';
import { CASE_TYPES } from '../domain/case.js';
import type { AftersalesPolicy } from '../domain/policy.js';
import { addResolution, emptyResolution, scorecard, seriesByPeriod, summarizeResolution, type Granularity, type ResolutionCounts } from '../domain/reports.js';
import { serviceLimitName } from '../domain/service-limits.js';
import { slaServiceFor } from '../domain/sla.js';
import { satisfactionReports } from './satisfaction-report.js';

/**
 * The operations reports over a range of local days (docs/operations.md "Reports"), each read from counters kept as
 * events happened: one Query per month and counter shard (and per month for the previous release's items), never a scan
 * of cases. `granularity` groups the series by day or by month.
 */
export interface ReportRange {
  from: string;
  to: string;
  granularity: Granularity;
}

export interface ReportDeps {
  reports: Pick<ReportCounters, 'volume' | 'resolution' | 'resolutionByMarket' | 'carriers'>;
  ledger: Pick<LedgerPort, 'totals' | 'totalsBy'>;
  satisfaction: Pick<SatisfactionStore, 'totalsByGroup'>;
  /** The default market's policy: the limits shown beside the all-markets totals. */
  policy: Pick<AftersalesPolicy, 'serviceLimits'>;
  /** Each market's policy, for its own service limits; throws for a market the deployment no longer knows. */
  markets: { market(code: string): { policy: Pick<AftersalesPolicy, 'serviceLimits'> } };
}

/** Cases opened per period by type and by reason (on the day they were received), and closed by outcome. */
export async function volumeReport(deps: Pick<ReportDeps, 'reports'>, range: ReportRange) {
  const { from, to, granularity } = range;
  const [types, reasons, outcomes] = await Promise.all([deps.reports.volume('type', from, to), deps.reports.volume('reason', from, to), deps.reports.volume('outcome', from, to)]);
  const byType = seriesByPeriod(types, from, to, granularity);
  const byReason = seriesByPeriod(reasons, from, to, granularity);
  const closedByOutcome = seriesByPeriod(outcomes, from, to, granularity);
  const sum = (s: typeof byType) => s.series.reduce((total, line) => total + line.total, 0);
  return {
    from,
    to,
    granularity,
    periods: byType.periods,
    opened: sum(byType),
    closed: sum(closedByOutcome),
    byType: byType.series,
    byReason: byReason.series,
    closedByOutcome: closedByOutcome.series,
  };
}

/**
 * Services completed (remedy confirmed) per case type, on the day they were confirmed: how many, the share done by
 * the due time, the mean and the bucketed median/p90 in working days, next to the type's service limit.
 */
export async function resolutionReport(deps: Pick<ReportDeps, 'reports' | 'policy' | 'markets'>, range: Pick<ReportRange, 'from' | 'to'>) {
  const [counts, byMarket] = await Promise.all([deps.reports.resolution(range.from, range.to), deps.reports.resolutionByMarket(range.from, range.to)]);
  const all = resolutionByType(counts, deps.policy);
  // Per market, next to that market's own limits (a DE return is measured against 5 working days, not CN's 7).
  const markets = [...byMarket.keys()].sort().map((market) => {
    const known = (() => {
      try {
        return deps.markets.market(market).policy;
      } catch {
        return undefined; // a market since removed: its counts without limits
      }
    })();
    return { market, ...resolutionByType(byMarket.get(market)!, known) };
  });
  return { from: range.from, to: range.to, ...all, markets };
}

type Limits = Pick<AftersalesPolicy, 'serviceLimits'>;
type ServiceLimit = { name: string; workingDays: number; expeditedWorkingDays: number };
type ResolutionLine = { type: string } & ReturnType<typeof summarizeResolution>;

/** Per case type, each beside its service limit under `policy` (none when the market is no longer known). */
function resolutionByType(
  counts: Map<string, ResolutionCounts>,
  policy: Limits,
): { types: Array<ResolutionLine & { limit: ServiceLimit }>; total: ReturnType<typeof summarizeResolution> };
function resolutionByType(
  counts: Map<string, ResolutionCounts>,
  policy: Limits | undefined,
): { types: Array<ResolutionLine & { limit?: ServiceLimit }>; total: ReturnType<typeof summarizeResolution> };
function resolutionByType(
  counts: Map<string, ResolutionCounts>,
  policy: Limits | undefined,
): { types: Array<ResolutionLine & { limit?: ServiceLimit }>; total: ReturnType<typeof summarizeResolution> } {
  const all = emptyResolution();
  const types = CASE_TYPES.filter((type) => counts.has(type)).map((type) => {
    const c = counts.get(type)!;
    addResolution(all, c);
    const limit = policy?.serviceLimits[slaServiceFor(type).service];
    return { type, ...(limit ? { limit: { name: serviceLimitName(type), workingDays: limit.standard, expeditedWorkingDays: limit.expedited } } : {}), ...summarizeResolution(c) };
  });
  return { types: types.sort((a, b) => b.resolved - a.resolved || a.type.localeCompare(b.type)), total: summarizeResolution(all) };
}

/**
 * What compensation cost, per currency (amounts in that currency's minor units; never added across currencies), by
 * case type, remedy and carrier, from the cost ledger's counters. Charge-backs are negative and included. `markets`:
 * the same money per market and currency (a market's orders may be paid in more than one), for costs recorded since
 * the ledger counts markets; costs from before are in `currencies` only.
 */
export async function compensationReport(deps: { ledger: Pick<LedgerPort, 'totalsBy'> }, range: Pick<ReportRange, 'from' | 'to'>) {
  const dims: CostDimension[] = ['type', 'remedy', 'carrier', 'market'];
  const totals = await deps.ledger.totalsBy(dims, range.from, range.to);
  const [byType, byRemedy, byCarrier, byMarket] = dims.map((d) => totals.get(d)!);
  const currencies = [...new Set(byType!.map((t) => t.currency))].sort();
  const lines = (totals: CostTotal[], currency: string) => totals.filter((t) => t.currency === currency).map(({ key, amount, entries }) => ({ key, amount, entries }));
  return {
    from: range.from,
    to: range.to,
    currencies: currencies.map((currency) => {
      const types = lines(byType!, currency);
      return {
        currency,
        amount: types.reduce((sum, t) => sum + t.amount, 0),
        entries: types.reduce((sum, t) => sum + t.entries, 0),
        byType: types,
        byRemedy: lines(byRemedy!, currency),
        byCarrier: lines(byCarrier!, currency),
      };
    }),
    markets: byMarket!
      .map(({ key, currency, amount, entries }) => ({ market: key, currency, amount, entries }))
      .sort((a, b) => a.market.localeCompare(b.market) || a.currency.localeCompare(b.currency)),
  };
}

/**
 * Satisfaction by case type, carrier, remedy and market, each with the period of equal length before
 * (satisfaction-report.ts). `byMarket` holds surveys sent since the counters know markets.
 */
export async function satisfactionByGroup(deps: Pick<ReportDeps, 'satisfaction'>, range: Pick<ReportRange, 'from' | 'to'>) {
  const [type, carrier, remedy, market] = await satisfactionReports(deps.satisfaction, ['type', 'carrier', 'remedy', 'market'], range.from, range.to);
  return {
    from: range.from,
    to: range.to,
    previousPeriod: type!.previousPeriod,
    total: type!.total,
    byType: type!.groups,
    byCarrier: carrier!.groups,
    byRemedy: remedy!.groups,
    byMarket: market!.groups,
  };
}

/**
 * The carrier scorecard: per carrier, parcels announced (shipment.created) and damage, loss and delay claims on them,
 * by the day the parcel was shipped, with claim rates and confirmed rates; for the range and per period.
 */
export async function carrierScorecard(deps: Pick<ReportDeps, 'reports'>, range: ReportRange) {
  const days = await deps.reports.carriers(range.from, range.to);
  return { from: range.from, to: range.to, granularity: range.granularity, basis: 'ship_day' as const, ...scorecard(days, range.from, range.to, range.granularity) };
}

/** Every report over one range, for the reports page (functions/web/reports-page.ts). */
export async function allReports(deps: ReportDeps, range: ReportRange) {
  const [volume, resolution, compensation, satisfaction, carriers] = await Promise.all([
    volumeReport(deps, range),
    resolutionReport(deps, range),
    compensationReport(deps, range),
    satisfactionByGroup(deps, range),
    carrierScorecard(deps, range),
  ]);
  return { range, volume, resolution, compensation, satisfaction, carriers };
}
export type AllReports = Awaited<ReturnType<typeof allReports>>;

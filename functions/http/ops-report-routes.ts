import type { Router } from '@aws-lambda-powertools/event-handler/http';
import { COST_DIMENSIONS } from '../adapters/ledger-store.js';
import { SATISFACTION_GROUPS } from '../adapters/satisfaction-store.js';
import { GRANULARITIES, type Granularity } from '../domain/reports.js';
import { carrierScorecard, compensationReport, resolutionReport, volumeReport, type ReportDeps } from '../use-cases/reports.js';
import { satisfactionReport } from '../use-cases/satisfaction-report.js';

type Reply = (status: number, body: unknown) => Response;

/** The longest range a report reads: one Query per month and shard, so a year is at most 13 months × (8 shards + the previous release's partition). */
export const MAX_REPORT_DAYS = 366;

/** A real calendar day, YYYY-MM-DD (2026-02-30 is not). */
export function isDay(value: string): boolean {
  const time = Date.parse(`${value}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
}

/**
 * A report's query: `from`, `to` (real local days, from ≤ to, at most MAX_REPORT_DAYS), and one optional choice
 * parameter (`groupBy` with its default, or `granularity`). Returns the values, or the 400 message to answer with.
 */
export function reportQuery<C extends string>(
  requestUrl: string,
  choice: { name: string; values: readonly C[]; default: C },
): { from: string; to: string; choice: C } | { error: string } {
  const params = new URL(requestUrl).searchParams;
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const picked = params.get(choice.name) ?? choice.default;
  const days = isDay(from) && isDay(to) ? (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 : 0;
  if (days < 1 || days > MAX_REPORT_DAYS || !(choice.values as readonly string[]).includes(picked)) {
    return { error: `Use from=YYYY-MM-DD&to=YYYY-MM-DD (real days, from ≤ to, at most ${MAX_REPORT_DAYS} days) and ${choice.name}=${choice.values.join('|')}.` };
  }
  return { from, to, choice: picked as C };
}

const GRANULARITY = { name: 'granularity', values: GRANULARITIES, default: 'day' as Granularity };

/**
 * `GET /ops/reports/volume|resolution|compensation|carriers?from&to[&granularity=day|month]` (supervisors, ROUTE_ROLES),
 * read from the report counters (docs/operations.md "Reports"), and `GET /ops/reports/costs|satisfaction?from&to[&groupBy]`,
 * totals grouped by one dimension (default `type`).
 */
export function registerReportRoutes(app: Router, deps: ReportDeps, reply: Reply): void {
  const route = (path: `/ops/reports/${string}`, build: (range: { from: string; to: string; granularity: Granularity }) => Promise<unknown>) =>
    app.get(path, async ({ req }) => {
      const query = reportQuery(req.url, GRANULARITY);
      if ('error' in query) return reply(400, { error: 'invalid_query', message: query.error });
      return reply(200, await build({ from: query.from, to: query.to, granularity: query.choice }));
    });
  const grouped = <G extends string>(path: `/ops/reports/${string}`, groups: readonly G[], build: (range: { from: string; to: string; groupBy: G }) => Promise<unknown>) =>
    app.get(path, async ({ req }) => {
      const query = reportQuery(req.url, { name: 'groupBy', values: groups, default: 'type' as G });
      if ('error' in query) return reply(400, { error: 'invalid_query', message: query.error });
      return reply(200, await build({ from: query.from, to: query.to, groupBy: query.choice }));
    });
  /** Compensation costs totalled by case type, remedy or carrier, from the ledger's counters. */
  grouped('/ops/reports/costs', COST_DIMENSIONS, async (range) => ({ ...range, totals: await deps.ledger.totals(range.groupBy, range.from, range.to) }));
  /** Satisfaction by case type, carrier or remedy, with the previous period of equal length. */
  grouped('/ops/reports/satisfaction', SATISFACTION_GROUPS, (range) => satisfactionReport(deps.satisfaction, range.groupBy, range.from, range.to));
  route('/ops/reports/volume', (range) => volumeReport(deps, range));
  route('/ops/reports/resolution', (range) => resolutionReport(deps, range));
  route('/ops/reports/compensation', (range) => compensationReport(deps, range));
  route('/ops/reports/carriers', (range) => carrierScorecard(deps, range));
}

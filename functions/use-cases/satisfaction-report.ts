import type { SatisfactionGroup, SatisfactionStore } from '../adapters/satisfaction-store.js';
import { change, emptyCounts, previousPeriod, summarize, type SatisfactionCounts } from '../domain/satisfaction.js';

/**
 * The satisfaction report over local days from..to: per value of the group (case type, carrier, remedy) and for all
 * surveys, the average scores, the response rate, and the change against the period of equal length just before.
 * Read from the daily counters (one Query per month and dimension), never from the surveys themselves.
 */
export async function satisfactionReport(store: Pick<SatisfactionStore, 'totals'>, groupBy: SatisfactionGroup, from: string, to: string) {
  const previous = previousPeriod(from, to);
  const [current, before, currentAll, beforeAll] = await Promise.all([
    store.totals(groupBy, from, to),
    store.totals(groupBy, previous.from, previous.to),
    store.totals('all', from, to),
    store.totals('all', previous.from, previous.to),
  ]);
  const line = (now: SatisfactionCounts, then: SatisfactionCounts) => ({ ...summarize(now), previous: summarize(then), change: change(now, then) });
  const keys = [...new Set([...current.keys(), ...before.keys()])];
  const groups = keys
    .map((key) => ({ key, ...line(current.get(key) ?? emptyCounts(), before.get(key) ?? emptyCounts()) }))
    .sort((a, b) => b.invited - a.invited || a.key.localeCompare(b.key));
  return {
    from,
    to,
    groupBy,
    previousPeriod: previous,
    total: line(currentAll.get('all') ?? emptyCounts(), beforeAll.get('all') ?? emptyCounts()),
    groups,
  };
}

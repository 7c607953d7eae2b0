import type { SatisfactionGroup, SatisfactionStore } from '../adapters/satisfaction-store.js';
import { change, emptyCounts, previousPeriod, summarize, type SatisfactionCounts } from '../domain/satisfaction.js';

/**
 * The satisfaction report over local days from..to: per value of the group (case type, carrier, remedy, market) and
 * for all surveys, the average scores, the response rate, and the change against the period of equal length just
 * before. Read from the daily counters (one read per period), never from the surveys themselves.
 */
export async function satisfactionReport(store: Pick<SatisfactionStore, 'totalsByGroup'>, groupBy: SatisfactionGroup, from: string, to: string) {
  return (await satisfactionReports(store, [groupBy], from, to))[0]!;
}

/** The report for each group asked for, from the same two reads of the counters (this period and the one before). */
export async function satisfactionReports(store: Pick<SatisfactionStore, 'totalsByGroup'>, groupsBy: readonly SatisfactionGroup[], from: string, to: string) {
  const previous = previousPeriod(from, to);
  const wanted = ['all' as const, ...groupsBy];
  const [current, before] = await Promise.all([store.totalsByGroup(wanted, from, to), store.totalsByGroup(wanted, previous.from, previous.to)]);
  const line = (now: SatisfactionCounts, then: SatisfactionCounts) => ({ ...summarize(now), previous: summarize(then), change: change(now, then) });
  const total = line(current.get('all')!.get('all') ?? emptyCounts(), before.get('all')!.get('all') ?? emptyCounts());
  return groupsBy.map((groupBy) => {
    const now = current.get(groupBy)!;
    const then = before.get(groupBy)!;
    const groups = [...new Set([...now.keys(), ...then.keys()])]
      .map((key) => ({ key, ...line(now.get(key) ?? emptyCounts(), then.get(key) ?? emptyCounts()) }))
      .sort((a, b) => b.invited - a.invited || a.key.localeCompare(b.key));
    return { from, to, groupBy, previousPeriod: previous, total, groups };
  });
}

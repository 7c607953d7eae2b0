import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  CARRIER_CLAIM_KINDS,
  emptyCarrier,
  emptyResolution,
  isCarrierClaim,
  RESOLUTION_BUCKETS,
  resolutionBucket,
  type CarrierDay,
  type DayCount,
  type ResolutionBucket,
  type ResolutionCounts,
} from '../domain/reports.js';
import { addAll, cell, cellItems, cellValues, countOnce, legacyItems, type CounterKey } from './daily-counters.js';

/** What the volume counters are kept by: cases opened by type and by reason, cases closed by outcome. */
export const VOLUME_DIMENSIONS = ['type', 'reason', 'outcome'] as const;
export type VolumeDimension = (typeof VOLUME_DIMENSIONS)[number];

/** A case that started its workflow (not a duplicate): the facts it is counted by. Local days in the market's zone. */
export interface OpenedFacts {
  day: string;
  type: string;
  reason: string;
  /** Canonical carrier code of the outbound parcel, and the local day it was shipped (the scorecard's cohort). */
  carrier: string;
  shipDay: string;
}

export interface ClosedFacts {
  day: string;
  type: string;
  outcome: string;
  carrier: string;
  shipDay: string;
  /** The service was done (remedy confirmed): on the local day it was confirmed, within the due time or not. */
  resolution?: { day: string; withinLimit: boolean; workingMs?: number };
  /** The market the case was decided under: its resolution is also counted per market (measured by that market's limits). */
  market?: string;
}

type Add = { key: CounterKey; add: Record<string, number> };

/**
 * The report counters (docs/operations.md "Reports"), kept as events happen in the case table: counter cells in
 * sharded partitions per month (`VOLUME#`, `RESOLUTION#`, `CARRIERS#` + YYYY-MM + `#<shard>`, adapters/daily-counters.ts),
 * one ADD per day the event is counted on, read back with Query, never a scan. Items of the previous release
 * (`<prefix>#YYYY-MM`, one per dimension) are read with them.
 *
 * Each event counts once. A case closed is counted by the call whose conditional move to `closed` made it happen,
 * right after that write returns and before anything else can fail (steps/close-case.ts), so it keeps no marker of its
 * own (it did until 5 December: `REPORT#closed#<round>`; those items of the previous release stay, read by nobody: a
 * step retried across the deploy finds its case closed and counts nothing). A case opened and a parcel are counted by
 * a marker (`REPORT#opened`, `REPORT#shipped`) written first, conditionally; only its writer adds. Either way a crash
 * (or a throttled ADD) between the deciding write and the ADDs leaves the event uncounted, never counted twice.
 */
export class ReportCounters {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * A case opened: volume by type and reason (one cell); a damage, loss or delay claim on its carrier's ship-day. Counted
   * once by its marker (`REPORT#opened`, as in the previous release): the case's create is followed by other writes
   * (its contact, lookups, timeline, the order's slot) before it is known not to be a duplicate, so a retry after a
   * throttle there must still be able to count it.
   */
  async countOpened(caseId: string, f: OpenedFacts): Promise<'counted' | 'exists'> {
    const adds: Add[] = [{ key: cell('VOLUME', caseId, 'opened', f.day, [f.type, f.reason]), add: { n: 1 } }];
    if (isCarrierClaim(f.type)) adds.push(carrier(caseId, f.shipDay, f.carrier, { [`${f.type}Claims`]: 1 }));
    return (await countOnce(this.db, this.tableName, { pk: `CASE#${caseId}`, sk: 'REPORT#opened', ...f }, adds)) ? 'counted' : 'exists';
  }

  /**
   * A case closed (each close of a dispute round is its own event): volume by outcome; the service's resolution time if
   * it was done (one cell by market and type); a damage, loss or delay claim confirmed when it closed approved. Call it
   * only from the call whose conditional write closed the case (it adds every time it is called).
   */
  async countClosed(caseId: string, f: ClosedFacts): Promise<void> {
    const adds: Add[] = [{ key: cell('VOLUME', caseId, 'outcome', f.day, [f.outcome]), add: { n: 1 } }];
    if (f.resolution) {
      const { day, withinLimit, workingMs } = f.resolution;
      const add: Record<string, number> = { resolved: 1, withinLimit: withinLimit ? 1 : 0 };
      if (workingMs === undefined) add.unmeasured = 1;
      else Object.assign(add, { workingMs: Math.round(workingMs), [bucketField(workingMs)]: 1 });
      const key = f.market ? cell('RESOLUTION', caseId, 'market', day, [f.market, f.type]) : cell('RESOLUTION', caseId, 'type', day, [f.type]);
      adds.push({ key, add });
    }
    if (isCarrierClaim(f.type) && f.outcome === 'approved') adds.push(carrier(caseId, f.shipDay, f.carrier, { [`${f.type}Confirmed`]: 1 }));
    await addAll(this.db, this.tableName, adds);
  }

  /** An outbound parcel announced by the order platform: the scorecard's denominator, on its ship-day. */
  async countShipment(shipmentKey: string, f: { carrier: string; shipDay: string }): Promise<'counted' | 'exists'> {
    const counted = await countOnce(this.db, this.tableName, { pk: `SHIPMENT#${shipmentKey}`, sk: 'REPORT#shipped', ...f }, [
      carrier(shipmentKey, f.shipDay, f.carrier, { shipments: 1 }),
    ]);
    return counted ? 'counted' : 'exists';
  }

  /** Volume counts over the local days from..to: one entry per day and value of the dimension. */
  async volume(dimension: VolumeDimension, from: string, to: string): Promise<DayCount[]> {
    const [legacy, cells] = await Promise.all([
      legacyItems(this.db, this.tableName, 'VOLUME', dimension, from, to),
      cellItems(this.db, this.tableName, 'VOLUME', dimension === 'outcome' ? 'outcome' : 'opened', from, to),
    ]);
    const counts = new Map<string, DayCount>();
    const add = (day: string, key: string, n: unknown) => {
      const entry = counts.get(`${day}#${key}`) ?? counts.set(`${day}#${key}`, { day, key, count: 0 }).get(`${day}#${key}`)!;
      entry.count += Number(n ?? 0);
    };
    for (const item of legacy) {
      const { day, values } = cellValues(item);
      add(day, values[0]!, item.n);
    }
    for (const item of cells) {
      const { day, values } = cellValues(item);
      add(day, values[dimension === 'reason' ? 1 : 0]!, item.n);
    }
    return [...counts.values()].sort((a, b) => a.day.localeCompare(b.day) || a.key.localeCompare(b.key));
  }

  /** Resolution counters per case type over the local days from..to (by the day the service was done). */
  async resolution(from: string, to: string): Promise<Map<string, ResolutionCounts>> {
    // The previous release kept a `type` item and a `market` item per close: only its `type` items are read here.
    const [legacy, byType, byMarket] = await Promise.all([
      legacyItems(this.db, this.tableName, 'RESOLUTION', 'type', from, to),
      cellItems(this.db, this.tableName, 'RESOLUTION', 'type', from, to),
      cellItems(this.db, this.tableName, 'RESOLUTION', 'market', from, to),
    ]);
    const totals = new Map<string, ResolutionCounts>();
    const add = (type: string, item: Record<string, unknown>) => totals.set(type, addResolutionItem(totals.get(type) ?? emptyResolution(), item));
    for (const item of [...legacy, ...byType]) add(cellValues(item).values[0]!, item);
    for (const item of byMarket) add(cellValues(item).values[1]!, item);
    return totals;
  }

  /**
   * Resolution counters per market, then case type, over the local days from..to. Only closes counted since the
   * counters know markets (a close from before is in `resolution` alone).
   */
  async resolutionByMarket(from: string, to: string): Promise<Map<string, Map<string, ResolutionCounts>>> {
    const items = (await Promise.all([legacyItems, cellItems].map((read) => read(this.db, this.tableName, 'RESOLUTION', 'market', from, to)))).flat();
    const totals = new Map<string, Map<string, ResolutionCounts>>();
    for (const item of items) {
      const [market, type] = cellValues(item).values as [string, string];
      const byType = totals.get(market) ?? new Map<string, ResolutionCounts>();
      byType.set(type, addResolutionItem(byType.get(type) ?? emptyResolution(), item));
      totals.set(market, byType);
    }
    return totals;
  }

  /** Scorecard counters per carrier and ship-day over the ship-days from..to (the shards' cells of a day added up). */
  async carriers(from: string, to: string): Promise<CarrierDay[]> {
    const items = (await Promise.all([legacyItems, cellItems].map((read) => read(this.db, this.tableName, 'CARRIERS', 'carrier', from, to)))).flat();
    const days = new Map<string, CarrierDay>();
    for (const item of items) {
      const { day, values } = cellValues(item);
      const id = `${day}#${values[0]}`;
      const { counts } = days.get(id) ?? days.set(id, { day, carrier: values[0]!, counts: emptyCarrier() }).get(id)!;
      counts.shipments += Number(item.shipments ?? 0);
      for (const k of CARRIER_CLAIM_KINDS) {
        counts.claims[k] += Number(item[`${k}Claims`] ?? 0);
        counts.confirmed[k] += Number(item[`${k}Confirmed`] ?? 0);
      }
    }
    return [...days.values()].sort((a, b) => a.day.localeCompare(b.day) || a.carrier.localeCompare(b.carrier));
  }
}

/** Adds one daily resolution counter item to the running counts. */
function addResolutionItem(c: ResolutionCounts, item: Record<string, unknown>): ResolutionCounts {
  c.resolved += Number(item.resolved ?? 0);
  c.withinLimit += Number(item.withinLimit ?? 0);
  c.workingMs += Number(item.workingMs ?? 0);
  c.unmeasured += Number(item.unmeasured ?? 0);
  for (const b of RESOLUTION_BUCKETS) c.buckets[b] += Number(item[`b_${b}`] ?? 0);
  return c;
}
const bucketField = (workingMs: number): `b_${ResolutionBucket}` => `b_${resolutionBucket(workingMs)}`;
const carrier = (shardId: string, shipDay: string, code: string, add: Record<string, number>): Add => ({ key: cell('CARRIERS', shardId, 'carrier', shipDay, [code]), add });

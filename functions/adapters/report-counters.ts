import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
import { dailyCounterItems } from './daily-counters.js';
import { writeIf } from './dynamo.js';

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

type Counter = { pk: string; sk: string; add: Record<string, number> };

/**
 * The report counters (docs/operations.md "Reports"), kept as events happen in the case table: daily counter items in
 * one partition per month (`VOLUME#`, `RESOLUTION#`, `CARRIERS#` + YYYY-MM), sorted `<dimension>#<day>#<value>`, added
 * to with ADD and read back with one Query per month (adapters/daily-counters.ts), never a scan.
 *
 * Each event counts once: a marker item (the case's `REPORT#opened`, `REPORT#closed#<round>`, the parcel's
 * `REPORT#shipped`) is written first, conditionally, and only the writer of the marker adds. A retried step finds the
 * marker and adds nothing. DynamoDB Local has no transactions, so a crash between the marker and the ADDs leaves the
 * marker at `counted: false` for a reconciliation: an event may go uncounted, never counted twice (as the cost
 * ledger and the satisfaction counters do).
 */
export class ReportCounters {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** A case opened: volume by type and by reason; a damage, loss or delay claim on its carrier's ship-day. */
  async countOpened(caseId: string, f: OpenedFacts): Promise<'counted' | 'exists'> {
    const counters: Counter[] = [volume(f.day, 'type', f.type), volume(f.day, 'reason', f.reason)];
    if (isCarrierClaim(f.type)) counters.push(carrier(f.shipDay, f.carrier, { [`${f.type}Claims`]: 1 }));
    return this.once({ pk: `CASE#${caseId}`, sk: 'REPORT#opened' }, { ...f }, counters);
  }

  /**
   * A case closed (`round` counts dispute reopenings: each close is its own event): volume by outcome; the service's
   * resolution time if it was done; a damage, loss or delay claim confirmed when it closed approved.
   */
  async countClosed(caseId: string, round: number, f: ClosedFacts): Promise<'counted' | 'exists'> {
    const counters: Counter[] = [volume(f.day, 'outcome', f.outcome)];
    if (f.resolution) {
      const { day, withinLimit, workingMs } = f.resolution;
      const add: Record<string, number> = { resolved: 1, withinLimit: withinLimit ? 1 : 0 };
      if (workingMs === undefined) add.unmeasured = 1;
      else Object.assign(add, { workingMs: Math.round(workingMs), [bucketField(workingMs)]: 1 });
      counters.push({ pk: `RESOLUTION#${day.slice(0, 7)}`, sk: `type#${day}#${enc(f.type)}`, add });
      if (f.market) counters.push({ pk: `RESOLUTION#${day.slice(0, 7)}`, sk: `market#${day}#${enc(f.market)}#${enc(f.type)}`, add: { ...add } });
    }
    if (isCarrierClaim(f.type) && f.outcome === 'approved') counters.push(carrier(f.shipDay, f.carrier, { [`${f.type}Confirmed`]: 1 }));
    const { resolution, ...facts } = f;
    return this.once({ pk: `CASE#${caseId}`, sk: `REPORT#closed#${round}` }, { ...facts, ...(resolution ? { resolvedOn: resolution.day } : {}) }, counters);
  }

  /** An outbound parcel announced by the order platform: the scorecard's denominator, on its ship-day. */
  async countShipment(shipmentKey: string, f: { carrier: string; shipDay: string }): Promise<'counted' | 'exists'> {
    return this.once({ pk: `SHIPMENT#${shipmentKey}`, sk: 'REPORT#shipped' }, { ...f }, [carrier(f.shipDay, f.carrier, { shipments: 1 })]);
  }

  /** Volume counts over the local days from..to: one entry per day and value of the dimension. */
  async volume(dimension: VolumeDimension, from: string, to: string): Promise<DayCount[]> {
    const out: DayCount[] = [];
    for await (const item of dailyCounterItems(this.db, this.tableName, 'VOLUME', dimension, from, to)) {
      const [, day, value] = String(item.sk).split('#');
      out.push({ day: day!, key: dec(value!), count: Number(item.n ?? 0) });
    }
    return out;
  }

  /** Resolution counters per case type over the local days from..to (by the day the service was done). */
  async resolution(from: string, to: string): Promise<Map<string, ResolutionCounts>> {
    const totals = new Map<string, ResolutionCounts>();
    for await (const item of dailyCounterItems(this.db, this.tableName, 'RESOLUTION', 'type', from, to)) {
      const type = dec(String(item.sk).split('#')[2]!);
      totals.set(type, addResolutionItem(totals.get(type) ?? emptyResolution(), item));
    }
    return totals;
  }

  /**
   * Resolution counters per market, then case type, over the local days from..to. Only closes counted since the
   * counters know markets (a close from before is in `resolution` alone).
   */
  async resolutionByMarket(from: string, to: string): Promise<Map<string, Map<string, ResolutionCounts>>> {
    const totals = new Map<string, Map<string, ResolutionCounts>>();
    for await (const item of dailyCounterItems(this.db, this.tableName, 'RESOLUTION', 'market', from, to)) {
      const [, , market, type] = String(item.sk)
        .split('#')
        .map((part, i) => (i >= 2 ? dec(part) : part));
      const byType = totals.get(market!) ?? new Map<string, ResolutionCounts>();
      byType.set(type!, addResolutionItem(byType.get(type!) ?? emptyResolution(), item));
      totals.set(market!, byType);
    }
    return totals;
  }

  /** Scorecard counters per carrier and ship-day over the ship-days from..to. */
  async carriers(from: string, to: string): Promise<CarrierDay[]> {
    const out: CarrierDay[] = [];
    for await (const item of dailyCounterItems(this.db, this.tableName, 'CARRIERS', 'carrier', from, to)) {
      const [, day, code] = String(item.sk).split('#');
      const counts = emptyCarrier();
      counts.shipments = Number(item.shipments ?? 0);
      for (const k of CARRIER_CLAIM_KINDS) {
        counts.claims[k] = Number(item[`${k}Claims`] ?? 0);
        counts.confirmed[k] = Number(item[`${k}Confirmed`] ?? 0);
      }
      out.push({ day: day!, carrier: dec(code!), counts });
    }
    return out;
  }

  private async once(marker: { pk: string; sk: string }, facts: Record<string, unknown>, counters: Counter[]): Promise<'counted' | 'exists'> {
    const first = await writeIf(
      this.db,
      new PutCommand({ TableName: this.tableName, Item: { ...marker, ...facts, counted: false }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    if (!first) return 'exists';
    for (const { pk, sk, add } of counters) {
      const names: Record<string, string> = {};
      const values: Record<string, number> = {};
      const terms = Object.entries(add).map(([field, value], i) => {
        names[`#a${i}`] = field;
        values[`:a${i}`] = value;
        return `#a${i} :a${i}`;
      });
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk },
          UpdateExpression: `ADD ${terms.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    }
    await this.db.send(new UpdateCommand({ TableName: this.tableName, Key: marker, UpdateExpression: 'SET counted = :t', ExpressionAttributeValues: { ':t': true } }));
    return 'counted';
  }
}

/** Values in a sort key are encoded: a reason code may hold `#`, which separates the key's parts. */
const enc = (value: string) => encodeURIComponent(value);

/** Adds one daily resolution counter item to the running counts. */
function addResolutionItem(c: ResolutionCounts, item: Record<string, unknown>): ResolutionCounts {
  c.resolved += Number(item.resolved ?? 0);
  c.withinLimit += Number(item.withinLimit ?? 0);
  c.workingMs += Number(item.workingMs ?? 0);
  c.unmeasured += Number(item.unmeasured ?? 0);
  for (const b of RESOLUTION_BUCKETS) c.buckets[b] += Number(item[`b_${b}`] ?? 0);
  return c;
}
const dec = (value: string) => decodeURIComponent(value);
const bucketField = (workingMs: number): `b_${ResolutionBucket}` => `b_${resolutionBucket(workingMs)}`;
const volume = (day: string, dimension: VolumeDimension, value: string): Counter => ({ pk: `VOLUME#${day.slice(0, 7)}`, sk: `${dimension}#${day}#${enc(value)}`, add: { n: 1 } });
const carrier = (shipDay: string, code: string, add: Record<string, number>): Counter => ({ pk: `CARRIERS#${shipDay.slice(0, 7)}`, sk: `carrier#${shipDay}#${enc(code)}`, add });

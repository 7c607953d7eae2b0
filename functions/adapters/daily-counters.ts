import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll, writeIf } from './dynamo.js';

/**
 * Daily counters (the reports, the cost ledger, the satisfaction counters; docs/operations.md "Reports"), kept in the
 * case table as events happen and read back with Query, never a scan.
 *
 * Since 5 December (issue 13): each event adds to **one counter item per day it is counted on**, a cell holding every
 * dimension of the event in its sort key (`<kind>#<day>#<value>#<value>…`), so a report by one dimension sums the
 * cells of the others. The partition is sharded: `<prefix>#YYYY-MM#<shard>`, the shard a hash of the case (or
 * parcel) the event belongs to, so no partition key takes more than 1/COUNTER_SHARDS of the counters' writes.
 *
 * The previous release kept one item per dimension in one partition per month (`<prefix>#YYYY-MM`, sorted
 * `<dimension>#<day>#<value>`). Those items stay where they are and are read with the new ones: a report sums both.
 */
export const COUNTER_SHARDS = 8;

type Item = Record<string, unknown>;
export type CounterKey = { pk: string; sk: string };

/** The shard of an id: FNV-1a, stable across releases (a changed hash would only spread the same sums differently). */
export function shardOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return hash % COUNTER_SHARDS;
}

/** The counter cell of an event: sharded partition of the day's month, `<kind>#<day>#<values…>` (values encoded). */
export function cell(prefix: string, shardId: string, kind: string, day: string, values: readonly string[]): CounterKey {
  return { pk: `${prefix}#${day.slice(0, 7)}#${shardOf(shardId)}`, sk: [kind, day, ...values.map(enc)].join('#') };
}

/** The values of a cell's sort key, decoded (`day` first). */
export function cellValues(item: Item): { day: string; values: string[] } {
  const [, day, ...values] = String(item.sk).split('#');
  return { day: day!, values: values.map(dec) };
}

/**
 * Counts one event exactly once at most: the event's marker item is written first, conditionally, and only its writer
 * adds, one UpdateItem per cell. A retried step or a redelivered message finds the marker and adds nothing.
 * Single-item writes (the local emulator has no transactions): a crash between the marker and the additions leaves
 * that event out of the counters, never in twice; the marker keeps the facts it was to be counted by.
 */
export async function countOnce(db: DynamoDBDocumentClient, tableName: string, marker: Item, adds: Array<{ key: CounterKey; add: Record<string, number> }>): Promise<boolean> {
  const first = await writeIf(db, new PutCommand({ TableName: tableName, Item: marker, ConditionExpression: 'attribute_not_exists(pk)' }));
  if (!first) return false;
  await addAll(db, tableName, adds);
  return true;
}

/**
 * The additions of one event, one UpdateItem per cell, with no marker: for a caller whose own conditional write already
 * made it the one writer of the event (the case's create, its close).
 */
export async function addAll(db: DynamoDBDocumentClient, tableName: string, adds: Array<{ key: CounterKey; add: Record<string, number> }>): Promise<void> {
  for (const { key, add } of adds) await addTo(db, tableName, key, add);
}

/** One ADD of every field of `add` into the counter item at `key` (created by the first ADD). */
export async function addTo(db: DynamoDBDocumentClient, tableName: string, key: CounterKey, add: Record<string, number>): Promise<void> {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const terms = Object.entries(add).map(([field, value], i) => {
    names[`#a${i}`] = field;
    values[`:a${i}`] = value;
    return `#a${i} :a${i}`;
  });
  await db.send(
    new UpdateCommand({ TableName: tableName, Key: key, UpdateExpression: `ADD ${terms.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values }),
  );
}

/** Every cell of one kind over the local days from..to (inclusive, YYYY-MM-DD): one Query per month and shard. */
export function cellItems(db: DynamoDBDocumentClient, tableName: string, prefix: string, kind: string, from: string, to: string): Promise<Item[]> {
  const shards = Array.from({ length: COUNTER_SHARDS }, (_, s) => s);
  return dayRange(db, tableName, (month) => shards.map((s) => `${prefix}#${month}#${s}`), kind, from, to);
}

/** The previous release's items of one dimension (`<prefix>#YYYY-MM`, `<dimension>#<day>#<value>`) over from..to. */
export function legacyItems(db: DynamoDBDocumentClient, tableName: string, prefix: string, dimension: string, from: string, to: string): Promise<Item[]> {
  return dayRange(db, tableName, (month) => [`${prefix}#${month}`], dimension, from, to);
}

/** A cell read back: the item (its sums) and its sort key's values, decoded. */
export type ReadCell = { item: Item; values: string[] };

/**
 * What a report by several dimensions at once sums, read in parallel: every cell of one kind over from..to (values
 * decoded), and the previous release's items of each dimension asked for (`legacy[d]` for `dimensions[d]`).
 */
export async function readCellsAndLegacy(
  db: DynamoDBDocumentClient,
  tableName: string,
  prefix: string,
  kind: string,
  dimensions: readonly string[],
  from: string,
  to: string,
): Promise<{ cells: ReadCell[]; legacy: Item[][] }> {
  const [cells, legacy] = await Promise.all([
    cellItems(db, tableName, prefix, kind, from, to),
    Promise.all(dimensions.map((dimension) => legacyItems(db, tableName, prefix, dimension, from, to))),
  ]);
  return { cells: cells.map((item) => ({ item, values: cellValues(item).values })), legacy };
}

async function dayRange(db: DynamoDBDocumentClient, tableName: string, partitions: (month: string) => string[], kind: string, from: string, to: string): Promise<Item[]> {
  const items: Item[] = [];
  // A month's shards in parallel, the months one after the other: a year's report stays within the SDK's 50 sockets.
  for (const month of monthsBetween(from, to)) {
    const pages = await Promise.all(
      partitions(month).map((pk) =>
        queryAll(db, {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': pk, ':from': `${kind}#${from}`, ':to': `${kind}#${to}#\uffff` },
        }),
      ),
    );
    items.push(...pages.flat());
  }
  return items;
}

/** The months (YYYY-MM) the local days from..to touch: one counter partition (per shard) each. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let year = Number(from.slice(0, 4));
  let month = Number(from.slice(5, 7));
  const last = to.slice(0, 7);
  for (;;) {
    const current = `${year}-${String(month).padStart(2, '0')}`;
    if (current > last) break;
    months.push(current);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

/** Values in a sort key are encoded: a reason code may hold `#`, which separates the key's parts. */
const enc = (value: string) => encodeURIComponent(value);
const dec = (value: string) => decodeURIComponent(value);

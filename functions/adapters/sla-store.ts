import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IndexedSlaState, IndexPlace, ServiceSla, SlaListState } from '../domain/sla.js';
import type { CaseRecord } from '../domain/case-record.js';
import { conditionally, getAll, keys, setAssignments, writeIf } from './dynamo.js';
import { statusIndexChange } from './case-store.js';

/** A case found in the due index, at its due time (while unknown, its start; while paused, the pause's start). */
export interface DueEntry {
  caseId: string;
  at: string;
}

/**
 * A case as SlaStore.casesOf reads it: the case item alone, what the SLA monitor and SLA list use of it. Not the facts
 * item's fields (`CASE#FACTS`: requestId, orderId, createdAt, tier, …; case-store.ts FACT_FIELDS), nor what CaseStore
 * derives on read (dueAt and serviceWorkingDays from `sla`, the compensation's derived idempotency key): a reader that
 * needs one of those reads the case through CaseStore.
 */
export type SlaCaseItem = Pick<
  CaseRecord,
  'caseId' | 'type' | 'market' | 'status' | 'priority' | 'priorityBand' | 'responseDueAt' | 'decision' | 'dispute' | 'closedAt' | 'sla' | 'pause'
> & { compensation?: Pick<NonNullable<CaseRecord['compensation']>, 'status' | 'completedAt'> };

const slaPartition = (state: SlaListState) => `SLA#${state}`;
const targetPartition = (name: string) => `TARGET#${name}`;
/** Targets listed since 5 December: never deleted once met (TTL removes them), swept from a mark (`sweepKey`). */
const sweptPartition = (name: string) => `TARGET_SWEPT#${name}`;
const sweepKey = (name: string) => ({ pk: 'SWEEP', sk: `TARGET#${name}` });
/** How long a target item outlives its due time before DynamoDB's TTL removes it (free of write units). */
const TARGET_TTL_SECONDS = 30 * 86_400;
const targetKey = (caseId: string, name: string) => ({ pk: `CASE#${caseId}`, sk: `TARGET#${name}` });
/** Marks of provisional due times, by the first predicted day they rely on (not a state: the clock stays in its own). */
const PROVISIONAL_PARTITION = 'SLA_PROVISIONAL';
const provisionalKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'SLA_PROVISIONAL' });
/** The highest sort key at a time: every `<time>#<caseId>` up to and including that time. */
const through = (iso: string) => `${iso}#\uffff`;

/**
 * The SLA side of the case table (docs/sla.md). A case's service clock lives on the case item (`sla`, `dueAt`,
 * `slaBreachedAt`, `pause`) together with its place in the due index (GSI2: gsi2pk `SLA#running|due_soon|breached|
 * unknown`, gsi2sk `<due time>#<caseId>`), so a threshold crossing is one conditional write: the write that moves the
 * case is the one that alerts, once. A paused clock is listed apart (gsi2pk `SLA#paused`, gsi2sk `<pause since>#<caseId>`,
 * oldest pause first), a partition the monitor never sweeps. Internal targets (first response) are small items of their own in the case's
 * partition (sk `TARGET#<name>`): since 5 December listed under gsi2pk `TARGET_SWEPT#<name>`, swept from a mark and
 * removed by TTL (deleted only when missed); the previous release's, under `TARGET#<name>`, deleted when checked. A clock whose due time is provisional
 * has a mark of its own (sk and gsi2pk `SLA_PROVISIONAL`, gsi2sk `<first predicted day>#<caseId>`): once the policy
 * publishes that day's year, the monitor finds the case by one query and recomputes it.
 */
export class SlaStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Sets and removes fields of the case, and its place in the due index, if the case is still at `version`
   * (false when something changed it meanwhile: the caller re-reads and decides again).
   */
  async write(
    caseId: string,
    version: number,
    change: { set: Partial<CaseRecord>; remove?: Array<keyof CaseRecord>; index: IndexPlace | undefined; at: string },
  ): Promise<boolean> {
    const names: Record<string, string> = { '#version': 'version' };
    const values: Record<string, unknown> = { ':one': 1, ':version': version };
    const set: Record<string, unknown> = { ...change.set, updatedAt: change.at };
    const remove: string[] = [...(change.remove ?? [])];
    if (change.index) Object.assign(set, { gsi2pk: slaPartition(change.index.state), gsi2sk: `${change.index.at}#${caseId}` });
    else remove.push('gsi2pk', 'gsi2sk');
    const sets = setAssignments(set, names, values, 's');
    // A status set with the clock (a close) moves the case in the status index too, as CaseStore.update does.
    const index = change.set.status ? statusIndexChange(change.set.status, caseId, change.at, undefined, names, values) : { sets: [], removes: [] };
    sets.push(...index.sets);
    const removes = remove.map((field, i) => {
      names[`#r${i}`] = field;
      return `#r${i}`;
    });
    removes.push(...index.removes);
    return writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.case(caseId),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''} ADD #version :one`,
        ConditionExpression: 'attribute_exists(pk) AND #version = :version',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Moves a clock across a threshold if it is still where the monitor found it (same partition, same due time, not
   * paused). `first` says whether the case reached this threshold for the first time: only then is anyone alerted.
   */
  async cross(caseId: string, from: IndexedSlaState, to: 'due_soon' | 'breached', dueAt: string, at: string): Promise<{ moved: boolean; first: boolean }> {
    const stamp = to === 'breached' ? 'breachedAt' : 'dueSoonAt';
    const written = await conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.case(caseId),
          UpdateExpression:
            'SET gsi2pk = :to, #sla.#state = :state, #sla.#stamp = if_not_exists(#sla.#stamp, :at), updatedAt = :at' +
            (to === 'breached' ? ', slaBreachedAt = if_not_exists(slaBreachedAt, :at)' : '') +
            ' ADD #version :one',
          ConditionExpression: 'gsi2pk = :from AND #sla.#due = :due AND attribute_not_exists(#pause)',
          ExpressionAttributeNames: { '#sla': 'sla', '#state': 'state', '#stamp': stamp, '#due': 'dueAt', '#pause': 'pause', '#version': 'version' },
          ExpressionAttributeValues: { ':to': slaPartition(to), ':from': slaPartition(from), ':state': to, ':due': dueAt, ':at': at, ':one': 1 },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    if (!written.applied) return { moved: false, first: false };
    const out = written.output;
    const before = (out.Attributes?.sla ?? {}) as Partial<ServiceSla>;
    return { moved: true, first: before[stamp] === undefined };
  }

  /** Takes a clock out of the index for good (service done, case closed), if it is still where it was found. */
  async leave(caseId: string, from: IndexedSlaState, sla: ServiceSla, at: string, extra: Partial<CaseRecord> = {}): Promise<boolean> {
    const names: Record<string, string> = { '#sla': 'sla', '#version': 'version' };
    const values: Record<string, unknown> = { ':from': slaPartition(from), ':sla': sla, ':at': at, ':one': 1 };
    const sets = Object.entries(extra).map(([field, value], i) => {
      names[`#e${i}`] = field;
      values[`:e${i}`] = value;
      return `, #e${i} = :e${i}`;
    });
    return writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.case(caseId),
        UpdateExpression: `SET #sla = :sla, updatedAt = :at${sets.join('')} REMOVE gsi2pk, gsi2sk ADD #version :one`,
        ConditionExpression: 'gsi2pk = :from',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** Cases in a partition of the due index, nearest due first (paused: oldest pause first); with `through`, only those due by then. */
  async listIndexed(state: SlaListState, opts: { through?: string; limit: number }): Promise<DueEntry[]> {
    return this.query(slaPartition(state), opts);
  }

  /**
   * Records an internal target (e.g. first response) in the due index, once: listed at `listAt` (its due time, or the
   * time it is written if that is later, so the sweep's mark never passed it), removed by TTL a while after it is due.
   * Nothing deletes it when it is met: the sweep finds it, reads the case, and writes only for a missed target.
   */
  async putTarget(caseId: string, name: string, dueAt: string, listAt: string = dueAt): Promise<void> {
    const ttl = Math.floor(Date.parse(dueAt) / 1000) + TARGET_TTL_SECONDS;
    await writeIf(
      this.db,
      new PutCommand({
        TableName: this.tableName,
        Item: { ...targetKey(caseId, name), caseId, target: name, dueAt, ttl, gsi2pk: sweptPartition(name), gsi2sk: `${listAt}#${caseId}` },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** The previous release's targets (deleted when checked, at close or by the sweep), due by `through`. */
  async dueTargets(name: string, opts: { through: string; limit: number }): Promise<DueEntry[]> {
    return this.query(targetPartition(name), opts);
  }

  /** Targets listed from `from` (inclusive) through `through`, oldest first. */
  async sweptTargets(name: string, opts: { from: string; through: string; limit: number }): Promise<DueEntry[]> {
    // A run for a time before the mark (a late retry of an earlier schedule) has nothing left to read.
    if (opts.from > through(opts.through)) return [];
    return this.query(sweptPartition(name), opts);
  }

  /** Where the last sweep of a target's listing stopped (undefined before the first). */
  async sweepMark(name: string): Promise<string | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: sweepKey(name), ConsistentRead: true }));
    return out.Item?.through as string | undefined;
  }

  /** Moves the sweep's mark forward to `through` (never back: of two sweeps at once, the later mark stands). */
  async advanceSweep(name: string, through: string): Promise<void> {
    await writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: sweepKey(name),
        UpdateExpression: 'SET through = :through',
        ConditionExpression: 'attribute_not_exists(through) OR through < :through',
        ExpressionAttributeValues: { ':through': through },
      }),
    );
  }

  /** Removes a checked target (a missed one, or one of the previous release); true only for the call that removed it (that call records and alerts). */
  async closeTarget(caseId: string, name: string): Promise<boolean> {
    return writeIf(this.db, new DeleteCommand({ TableName: this.tableName, Key: targetKey(caseId, name), ConditionExpression: 'attribute_exists(pk)' }));
  }

  /**
   * Marks a clock as provisional from `from` (the first day its due time took from the rules, not published data).
   * Written before the case itself: without transactions (the local emulator has none) a crash in between leaves a
   * mark without a provisional case, which the monitor drops, never a provisional case nobody finds again.
   */
  async markProvisional(caseId: string, from: string): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...provisionalKey(caseId), caseId, provisionalFrom: from, gsi2pk: PROVISIONAL_PARTITION, gsi2sk: `${from}#${caseId}` } }),
    );
  }

  /** Provisional clocks whose first predicted day is on or before `date` (the end of the calendar's published data). */
  async provisionalBy(date: string, opts: { limit: number }): Promise<DueEntry[]> {
    return this.query(PROVISIONAL_PARTITION, { through: date, limit: opts.limit });
  }

  async clearProvisional(caseId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: provisionalKey(caseId) }));
  }

  /** The cases behind index entries, in the entries' order (missing ones dropped). */
  async casesOf(entries: DueEntry[]): Promise<Map<string, SlaCaseItem>> {
    const found = new Map<string, SlaCaseItem>();
    const caseKeys = [...new Set(entries.map((e) => e.caseId))].map((id) => keys.case(id));
    for (const item of await getAll(this.db, this.tableName, caseKeys, { consistent: true })) {
      const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...record } = item;
      found.set(String(record.caseId), record as SlaCaseItem);
    }
    return found;
  }

  private async query(partition: string, opts: { from?: string; through?: string; limit: number }): Promise<DueEntry[]> {
    // An empty `from` (no sweep yet) reads from the start: DynamoDB takes no empty string in a key condition.
    const range = opts.from && opts.through ? ' AND gsi2sk BETWEEN :from AND :through' : opts.through ? ' AND gsi2sk <= :through' : '';
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: `gsi2pk = :pk${range}`,
        ExpressionAttributeValues: {
          ':pk': partition,
          ...(opts.through ? { ':through': through(opts.through) } : {}),
          ...(opts.from && opts.through ? { ':from': opts.from } : {}),
        },
        Limit: opts.limit,
      }),
    );
    return (out.Items ?? []).map((item) => {
      const sortKey = String(item.gsi2sk);
      const cut = sortKey.lastIndexOf('#');
      return { caseId: String(item.pk).slice('CASE#'.length), at: sortKey.slice(0, cut) };
    });
  }
}

import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CaseStatus, Channel, TimelineEntry } from '../domain/case.js';
import type { CaseContact, CaseRecord } from '../domain/case-record.js';
import { caseSortKey, lookupItems, lookupPartition, orderLookupKeys } from './case-index.js';
import { getAll, keys, queryAll, setAssignments, writeIf } from './dynamo.js';
import type { LedgerEntry } from './ledger-store.js';
import { noticeRecordsOf } from './notice-records.js';
import { isListedStatus, statusPartition, type ListedStatus } from '../domain/status-index.js';

export interface NoticeRecord {
  milestone: string;
  channel: Channel;
  status: 'sending' | 'sent' | 'deferred' | 'failed' | 'suppressed' | 'undeliverable' | 'skipped' | 'superseded' | 'expired';
  at: string;
  /** Deferred: when quiet hours end and it goes out. */
  sendAt?: string;
  /** Why it failed, was suppressed or could not be sent (error names and codes, never an address). */
  error?: string;
  reason?: string;
}

export interface CaseView {
  case: CaseRecord;
  timeline: TimelineEntry[];
  notices: NoticeRecord[];
  /** What the case cost: refunds, subsidies, goods, labels, charge-backs (adapters/ledger-store.ts). */
  ledger: LedgerEntry[];
}

export class CaseStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Creates the case unless it exists; 'exists' means this request was seen before and nothing new is made. The facts
   * item goes first, so a case item is never read without its facts; neither is ever overwritten.
   */
  async create(record: CaseRecord, contact: CaseContact, received: TimelineEntry): Promise<'created' | 'exists'> {
    const { facts, rest } = splitFacts(record);
    await writeIf(
      this.db,
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.caseFacts(record.caseId), ...orderLookupKeys(record), caseId: record.caseId, ...facts },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    const written = await writeIf(
      this.db,
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.case(record.caseId), ...statusIndexOnCreate(record.status, record.createdAt, record.caseId), ...rest },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (!written) {
      // A retry after a crash between the writes below must still complete them; a true duplicate changes nothing.
      await this.putContactOnce(record.caseId, contact);
      await this.putLookups(record);
      return 'exists';
    }
    await this.putContactOnce(record.caseId, contact);
    await this.putLookups(record);
    await this.appendTimeline(record.caseId, received);
    return 'created';
  }

  private async putContactOnce(caseId: string, contact: CaseContact): Promise<void> {
    await writeIf(this.db, new PutCommand({ TableName: this.tableName, Item: { ...keys.contact(caseId), ...contact }, ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  /** The ways operators find the case (adapters/case-index.ts): immutable items, so writing them again is harmless. */
  private async putLookups(record: CaseRecord): Promise<void> {
    for (const item of lookupItems(record)) await this.db.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  /** The case item and its facts item in one strongly consistent Query (sort keys `CASE` and `CASE#FACTS`). */
  async get(caseId: string): Promise<CaseRecord | undefined> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :case)',
        ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':case': 'CASE' },
        ConsistentRead: true,
      }),
    );
    return caseOf(out.Items ?? []);
  }

  async require(caseId: string): Promise<CaseRecord> {
    const found = await this.get(caseId);
    if (!found) throw new CaseNotFoundError(caseId);
    return found;
  }

  async contact(caseId: string): Promise<CaseContact | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.contact(caseId), ConsistentRead: true }));
    if (out.Item) return stripKeys(out.Item) as unknown as CaseContact;
    return this.moveLegacyContact(caseId);
  }

  /**
   * A contact stored before contacts had their own partition (in the case's): copied to its own and removed from the
   * case's, so only the functions allowed contacts keep reading it. Only those functions call contact().
   */
  private async moveLegacyContact(caseId: string): Promise<CaseContact | undefined> {
    const legacy = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.legacyContact(caseId), ConsistentRead: true }));
    if (!legacy.Item) return undefined;
    const contact = stripKeys(legacy.Item) as unknown as CaseContact;
    await this.putContactOnce(caseId, contact);
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.legacyContact(caseId) }));
    return contact;
  }

  /**
   * Sets fields on the case; with `onlyIfStatusIn`, only while the case is in one of those statuses (returns false
   * otherwise, so a retried step does not apply a transition twice).
   */
  async update(caseId: string, patch: Partial<CaseRecord>, onlyIfStatusIn?: CaseStatus[], statusSortKey?: string): Promise<boolean> {
    const now = patch.updatedAt ?? new Date().toISOString();
    const fields: Record<string, unknown> = { ...stored(patch, caseId), updatedAt: now };
    // Without a status (a review's escalation) the sort key alone moves the case up the queue it is in.
    if (statusSortKey && !patch.status) fields.gsi1sk = statusSortKey;
    const names: Record<string, string> = { '#version': 'version' };
    const values: Record<string, unknown> = { ':one': 1 };
    const sets = setAssignments(fields, names, values);
    const index = patch.status ? statusIndexChange(patch.status, caseId, now, statusSortKey, names, values) : { sets: [], removes: [] };
    sets.push(...index.sets);
    let condition = 'attribute_exists(pk)';
    if (onlyIfStatusIn) {
      names['#status'] = 'status';
      onlyIfStatusIn.forEach((status, i) => (values[`:s${i}`] = status));
      condition += ` AND #status IN (${onlyIfStatusIn.map((_, i) => `:s${i}`).join(', ')})`;
    }
    const written = await writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.case(caseId),
        UpdateExpression: `SET ${sets.join(', ')}${index.removes.length > 0 ? ` REMOVE ${index.removes.join(', ')}` : ''} ADD #version :one`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    // Without a status condition only the case's existence was required.
    if (!written && !onlyIfStatusIn) throw new CaseNotFoundError(caseId);
    return written;
  }

  /**
   * Sets one field of the open review (its reminder or escalation time) without rewriting the review, so a decision
   * or proposal written meanwhile is never lost; only while that review (by `openedAt`) is the case's review.
   */
  async markReview(caseId: string, openedAt: string, field: 'remindedAt' | 'escalatedAt', at: string): Promise<boolean> {
    return writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.case(caseId),
        UpdateExpression: 'SET #review.#field = :at, updatedAt = :at ADD #version :one',
        ConditionExpression: '#review.openedAt = :opened',
        ExpressionAttributeNames: { '#review': 'review', '#field': field, '#version': 'version' },
        ExpressionAttributeValues: { ':at': at, ':opened': openedAt, ':one': 1 },
      }),
    );
  }

  /**
   * Cases in a listed status (domain/status-index.ts), in the status index's order (for reviews: highest priority, then
   * nearest target, first; the others: oldest case first).
   */
  async listByStatus(status: ListedStatus, limit = 50): Promise<CaseRecord[]> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': statusPartition(status) },
        Limit: limit,
      }),
    );
    const ids = (page.Items ?? []).map((item) => String(item.pk).slice('CASE#'.length));
    if (ids.length === 0) return [];
    const byId = await readCases(this.db, this.tableName, ids);
    // The index is eventually consistent: keep the index order, drop cases that have moved on since.
    return ids.map((id) => byId.get(id)).filter((c): c is CaseRecord => c !== undefined && c.status === status);
  }

  /**
   * Gives the case to `assignee`, only if it still has the holder the caller saw (`expected`, undefined = nobody) and
   * is not closed: two operators claiming at once cannot both win. False when either changed meanwhile.
   */
  async assign(caseId: string, assignee: string, expected: string | undefined, createdAt: string, at: string): Promise<boolean> {
    return writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.case(caseId),
        UpdateExpression: 'SET assignee = :assignee, assignedAt = :at, updatedAt = :at, gsi3pk = :pk, gsi3sk = :sk ADD #version :one',
        ConditionExpression: `attribute_exists(pk) AND #status <> :closed AND ${expected === undefined ? 'attribute_not_exists(assignee)' : 'assignee = :expected'}`,
        ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
        ExpressionAttributeValues: {
          ':assignee': assignee,
          ':at': at,
          ':pk': lookupPartition.assignee(assignee),
          ':sk': caseSortKey(createdAt, caseId),
          ':one': 1,
          ':closed': 'closed',
          ...(expected === undefined ? {} : { ':expected': expected }),
        },
      }),
    );
  }

  /**
   * Append-only, never rewritten (redaction apart). One entry is one item `TL#<at>#<random>` holding the entry; entries
   * a step writes at once go into one item holding `entries` (one write instead of several), keyed by the first one's
   * time. Readers flatten both shapes in key order (timelineOf).
   */
  async appendTimeline(caseId: string, ...entries: TimelineEntry[]): Promise<void> {
    const [first] = entries;
    if (!first) return;
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.timeline(caseId, first.at, randomBytes(4).toString('hex')), ...(entries.length === 1 ? first : { entries }) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** The case, its timeline and its notices, in one partition query. */
  async view(caseId: string): Promise<CaseView | undefined> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `CASE#${caseId}` },
      ConsistentRead: true,
    });
    const record = caseOf(items);
    if (!record) return undefined;
    return {
      case: record,
      timeline: timelineOf(items),
      // One item per notice slot (both channels), or per channel for notices of the previous release: one record per channel.
      notices: items.filter((item) => String(item.sk).startsWith('NOTICE#')).flatMap(noticeRecordsOf) as NoticeRecord[],
      ledger: items.filter((item) => String(item.sk).startsWith('LEDGER#')).map((item) => stripKeys(item) as unknown as LedgerEntry),
    };
  }
}

export class CaseNotFoundError extends Error {
  override readonly name = 'CaseNotFoundError';
  constructor(caseId: string) {
    super(`case ${caseId} does not exist`);
  }
}

/**
 * Status index (GSI1, sparse): a case is in it only while its status is one operators list from (domain/status-index.ts),
 * under `STATUS#<status>`, sorted by `gsi1sk` — `<createdAt>#<caseId>` from its creation (oldest first), or a review's
 * queue key. A new case gets the sort key alone (not listed: `received` is not listed).
 */
export function statusIndexOnCreate(status: CaseStatus, createdAt: string, caseId: string): Record<string, string> {
  return { ...(isListedStatus(status) ? { gsi1pk: statusPartition(status) } : {}), gsi1sk: `${createdAt}#${caseId}` };
}

/**
 * What a change of the case's status to `status` writes to keep the status index right, as UpdateExpression parts
 * (names and values are added to `names`, `values`):
 * - a listed status: SET gsi1pk (and `sortKey` when given; otherwise the sort key the case has, or `<at>#<caseId>` if
 *   it has none: a case reopened after its close);
 * - any other status: REMOVE gsi1pk, so the case leaves the index (one index write, none when it was not in it); at the
 *   close the sort key goes too, the case item's bytes being what its last writes cost (docs/performance.md).
 * Items written before (release 08ff7cd and earlier carry gsi1pk for every status) leave their old partition at their
 * next status change, and are never read from it for an unlisted status (domain/case-search.ts).
 */
export function statusIndexChange(
  status: CaseStatus,
  caseId: string,
  at: string,
  sortKey: string | undefined,
  names: Record<string, string>,
  values: Record<string, unknown>,
): { sets: string[]; removes: string[] } {
  names['#gsi1pk'] = 'gsi1pk';
  if (!isListedStatus(status)) {
    if (status !== 'closed') return { sets: [], removes: ['#gsi1pk'] };
    names['#gsi1sk'] = 'gsi1sk';
    return { sets: [], removes: ['#gsi1pk', '#gsi1sk'] };
  }
  names['#gsi1sk'] = 'gsi1sk';
  values[':gsi1pk'] = statusPartition(status);
  values[':gsi1sk'] = sortKey ?? `${at}#${caseId}`;
  return { sets: ['#gsi1pk = :gsi1pk', sortKey ? '#gsi1sk = :gsi1sk' : '#gsi1sk = if_not_exists(#gsi1sk, :gsi1sk)'], removes: [] };
}

/**
 * The parts of a case that never change after intake: kept in their own item (`CASE#FACTS`), written once, so the case
 * item that every step updates stays under the 1 KB a write unit covers through a common case (docs/performance.md,
 * "Case item and timeline"). The bulk (order lines, claimed items, shipment) moved there on 5 December 2026 (morning),
 * the intake's identifiers and settings that afternoon, and the survey link's token (drawn at intake) later that day. Cases created before hold some or all of them in the case item
 * itself; the case item's own value wins, so all shapes read the same. Every reader merges both (caseOf, readCases)
 * except the SLA monitor's and SLA list's reads (SlaStore.casesOf), which use only what stays in the case item: type,
 * market, status, priority, the clock, the pause, the compensation.
 */
const FACT_FIELDS = [
  'orderItems',
  'items',
  'shipment',
  'orderPlacedAt',
  'requestId',
  'orderId',
  'customerId',
  'createdAt',
  'tier',
  'currency',
  'locale',
  'reason',
  'expedited',
  'surveyLinkToken',
] as const satisfies ReadonlyArray<keyof CaseRecord>;

function splitFacts(record: CaseRecord): { facts: Record<string, unknown>; rest: Record<string, unknown> } {
  const facts: Record<string, unknown> = {};
  const rest: Record<string, unknown> = { ...record };
  for (const field of FACT_FIELDS) {
    if (record[field] !== undefined) facts[field] = record[field];
    delete rest[field];
  }
  return { facts, rest: stored(rest, record.caseId) };
}

/**
 * What the case item stores of a patch: the compensation's idempotency key is left out when it is the one the
 * pipeline derives (`<caseId>:<kind>`), and put back by caseOf; every other value as given.
 */
function stored(fields: Record<string, unknown>, caseId: string): Record<string, unknown> {
  const compensation = fields.compensation as CaseRecord['compensation'];
  if (compensation?.idempotencyKey !== derivedKey(caseId, compensation?.kind)) return fields;
  const { idempotencyKey: _derived, ...rest } = compensation!;
  return { ...fields, compensation: rest };
}

const derivedKey = (caseId: string, kind: string | undefined) => `${caseId}:${kind}`;

/** The case from its partition's items: the case item, with the facts item's fields under it (if there is one). */
export function caseOf(items: Array<Record<string, unknown>>): CaseRecord | undefined {
  const record = items.find((item) => item.sk === 'CASE');
  if (!record) return undefined;
  const facts = items.find((item) => item.sk === 'CASE#FACTS');
  const { caseId: _id, ...factFields } = facts ? stripKeys(facts) : {};
  const found = { ...factFields, ...stripKeys(record) } as unknown as CaseRecord;
  // Mirrors of the service clock, stored on cases whose clock started before 5 December 2026 (afternoon), read from it since.
  if (found.sla?.dueAt !== undefined && found.dueAt === undefined) found.dueAt = found.sla.dueAt;
  if (found.sla && found.serviceWorkingDays === undefined) found.serviceWorkingDays = found.sla.workingDays;
  if (found.compensation && found.compensation.idempotencyKey === undefined) {
    found.compensation = { ...found.compensation, idempotencyKey: derivedKey(found.caseId, found.compensation.kind) };
  }
  return found;
}

/**
 * Cases by id, each its case item with its facts item (BatchGetItem, 50 cases a request, unprocessed keys asked again
 * after a pause); cases without a case item are left out. `consistent` for readers that act on what they read.
 */
export async function readCases(db: DynamoDBDocumentClient, tableName: string, ids: string[], consistent = false): Promise<Map<string, CaseRecord>> {
  const itemKeys = [...new Set(ids)].flatMap((id) => [keys.case(id), keys.caseFacts(id)]);
  const byPartition = new Map<string, Array<Record<string, unknown>>>();
  for (const item of await getAll(db, tableName, itemKeys, { consistent })) byPartition.set(String(item.pk), [...(byPartition.get(String(item.pk)) ?? []), item]);
  const found = new Map<string, CaseRecord>();
  for (const id of ids) {
    const record = caseOf(byPartition.get(`CASE#${id}`) ?? []);
    if (record) found.set(id, record);
  }
  return found;
}

/**
 * The timeline from a partition's items (in key order): an item holds one entry, or several written at once
 * (`entries`, in the order they were written). The same order on every read.
 */
export function timelineOf(items: Array<Record<string, unknown>>): TimelineEntry[] {
  return items
    .filter((item) => String(item.sk).startsWith('TL#'))
    .flatMap((item) => (Array.isArray(item.entries) ? (item.entries as TimelineEntry[]) : [stripKeys(item) as unknown as TimelineEntry]));
}

function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, gsi2pk: _g3, gsi2sk: _g4, gsi3pk: _g5, gsi3sk: _g6, ...rest } = item;
  return rest;
}

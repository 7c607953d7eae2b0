import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { TrackingSnapshot, TrackingStatus } from '../domain/carrier-verdict.js';
import type { Channel, CustomerTier, OrderItem, Shipment } from '../domain/case.js';
import { WATCH_ROLES, shipmentKey, watcherId, type WatchedShipment, type Watcher, type WatchRole } from '../domain/shipment-watch.js';
import { lookupPartition } from './case-index.js';
import { queryAll, setAssignments, writeIf } from './dynamo.js';

/** A watched shipment as stored: the domain's view plus polling state. No personal data. */
export interface ShipmentRecord extends WatchedShipment {
  key: string;
  /** The tracking provider that serves the carrier (partition of the poll index). */
  provider: string;
  lost?: boolean;
  deliveredAt?: string;
  lastEventAt?: string;
  lastCheckedAt?: string;
  lastSource?: 'push' | 'poll';
  /** While polling: when next, and how many polls in a row failed. */
  nextPollAt?: string;
  failures?: number;
  lastError?: string;
  trackingIssue?: { reason: string; at: string };
  /** When the provider was asked to push for it (Kuaidi100 订阅); absent until then. */
  subscribedAt?: string;
  /** The provider stopped following it and was asked to follow it again (17TRACK retrack), once: how that went. */
  retrack?: { outcome: string; at: string };
  /** The carrier the provider says the number really belongs to (Kuaidi100 `comNew`): lookups use it. */
  correctedCarrier?: string;
}

export interface ShipmentRegistration {
  carrier: string;
  trackingNumber: string;
  provider: string;
  shippedAt?: string;
  promisedBy?: string;
  /** The market of the order or case watching it: its policy and calendar judge the parcel (the first one kept). */
  market?: string;
  watcher: Watcher;
}

/** What proactive detection needs to open a case later, without personal data (that is in ProactiveContact). */
export interface ProactiveFacts {
  order: { orderId: string; placedAt: string; currency: string; market?: string; items: OrderItem[]; shipment: Shipment };
  /** `locale` as the platform sent it (a language tag, or none): the case resolves it when it opens (domain/locale.ts). */
  customer: { customerId: string; tier: CustomerTier; locale?: string; channels: Channel[] };
}

/** The customer's contact for a case proactive detection may open: its own item, like a case's contact. */
export interface ProactiveContact {
  name: string;
  email?: string;
  phone?: string;
}

const shipmentKeys = (key: string, sk = 'SHIPMENT') => ({ pk: `SHIPMENT#${key}`, sk });
/** Poll index (GSI2, the due index): `POLL#<provider>`, sorted by when the shipment is due. */
const pollIndex = (provider: string, nextPollAt: string, key: string) => ({ gsi2pk: `POLL#${provider}`, gsi2sk: `${nextPollAt}#${key}` });

/** The tracking state `recordTracking` stores (undefined: left as stored), beside when and how it was checked. */
function storedTracking(snapshot: TrackingSnapshot): Record<string, unknown> {
  // A time the provider left empty (or null in a simulator's JSON) keeps the stored one.
  return { status: snapshot.status, lost: snapshot.lost, deliveredAt: snapshot.deliveredAt || undefined, lastEventAt: snapshot.lastEventAt || undefined, failures: 0 };
}
/** What `recordTracking` removes besides the poll index: a poll failure's error. */
const CLEARED_BY_TRACKING = ['lastError'] as const;

/**
 * Watched shipments in the case table: `SHIPMENT#<CARRIER>#<NUMBER>` / `SHIPMENT` holds the watchers (a string
 * set, so registering twice adds nothing), the last canonical tracking state and the poll state; the due index
 * lists what to poll next per provider. Single-item conditional writes only.
 */
export class ShipmentStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Adds a watcher (idempotent) and makes the shipment due for a poll now, so its state is read at once. */
  async watch(reg: ShipmentRegistration, now: Date): Promise<string> {
    const key = shipmentKey(reg.carrier, reg.trackingNumber);
    const at = now.toISOString();
    const values: Record<string, unknown> = {
      ':carrier': reg.carrier,
      ':number': reg.trackingNumber,
      ':provider': reg.provider,
      ':at': at,
      ':w': new Set([watcherId(reg.watcher)]),
      ...prefixed(pollIndex(reg.provider, at, key)),
    };
    const sets = [
      'carrier = if_not_exists(carrier, :carrier)',
      'trackingNumber = if_not_exists(trackingNumber, :number)',
      '#provider = :provider',
      'registeredAt = if_not_exists(registeredAt, :at)',
      'nextPollAt = :at',
      'gsi2pk = :gsi2pk',
      'gsi2sk = :gsi2sk',
    ];
    if (reg.shippedAt) {
      values[':shipped'] = reg.shippedAt;
      sets.push('shippedAt = if_not_exists(shippedAt, :shipped)');
    }
    if (reg.promisedBy) {
      values[':promised'] = reg.promisedBy;
      sets.push('promisedBy = if_not_exists(promisedBy, :promised)');
    }
    if (reg.market) {
      values[':market'] = reg.market;
      sets.push('market = if_not_exists(market, :market)');
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: shipmentKeys(key),
        UpdateExpression: `SET ${sets.join(', ')} ADD watchers :w`,
        ExpressionAttributeNames: { '#provider': 'provider' },
        ExpressionAttributeValues: values,
      }),
    );
    return key;
  }

  async get(key: string): Promise<ShipmentRecord | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: shipmentKeys(key), ConsistentRead: true }));
    return out.Item ? fromItem(out.Item) : undefined;
  }

  /**
   * Records a tracking state. `nextPoll` keeps the shipment in the poll index (re-sorted by its new due time);
   * without it the shipment leaves the index: nothing more to learn. `handled`: watchers acted on, added in the same
   * write, so a later push or poll of the same state does not act again. Returns false for an unknown key.
   */
  async recordTracking(
    key: string,
    snapshot: TrackingSnapshot,
    source: 'push' | 'poll',
    now: Date,
    nextPoll?: { at: string; provider: string },
    handled: readonly Watcher[] = [],
  ): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':at': now.toISOString(), ':source': source };
    const sets = [...setAssignments(storedTracking(snapshot), names, values, 't'), 'lastCheckedAt = :at', 'lastSource = :source'];
    const removes: string[] = [...CLEARED_BY_TRACKING];
    if (nextPoll) {
      Object.assign(values, { ':next': nextPoll.at, ...prefixed(pollIndex(nextPoll.provider, nextPoll.at, key)) });
      sets.push('nextPollAt = :next', 'gsi2pk = :gsi2pk', 'gsi2sk = :gsi2sk');
    } else {
      removes.push('nextPollAt', 'gsi2pk', 'gsi2sk');
    }
    if (handled.length > 0) values[':h'] = new Set(handled.map(watcherId));
    return writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: shipmentKeys(key),
        UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}${handled.length > 0 ? ' ADD handled :h' : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Whether `recordTracking` with these arguments would change `record` (as just read, strongly consistent) in
   * anything but `lastCheckedAt` and `lastSource`, which nothing reads: a state field, a poll failure to clear, the
   * poll index (a next poll is always a new due time; leaving it changes an item still in it), a watcher not yet
   * handled. It compares what `recordTracking` writes, so a field added there is compared here. The poll failure
   * (`failures`, `lastError`) is compared defensively: a failure is only ever recorded with a due time, so an item
   * out of the index carries none.
   */
  wouldChange(record: ShipmentRecord, snapshot: TrackingSnapshot, nextPoll?: { at: string; provider: string }, handled: readonly Watcher[] = []): boolean {
    const stored = record as unknown as Record<string, unknown>;
    return (
      Object.entries(storedTracking(snapshot)).some(([field, value]) => value !== undefined && stored[field] !== value) ||
      CLEARED_BY_TRACKING.some((field) => stored[field] !== undefined) ||
      nextPoll !== undefined ||
      record.nextPollAt !== undefined ||
      handled.some((w) => !record.handled.includes(watcherId(w)))
    );
  }

  /**
   * A failed poll: the shipment stays in the index, due again at `nextPollAt`. Only while the item is as the poll read
   * it (the same `nextPollAt`; none if it had none): a push recorded since (a delivery that took the parcel out of the
   * index, or a state that set its next poll) knows better than a lookup that failed, and is kept. False when refused.
   */
  async recordPollFailure(read: Pick<ShipmentRecord, 'key' | 'provider' | 'nextPollAt'>, failures: number, nextPollAt: string, error: string): Promise<boolean> {
    const values: Record<string, unknown> = { ':f': failures, ':next': nextPollAt, ':e': error.slice(0, 200), ...prefixed(pollIndex(read.provider, nextPollAt, read.key)) };
    if (read.nextPollAt !== undefined) values[':read'] = read.nextPollAt;
    return writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: shipmentKeys(read.key),
        UpdateExpression: 'SET failures = :f, nextPollAt = :next, lastError = :e, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk',
        ConditionExpression: `attribute_exists(pk) AND ${read.nextPollAt !== undefined ? 'nextPollAt = :read' : 'attribute_not_exists(nextPollAt)'}`,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** The provider corrected the carrier (Kuaidi100 comNew): later lookups ask for that one. */
  async recordCorrectedCarrier(key: string, carrier: string): Promise<void> {
    await writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: shipmentKeys(key),
        UpdateExpression: 'SET correctedCarrier = :c',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':c': carrier },
      }),
    );
  }

  /** Records that the provider now pushes for this shipment (asked once). */
  async markSubscribed(key: string, now: Date): Promise<void> {
    await writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: shipmentKeys(key),
        UpdateExpression: 'SET subscribedAt = if_not_exists(subscribedAt, :at)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': now.toISOString() },
      }),
    );
  }

  /** Records the one request to follow a stopped number again (the provider restarts a number only once). */
  async markRetracked(key: string, outcome: string, now: Date): Promise<void> {
    await writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: shipmentKeys(key),
        UpdateExpression: 'SET retrack = if_not_exists(retrack, :r)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':r': { outcome, at: now.toISOString() } },
      }),
    );
  }

  /** Flags the tracking number as unknown to the carrier; true only for the first flag (alert once). */
  async flagTrackingIssue(key: string, reason: string, now: Date): Promise<boolean> {
    return writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: shipmentKeys(key),
        UpdateExpression: 'SET trackingIssue = :t',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(trackingIssue)',
        ExpressionAttributeValues: { ':t': { reason, at: now.toISOString() } },
      }),
    );
  }

  /** Shipments of a provider due for a poll at `now`, soonest first (a query of the due index, never a scan). */
  async due(provider: string, now: Date, limit: number): Promise<ShipmentRecord[]> {
    if (limit <= 0) return [];
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :upper',
        // '~' sorts after every character of a key, so everything due at `now` is included.
        ExpressionAttributeValues: { ':pk': `POLL#${provider}`, ':upper': `${now.toISOString()}#~` },
        Limit: limit,
      }),
    );
    const keys = (page.Items ?? []).map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
    const byPk = new Map<string, ShipmentRecord>();
    // BatchGetItem reads at most 100 keys per call and may leave some unprocessed under load: ask again for those.
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Array<Record<string, unknown>> | undefined = keys.slice(i, i + 100);
      for (let attempt = 0; pending?.length && attempt < 5; attempt++) {
        const out: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }));
        for (const item of out.Responses?.[this.tableName] ?? []) byPk.set(String(item.pk), fromItem(item));
        pending = out.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    // The index is eventually consistent: keep its order, drop what is no longer due.
    return keys.map((k) => byPk.get(k.pk)).filter((s): s is ShipmentRecord => s !== undefined && s.nextPollAt !== undefined && s.nextPollAt <= now.toISOString());
  }

  /** Stores what a proactive case would need, once (a repeated shipment.created keeps the first). */
  async saveProactive(key: string, facts: ProactiveFacts, contact: ProactiveContact, retainUntil: Date): Promise<void> {
    const ttl = Math.floor(retainUntil.getTime() / 1000);
    // The contact is found by its customer (a privacy request) in the lookup index; it leaves the index with the item.
    const byCustomer = { gsi3pk: lookupPartition.watchedParcels(facts.customer.customerId), gsi3sk: key };
    for (const [sk, item] of [
      ['PROACTIVE', facts],
      ['CONTACT', { ...contact, ...byCustomer }],
    ] as const) {
      await writeIf(this.db, new PutCommand({ TableName: this.tableName, Item: { ...shipmentKeys(key, sk), ...item, ttl }, ConditionExpression: 'attribute_not_exists(pk)' }));
    }
  }

  /** The watched parcels whose contact is kept for a case that may open, for one customer (lookup index, never a scan). */
  async watchedContactsOf(customerId: string): Promise<Array<{ key: string; contact: ProactiveContact }>> {
    const entries = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': lookupPartition.watchedParcels(customerId) },
    });
    const found: Array<{ key: string; contact: ProactiveContact }> = [];
    for (const entry of entries) {
      const key = String(entry.pk).slice('SHIPMENT#'.length);
      const item = await this.db.send(new GetCommand({ TableName: this.tableName, Key: shipmentKeys(key, 'CONTACT'), ConsistentRead: true }));
      if (item.Item) {
        const { gsi3pk: _a, gsi3sk: _b, ttl: _t, ...contact } = strip(item.Item);
        found.push({ key, contact: contact as unknown as ProactiveContact });
      }
    }
    return found;
  }

  /** Erases the contact kept for a watched parcel: no case opens from it any more (it would have no one to tell). */
  async eraseProactiveContact(key: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: shipmentKeys(key, 'CONTACT') }));
  }

  async proactive(key: string): Promise<{ facts: ProactiveFacts; contact: ProactiveContact } | undefined> {
    const read = (sk: string) => this.db.send(new GetCommand({ TableName: this.tableName, Key: shipmentKeys(key, sk), ConsistentRead: true }));
    const [facts, contact] = await Promise.all([read('PROACTIVE'), read('CONTACT')]);
    if (!facts.Item || !contact.Item) return undefined;
    const { gsi3pk: _a, gsi3sk: _b, ...kept } = strip(contact.Item);
    return { facts: strip(facts.Item) as unknown as ProactiveFacts, contact: kept as unknown as ProactiveContact };
  }
}

function prefixed(index: { gsi2pk: string; gsi2sk: string }): Record<string, string> {
  return { ':gsi2pk': index.gsi2pk, ':gsi2sk': index.gsi2sk };
}

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
}

function fromItem(item: Record<string, unknown>): ShipmentRecord {
  const { pk, sk: _sk, gsi2pk: _g1, gsi2sk: _g2, watchers, handled, ...rest } = item;
  return {
    ...(rest as Omit<ShipmentRecord, 'key' | 'watchers' | 'handled'>),
    key: String(pk).slice('SHIPMENT#'.length),
    watchers: [...((watchers as Set<string> | undefined) ?? [])].flatMap(parseWatcher),
    handled: [...((handled as Set<string> | undefined) ?? [])],
    status: rest.status as TrackingStatus | undefined,
  };
}

function parseWatcher(id: string): Watcher[] {
  const [role, caseId] = id.split('#');
  return WATCH_ROLES.includes(role as WatchRole) && caseId ? [{ role: role as WatchRole, caseId }] : [];
}

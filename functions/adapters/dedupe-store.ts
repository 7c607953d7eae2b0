import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getAll, keys, writeIf } from './dynamo.js';

const WEBHOOK_RECEIPT_DAYS = 30;

/** When a receipt or note written at `now` expires (DynamoDB TTL: epoch seconds). */
const ttlOf = (now: Date): number => Math.floor(now.getTime() / 1000) + WEBHOOK_RECEIPT_DAYS * 86_400;

/** How a delivery relates to a request: opens it (aftersales.requested), acts on it (a follow-up), or neither (shipment.created). */
export type DeliveryKind = 'request' | 'follow_up' | 'other';

/** Names of the attributes the lookup reads (`pk`, and `caseId`, `queued`, `webhookId` of receipts and notes). */
const PROJECTED = { '#pk': 'pk', '#c': 'caseId', '#q': 'queued', '#w': 'webhookId' };

/** What one strongly consistent BatchGetItem tells the intake about a delivery (DedupeStore.lookUpDelivery). */
export interface DeliveryLookup {
  /**
   * This webhook-id was seen before: the case it was answered with, and whether its event is on the intake queue.
   * `queued: false` only on a receipt an earlier release (6384ee3) wrote before queueing, whose delivery died there.
   */
  earlier?: { caseId: string; queued: boolean };
  /** The request's case exists or its aftersales.requested was accepted (looked up for follow-ups only). */
  requestKnown: boolean;
  /** The request already has its note (looked up for aftersales.requested only): a new delivery keeps its own receipt. */
  requestNoted: boolean;
}

/**
 * Records of what was already accepted: webhook deliveries, and the open case per (order, case type).
 *
 * A delivery costs one write, made after its event is on the intake queue (docs/performance.md, "Intake writes"): the
 * first accepted `aftersales.requested` of a request is recorded in the request's note (`REQUEST#<caseId>`, with its
 * `webhookId`), which is what makes the request's later events known; every other delivery in its own receipt
 * (`WEBHOOK#<webhookId>`, `queued: true`). Items written by earlier releases read the same way: a note without
 * `webhookId` still makes its request known, and a receipt with `queued: false` is queued again.
 */
export class DedupeStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Reads, in one strongly consistent BatchGetItem, this webhook-id's receipt, the request's note (aftersales.requested
   * and follow-ups) and the case item (follow-ups), so an event sent right after its request's 202 is never refused.
   */
  async lookUpDelivery(webhookId: string, caseId: string, kind: DeliveryKind): Promise<DeliveryLookup> {
    const wanted = [keys.webhook(webhookId), ...(kind === 'other' ? [] : [keys.request(caseId)]), ...(kind === 'follow_up' ? [keys.case(caseId)] : [])];
    const found = new Map<string, Record<string, unknown>>();
    // Throttled keys are asked again rather than taken for absent; twice at most, as the platform waits for the answer.
    const items = await getAll(this.db, this.tableName, wanted, { consistent: true, projection: { expression: '#pk, #c, #q, #w', names: PROJECTED }, retries: 2 });
    for (const item of items) found.set(String(item.pk), item);
    const receipt = found.get(keys.webhook(webhookId).pk);
    const note = found.get(keys.request(caseId).pk);
    // The note names the delivery that made it: that delivery's event is on the queue, whatever an older receipt says.
    const earlier = note?.webhookId === webhookId ? { caseId, queued: true } : receipt && { caseId: String(receipt.caseId ?? caseId), queued: receipt.queued !== false };
    return { ...(earlier ? { earlier } : {}), requestKnown: note !== undefined || found.has(keys.case(caseId).pk), requestNoted: note !== undefined };
  }

  /**
   * The one write of an accepted delivery, once its event is on the intake queue: the request's note when `noteRequest`
   * (the first aftersales.requested of its request), else the delivery's receipt. Receipts and notes expire after 30
   * days (DynamoDB TTL in AWS); by then the case exists. `duplicate` when a concurrent delivery of the same webhook-id
   * recorded it first (both queued the event, which the intake consumer applies idempotently): it answers as that one's duplicate.
   */
  async recordDelivery(webhookId: string, caseId: string, now: Date, noteRequest: boolean): Promise<{ caseId: string; duplicate: boolean }> {
    const receivedAt = now.toISOString();
    const ttl = ttlOf(now);
    if (noteRequest) {
      const noted = await writeIf(
        this.db,
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.request(caseId), caseId, webhookId, acceptedAt: receivedAt, ttl },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      if (noted) return { caseId, duplicate: false };
      // Another delivery noted the request meanwhile: this same one (a concurrent retry), or another webhook-id.
      const note = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.request(caseId), ConsistentRead: true }));
      if (note.Item?.webhookId === webhookId) return { caseId, duplicate: true };
    }
    // An update, not a put: the intake consumer may already have marked the receipt (markIgnored), and that stays.
    const written = await writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.webhook(webhookId),
        UpdateExpression: 'SET caseId = :c, queued = :t, receivedAt = if_not_exists(receivedAt, :at), #ttl = if_not_exists(#ttl, :ttl)',
        ConditionExpression: 'attribute_not_exists(caseId) OR queued = :f',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':c': caseId, ':t': true, ':f': false, ':at': receivedAt, ':ttl': ttl },
      }),
    );
    if (written) return { caseId, duplicate: false };
    const receipt = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.webhook(webhookId), ConsistentRead: true }));
    return { caseId: String(receipt.Item?.caseId ?? caseId), duplicate: true };
  }

  /**
   * Records on the delivery's receipt that its event was accepted but deliberately not acted on, and why. The consumer
   * may get there before the ingest's write, and that write may then fail (503; the retry may carry another id): the
   * receipt gets its expiry here too, or it would never expire.
   */
  async markIgnored(webhookId: string, reason: string, now: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.webhook(webhookId),
        UpdateExpression: 'SET ignored = :r, #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':r': reason, ':ttl': ttlOf(now) },
      }),
    );
  }

  /** One open case per order and case type (docs/domain.md "Intake"). Returns the case that holds the slot. */
  async claimOpenCase(orderId: string, type: string, caseId: string): Promise<string> {
    const written = await writeIf(
      this.db,
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.openCase(orderId, type), caseId },
        ConditionExpression: 'attribute_not_exists(pk) OR caseId = :c',
        ExpressionAttributeValues: { ':c': caseId },
      }),
    );
    if (!written) {
      const holder = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.openCase(orderId, type), ConsistentRead: true }));
      return String(holder.Item?.caseId);
    }
    return caseId;
  }

  async releaseOpenCase(orderId: string, type: string, caseId: string): Promise<void> {
    await writeIf(
      this.db,
      new DeleteCommand({
        TableName: this.tableName,
        Key: keys.openCase(orderId, type),
        ConditionExpression: 'caseId = :c',
        ExpressionAttributeValues: { ':c': caseId },
      }),
    );
  }
}

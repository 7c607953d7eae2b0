import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys, writeIf } from './dynamo.js';

const WEBHOOK_RECEIPT_DAYS = 30;

/** Records of what was already accepted: webhook deliveries, and the open case per (order, case type). */
export class DedupeStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Claims a webhook-id for a case. Returns the case of an earlier delivery with the same id, if there was one,
   * so a redelivery gets the first answer again. Receipts expire after 30 days (DynamoDB TTL in AWS).
   */
  async claimWebhook(webhookId: string, caseId: string, now: Date): Promise<{ firstSeen: boolean; caseId: string; queued: boolean }> {
    const written = await writeIf(
      this.db,
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.webhook(webhookId),
          caseId,
          queued: false,
          receivedAt: now.toISOString(),
          ttl: Math.floor(now.getTime() / 1000) + WEBHOOK_RECEIPT_DAYS * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (!written) {
      const earlier = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.webhook(webhookId), ConsistentRead: true }));
      return { firstSeen: false, caseId: String(earlier.Item?.caseId ?? caseId), queued: earlier.Item?.queued !== false };
    }
    return { firstSeen: true, caseId, queued: false };
  }

  /**
   * Notes that the request behind a case was accepted, before its aftersales.requested is queued and answered: from
   * then on the platform's follow-up events for it are accepted even while the case is still being created. Kept as
   * long as webhook receipts; by then the case exists (or its request failed and is in the intake DLQ).
   */
  async noteRequest(caseId: string, now: Date): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.request(caseId), caseId, acceptedAt: now.toISOString(), ttl: Math.floor(now.getTime() / 1000) + WEBHOOK_RECEIPT_DAYS * 86_400 },
      }),
    );
  }

  /**
   * Whether a case exists or its request was accepted: one strongly consistent BatchGetItem of the case item and the
   * request note, so an event sent right after its request's 202 is never refused.
   */
  async requestKnown(caseId: string): Promise<boolean> {
    const wanted = [keys.case(caseId), keys.request(caseId)];
    for (let attempt = 0; attempt < 3 && wanted.length > 0; attempt += 1) {
      const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: wanted.splice(0), ConsistentRead: true, ProjectionExpression: 'pk' } } }));
      if ((out.Responses?.[this.tableName] ?? []).length > 0) return true;
      // Throttled keys come back unprocessed: ask again for them rather than call the request unknown.
      wanted.push(...((out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as typeof wanted));
    }
    if (wanted.length > 0) throw new Error('BatchGetItem left keys unprocessed');
    return false;
  }

  /** The event of this delivery is on the intake queue: a redelivery needs nothing more. */
  async markWebhookQueued(webhookId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({ TableName: this.tableName, Key: keys.webhook(webhookId), UpdateExpression: 'SET queued = :t', ExpressionAttributeValues: { ':t': true } }),
    );
  }

  /** Records on the delivery's receipt that its event was accepted but deliberately not acted on, and why. */
  async markIgnored(webhookId: string, reason: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({ TableName: this.tableName, Key: keys.webhook(webhookId), UpdateExpression: 'SET ignored = :r', ExpressionAttributeValues: { ':r': reason } }),
    );
  }

  /**
   * Forgets a webhook-id whose message never reached the queue, so the sender's retry is processed. A concurrent
   * retry may have queued it meanwhile: then the receipt stays.
   */
  async releaseWebhook(webhookId: string): Promise<void> {
    await writeIf(
      this.db,
      new DeleteCommand({ TableName: this.tableName, Key: keys.webhook(webhookId), ConditionExpression: 'queued = :f', ExpressionAttributeValues: { ':f': false } }),
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

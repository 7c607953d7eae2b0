import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Channel } from '../domain/case.js';
import { isConditionFailure, keys, writeIf } from './dynamo.js';

/**
 * The notice items of the release before 5 December 2026: one item per (case, milestone, channel),
 * `NOTICE#<slot>#<channel>`, with the channel's state at the top level. No longer made, but a deployed table holds
 * them, some still in flight (a claim, a failure to retry, an SMS held for quiet hours, a sent message whose bounce
 * may still come). A channel that has such an item keeps living in it (NoticeStore reads both shapes and routes each
 * channel to the item that records it), so nothing it records is lost or sent twice across the deploy.
 */
export class LegacyNoticeItems {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Takes the channel's old item under `condition` (NoticeStore's TAKEABLE on top-level attributes): a Put, as then. */
  async take(
    caseId: string,
    slot: string,
    channel: Channel,
    entry: Record<string, unknown>,
    condition: string,
    values: Record<string, unknown>,
    message?: string,
  ): Promise<boolean> {
    const due = entry.status === 'deferred' ? { gsi2pk: `DEFERRED#${channel}`, gsi2sk: `${String(entry.sendAt)}#${caseId}#${slot}` } : {};
    return writeIf(
      this.db,
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.notice(caseId, slot, channel), milestone: slot, channel, ...entry, ...(message ? { message } : {}), ...due },
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#status': 'status', '#at': 'at', '#permanent': 'permanent' },
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** Puts back what the item was before a claim whose send was never tried. */
  async restore(item: Record<string, unknown>): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  /** `unlessSent`: a failure recorded late (another attempt already sent it) must not hide the sent notice. */
  async mark(caseId: string, slot: string, channel: Channel, fields: Record<string, unknown>, unlessSent: boolean): Promise<void> {
    const entries = Object.entries({ milestone: slot, channel, ...fields }).filter(([, v]) => v !== undefined);
    const names: Record<string, string> = Object.fromEntries(entries.map(([k], i) => [`#k${i}`, k]));
    const values: Record<string, unknown> = Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v]));
    if (unlessSent) {
      names['#s'] = 'status';
      values[':sent'] = 'sent';
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.notice(caseId, slot, channel),
          // No longer deferred: it leaves the due index so the dispatcher never reads it again.
          UpdateExpression: `SET ${entries.map((_, i) => `#k${i} = :v${i}`).join(', ')}${fields.status === 'deferred' ? '' : ' REMOVE gsi2pk, gsi2sk'}`,
          ...(unlessSent ? { ConditionExpression: 'attribute_not_exists(#s) OR #s <> :sent' } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!(unlessSent && isConditionFailure(error))) throw error;
    }
  }

  /** The provider reported `providerMessageId` undelivered: false when that failure is already recorded (or the id is not this item's). */
  async markDeliveryFailed(caseId: string, slot: string, channel: Channel, providerMessageId: string, at: string, reason: string, permanent: boolean): Promise<boolean> {
    return writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.notice(caseId, slot, channel),
        UpdateExpression: `SET #status = :failed, deliveryFailedAt = :at, reason = :reason${permanent ? ', permanent = :true' : ''}`,
        ConditionExpression: 'providerMessageId = :id AND attribute_not_exists(deliveryFailedAt)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':failed': 'failed', ':at': at, ':reason': reason, ':id': providerMessageId, ...(permanent ? { ':true': true } : {}) },
      }),
    );
  }
}

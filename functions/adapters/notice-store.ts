import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Channel } from '../domain/case.js';
import { isConditionFailure, keys } from './dynamo.js';

/** A claim older than this is taken to belong to a sender that died mid-send, and may be retried. */
const STALE_CLAIM_MS = 5 * 60_000;

/**
 * Exactly one notice per (case, milestone, channel): a sender claims the slot with a conditional write before
 * sending and marks it sent after. A redelivered message finds the slot taken and sends nothing.
 */
export class NoticeStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(caseId: string, milestone: string, channel: Channel, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.notice(caseId, milestone, channel), milestone, channel, status: 'sending', at: now.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :failed) OR (#status = :sending AND #at < :stale)',
          ExpressionAttributeNames: { '#status': 'status', '#at': 'at' },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':sending': 'sending',
            ':stale': new Date(now.getTime() - STALE_CLAIM_MS).toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async markSent(caseId: string, milestone: string, channel: Channel, now: Date, providerMessageId: string | undefined): Promise<void> {
    await this.mark(caseId, milestone, channel, { status: 'sent', at: now.toISOString(), providerMessageId });
  }

  /** A failed send frees the slot for the retry that SQS will bring. */
  async markFailed(caseId: string, milestone: string, channel: Channel, now: Date, error: string): Promise<void> {
    await this.mark(caseId, milestone, channel, { status: 'failed', at: now.toISOString(), error });
  }

  private async mark(caseId: string, milestone: string, channel: Channel, fields: Record<string, string | undefined>): Promise<void> {
    const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.notice(caseId, milestone, channel),
        UpdateExpression: `SET ${entries.map((_, i) => `#k${i} = :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#k${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
      }),
    );
  }
}

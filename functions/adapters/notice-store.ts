import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Channel } from '../domain/case.js';
import type { NoticeRef } from '../domain/notice-ref.js';
import type { NoticeMessage } from '../schemas/messages.js';
import { isConditionFailure, keys, queryAll } from './dynamo.js';

/**
 * A claim older than this is taken to belong to a sender that died mid-send, and may be retried: beyond the notice
 * queue's visibility timeout plus the notifier's timeout (claimStalenessProblem), so a live sender is never
 * overtaken. NOTICE_CLAIM_STALE_SECONDS sets it locally.
 */
export const STALE_CLAIM_MS = 5 * 60_000;

/**
 * A `sending` claim must outlive any delivery that may still be sending: SQS hands the message out again once its
 * visibility timeout runs out, while the first sender may still run for its whole timeout. A claim that went stale
 * sooner would be taken over and the notice sent twice. What is wrong with `staleSeconds`, or undefined.
 */
export function claimStalenessProblem(staleSeconds: number, limits: { visibilityTimeoutSeconds: number; senderTimeoutSeconds: number }): string | undefined {
  const floor = limits.visibilityTimeoutSeconds + limits.senderTimeoutSeconds;
  if (staleSeconds > floor) return undefined;
  return `a notice claim goes stale after ${staleSeconds} s, but must outlast the notice queue's visibility timeout (${limits.visibilityTimeoutSeconds} s) plus the notifier's timeout (${limits.senderTimeoutSeconds} s): more than ${floor} s, or a slow send is sent twice`;
}

/**
 * Where a notice slot stands. `failed` is retried unless `permanent` (the provider reported the address bad).
 * `skipped`, `superseded`, `expired`: deliberately not sent (a rule of functions/domain/notice-rules.ts or
 * held-notices.ts), with the reason.
 */
export type NoticeStatus = 'sending' | 'sent' | 'deferred' | 'failed' | 'suppressed' | 'undeliverable' | NotSentStatus;
export type NotSentStatus = 'skipped' | 'superseded' | 'expired';

/** A notice slot, as a delivery event names it (domain/notice-ref.ts) or its legacy `MSG#` item finds it. */
export type SentNotice = NoticeRef;

export interface DueNotice {
  caseId: string;
  slot: string;
  channel: Channel;
  sendAt: string;
  message: NoticeMessage;
}

// The slot may be (re)taken when new, after a retryable failure, or from a sender that died mid-send.
const TAKEABLE = 'attribute_not_exists(pk) OR (#status IN (:failed, :undeliverable) AND attribute_not_exists(permanent)) OR (#status = :sending AND #at < :stale)';

/**
 * Exactly one notice per (case, milestone, channel): a sender claims the slot with a conditional write before
 * sending and marks it sent after. A redelivered message finds the slot taken and sends nothing. An SMS in the
 * customer's quiet hours is parked as `deferred` in the due index instead; only its dispatcher's release may then
 * claim it, once.
 */
export class NoticeStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly staleClaimMs = STALE_CLAIM_MS,
  ) {}

  /**
   * After a refused claim: is the slot held by another attempt that is sending it (or died doing so) and not yet
   * stale? Then the notice is not done: the caller retries later, and a retry after `staleClaimMs` takes it over.
   */
  async heldBySender(caseId: string, slot: string, channel: Channel, now: Date): Promise<boolean> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.notice(caseId, slot, channel), ConsistentRead: true }));
    return out.Item?.status === 'sending' && String(out.Item.at) >= new Date(now.getTime() - this.staleClaimMs).toISOString();
  }

  /**
   * Takes the slot for sending. `message` is kept with it (no personal data) so a delivery failure reported later can
   * queue the notice again for the other channel, with its original deadlines.
   */
  async claim(caseId: string, slot: string, channel: Channel, now: Date, options: { release?: boolean; message?: NoticeMessage } = {}): Promise<boolean> {
    const condition = options.release ? `${TAKEABLE} OR #status = :deferred` : TAKEABLE;
    // A Put replaces the whole item: a released slot leaves the due index with it.
    return this.put(
      {
        ...keys.notice(caseId, slot, channel),
        milestone: slot,
        channel,
        status: 'sending',
        at: now.toISOString(),
        ...(options.message ? { message: JSON.stringify(options.message) } : {}),
      },
      condition,
      now,
    );
  }

  /** Parks the slot until `sendAt`; false when it is already sent, sending or deferred. */
  async defer(caseId: string, slot: string, channel: Channel, now: Date, sendAt: Date, message: NoticeMessage): Promise<boolean> {
    const due = sendAt.toISOString();
    return this.put(
      {
        ...keys.notice(caseId, slot, channel),
        milestone: slot,
        channel,
        status: 'deferred',
        at: now.toISOString(),
        sendAt: due,
        message: JSON.stringify(message),
        // The due index (GSI2): DEFERRED#sms, sorted by sendAt, until the dispatcher's release takes the slot.
        gsi2pk: `DEFERRED#${channel}`,
        gsi2sk: `${due}#${caseId}#${slot}`,
      },
      TAKEABLE,
      now,
    );
  }

  /**
   * Not sent on purpose, recorded once with why; a deferred slot (`release`) leaves the due index. False when the
   * slot was already taken (sent, sending, recorded).
   */
  async markNotSent(caseId: string, slot: string, channel: Channel, now: Date, status: NotSentStatus, reason: string, options: { release?: boolean } = {}): Promise<boolean> {
    const condition = options.release ? `${TAKEABLE} OR #status = :deferred` : TAKEABLE;
    return this.put({ ...keys.notice(caseId, slot, channel), milestone: slot, channel, status, at: now.toISOString(), reason }, condition, now);
  }

  /** The address is on the suppression list: recorded once, nothing sent (a released SMS leaves the due index). */
  async markSuppressed(caseId: string, slot: string, channel: Channel, now: Date, reason: string, options: { release?: boolean } = {}): Promise<boolean> {
    const condition = options.release ? `${TAKEABLE} OR #status = :deferred` : TAKEABLE;
    return this.put({ ...keys.notice(caseId, slot, channel), milestone: slot, channel, status: 'suppressed', at: now.toISOString(), reason }, condition, now);
  }

  /** The provider refused the address before sending (an opted-out number): the slot is suppressed for good. */
  async markRefused(caseId: string, slot: string, channel: Channel, now: Date, reason: string): Promise<void> {
    await this.mark(caseId, slot, channel, { status: 'suppressed', at: now.toISOString(), reason }, true);
  }

  async markSent(caseId: string, slot: string, channel: Channel, now: Date, providerMessageId: string | undefined): Promise<void> {
    // No lookup item: the message itself names its slot to the provider's delivery events (domain/notice-ref.ts).
    await this.mark(caseId, slot, channel, { status: 'sent', at: now.toISOString(), providerMessageId });
  }

  /** A failed send frees the slot for the retry that SQS will bring. */
  async markFailed(caseId: string, slot: string, channel: Channel, now: Date, error: string): Promise<void> {
    await this.mark(caseId, slot, channel, { status: 'failed', at: now.toISOString(), error }, true);
  }

  /** The last attempt failed too: the message goes to the DLQ, the slot says why (a redrive may still take it). */
  async markUndeliverable(caseId: string, slot: string, channel: Channel, now: Date, error: string): Promise<void> {
    await this.mark(caseId, slot, channel, { status: 'undeliverable', at: now.toISOString(), error }, true);
  }

  /**
   * The provider reported message `providerMessageId` of a notice undelivered; `permanent` keeps the slot from being
   * retried. Recorded once (providers and SNS may repeat an event): `first` is false when the failure was already
   * recorded (a repeated event, or a retry after a crash). Undefined when the slot has not (yet) recorded that message
   * as sent: a fast provider can report before the notifier's sent mark, and the event's retry finds it then.
   */
  async markDeliveryFailed(
    sent: SentNotice,
    providerMessageId: string,
    now: Date,
    reason: string,
    permanent: boolean,
  ): Promise<{ first: boolean; message?: NoticeMessage } | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.notice(sent.caseId, sent.slot, sent.channel),
          UpdateExpression: `SET #status = :failed, deliveryFailedAt = :at, reason = :reason${permanent ? ', permanent = :true' : ''}`,
          ConditionExpression: 'providerMessageId = :id AND attribute_not_exists(deliveryFailedAt)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':failed': 'failed', ':at': now.toISOString(), ':reason': reason, ':id': providerMessageId, ...(permanent ? { ':true': true } : {}) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { first: true, ...storedMessage(out.Attributes?.message) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.notice(sent.caseId, sent.slot, sent.channel), ConsistentRead: true }));
      return current.Item?.providerMessageId === providerMessageId ? { first: false, ...storedMessage(current.Item.message) } : undefined;
    }
  }

  /**
   * The slot of a message sent before notices named themselves in the message (the notifier then wrote a `MSG#` item
   * per sent message): read only for an event without the notice's tags or context, so a deploy loses no event of a
   * notice already sent. No new `MSG#` items are written.
   */
  async findByProviderMessageId(providerMessageId: string): Promise<SentNotice | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `MSG#${providerMessageId}`, sk: 'MSG' }, ConsistentRead: true }));
    return out.Item ? { caseId: String(out.Item.caseId), slot: String(out.Item.slot), channel: out.Item.channel as Channel } : undefined;
  }

  /**
   * The cases with deferred notices due at `now`, as the due index lists them (oldest first), at most `maxCases`.
   * The index is eventually consistent and keys-only: `held` reads each case's slots, and the release's claim decides.
   */
  async dueCases(channel: Channel, now: Date, maxCases = 100): Promise<string[]> {
    const found = new Set<string>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
          ExpressionAttributeValues: { ':pk': `DEFERRED#${channel}`, ':now': `${now.toISOString()}#~` },
          Limit: Math.min(maxCases * 2, 1000),
          ExclusiveStartKey: startKey,
        }),
      );
      for (const key of page.Items ?? []) {
        if (found.size >= maxCases) break;
        found.add(String(key.pk).slice('CASE#'.length));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && found.size < maxCases);
    return [...found];
  }

  /**
   * All of one case's notices still deferred on `channel` (read consistently from the case's own items), those due by
   * `dueBy` only when given. The dispatcher releases a case's held SMS from this whole list, never a page's part of it.
   */
  async held(caseId: string, channel: Channel, dueBy?: Date): Promise<DueNotice[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :notice)',
      FilterExpression: '#status = :deferred AND #channel = :channel',
      ExpressionAttributeNames: { '#status': 'status', '#channel': 'channel' },
      ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':notice': 'NOTICE#', ':deferred': 'deferred', ':channel': channel },
      ConsistentRead: true,
    });
    const found: DueNotice[] = [];
    for (const item of items) {
      if (typeof item.message !== 'string' || (dueBy && String(item.sendAt) > dueBy.toISOString())) continue;
      found.push({ caseId, slot: String(item.milestone), channel, sendAt: String(item.sendAt), message: JSON.parse(item.message) as NoticeMessage });
    }
    return found;
  }

  private async put(item: Record<string, unknown>, condition: string, now: Date): Promise<boolean> {
    const values: Record<string, string> = {
      ':failed': 'failed',
      ':undeliverable': 'undeliverable',
      ':sending': 'sending',
      ':stale': new Date(now.getTime() - this.staleClaimMs).toISOString(),
    };
    if (condition.includes(':deferred')) values[':deferred'] = 'deferred';
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#status': 'status', '#at': 'at' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** `unlessSent`: a failure recorded late (another attempt already sent it) must not hide the sent notice. */
  private async mark(caseId: string, slot: string, channel: Channel, fields: Record<string, string | boolean | undefined>, unlessSent = false): Promise<void> {
    // The slot's name is set too: a failure may be the first thing recorded for it (the notice never rendered).
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
          // Whatever the slot becomes, it is no longer deferred: it leaves the due index so the dispatcher never reads it again.
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
}

function storedMessage(raw: unknown): { message?: NoticeMessage } {
  return typeof raw === 'string' ? { message: JSON.parse(raw) as NoticeMessage } : {};
}

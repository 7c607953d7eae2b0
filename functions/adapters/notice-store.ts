import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Channel } from '../domain/case.js';
import type { NoticeRef } from '../domain/notice-ref.js';
import type { NoticeMessage } from '../schemas/messages.js';
import { isConditionFailure, keys, queryAll, writeIf } from './dynamo.js';
import { LegacyNoticeItems } from './legacy-notice-items.js';
import { NOTICE_CHANNELS as CHANNELS, noticeRecordsOf, stateIn } from './notice-records.js';

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
 * Where one channel of a notice stands. `failed` is retried unless `permanent` (the provider reported the address
 * bad). `skipped`, `superseded`, `expired`: deliberately not sent (a rule of functions/domain/notice-rules.ts or
 * held-notices.ts), with the reason.
 */
export type NoticeStatus = 'sending' | 'sent' | 'deferred' | 'failed' | 'suppressed' | 'undeliverable' | NotSentStatus;
export type NotSentStatus = 'skipped' | 'superseded' | 'expired';

/** One channel's state, a map attribute (`email`, `sms`) of its slot's item. Ids, codes and times only. */
export interface ChannelNotice {
  status: NoticeStatus;
  at: string;
  providerMessageId?: string;
  /** Why it failed (error names), or was suppressed, skipped, dropped (codes, rules): never an address. */
  error?: string;
  reason?: string;
  permanent?: boolean;
  deliveryFailedAt?: string;
  /** Deferred: when quiet hours end and it goes out. */
  sendAt?: string;
}

/** A notice slot, as a delivery event names it (domain/notice-ref.ts) or its legacy `MSG#` item finds it. */
export type SentNotice = NoticeRef;

export interface DueNotice {
  caseId: string;
  slot: string;
  channel: Channel;
  sendAt: string;
  message: NoticeMessage;
}

/** The slot item changed under every claim attempt: nothing was claimed; retried through the queue. */
export class NoticeClaimContendedError extends Error {
  override readonly name = 'NoticeClaimContendedError';
  constructor(slot: string) {
    super(`notice ${slot} changed under every claim attempt`);
  }
}

/** The only channel ever held for later (quiet hours): the slot item's due index (gsi2) is that channel's. */
export const HELD_CHANNEL = 'sms' satisfies Channel;

/**
 * What a claim came to: the channels it took, those another attempt is sending right now (not stale), and what the
 * slot was before (to record results in the right item, and to put back a claim whose send was never tried).
 */
export interface SlotClaim {
  caseId: string;
  slot: string;
  taken: Channel[];
  busy: Channel[];
  /** The previous release's per-channel items of this slot (LegacyNoticeItems): those channels live there. */
  legacy: Partial<Record<Channel, Record<string, unknown>>>;
  /** The taken channels' state in the slot item before the claim (absent: none). */
  prior: Partial<Record<Channel, ChannelNotice>>;
}

/**
 * Every `NOTICE#` item of one case (slot items and the previous release's per-channel items), read consistently by
 * `caseNotices`: what `heldIn` lists and, passed to a claim as `read`, what the claim's first attempt decides on
 * instead of reading the slot again (one read fewer per notice for a sender that looked for held SMS first).
 */
export interface CaseNotices {
  caseId: string;
  items: Array<Record<string, unknown>>;
}

/**
 * What a claim may be given: see CaseNotices. `read` must be made for this notice, consistently, by this store: never
 * cached or kept from an earlier notice. The claim's conditional write only guards the channels it tries to take; a
 * channel the read shows done or busy (sent, sending) is skipped without any write, so an old read that still shows a
 * claim since put back, gone stale or freed for a retry would drop that channel's notice unseen. A caller may hand over
 * a read made before rendering its notice (a survey reminder reads the case's notices for its link's expiry; only the
 * rendering, on a language's first use with a dynamic import, runs in between): that is safe because the claim is a
 * conditional write per channel. A channel shown free but taken meanwhile fails the write and sends the claim to a
 * fresh read; a claim shown stale is taken over only if the stored `at` is still past the stale limit when the write
 * lands (the condition checks the stored item, not the read), so a claim made meanwhile fails the write the same way.
 * The other way (a claim shown busy, put back meanwhile) keeps the window it had: the rendering takes milliseconds.
 */
export interface ClaimOptions {
  release?: boolean;
  message?: NoticeMessage;
  read?: CaseNotices;
}

const FAILURES: ReadonlySet<NoticeStatus> = new Set(['failed', 'undeliverable', 'suppressed']);
// Claim attempts when another writer changes the slot between the read and the conditional write.
const CLAIM_ATTEMPTS = 3;

/**
 * Exactly one notice per (case, milestone, channel), in ONE item per (case, milestone): `NOTICE#<slot>`, each
 * channel's state in its own map attribute. A sender claims all the channels it is about to send in one conditional
 * write (each channel must be new, retryable or stale) and records what each came to (sent with the provider's id,
 * failed, suppressed) in one more: two writes per notice, whatever the number of channels. A redelivered message
 * finds its channels taken and sends nothing. An SMS in the customer's quiet hours is parked as `deferred` (the
 * slot item enters the due index, gsi2) in the same write; only its dispatcher's release may then claim it, once.
 * Channels recorded by the previous release in their own items stay there (LegacyNoticeItems).
 */
export class NoticeStore {
  private readonly legacyItems: LegacyNoticeItems;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly staleClaimMs = STALE_CLAIM_MS,
  ) {
    this.legacyItems = new LegacyNoticeItems(db, tableName);
  }

  /**
   * Takes the slot's `send` channels for sending and, in the same write, parks the SMS until `deferUntil`. `message` is
   * kept with the slot (no personal data) so a delivery failure reported later can queue the notice again for the
   * other channel, and the dispatcher can release a held SMS, with its original deadlines. `release`: the
   * dispatcher's release of a held SMS, the only claim that may take a deferred channel.
   */
  async claimSlot(
    caseId: string,
    slot: string,
    wants: { send: Channel[]; deferUntil?: Date },
    now: Date,
    options: ClaimOptions = {},
  ): Promise<SlotClaim & { deferred: Channel[] }> {
    // One write takes a channel or parks it, never both: a parked SMS sent by the same caller would go in quiet hours.
    if (wants.deferUntil && wants.send.includes(HELD_CHANNEL)) throw new Error(`${HELD_CHANNEL} cannot be both sent and held for later in one claim`);
    const at = now.toISOString();
    const entries: Partial<Record<Channel, ChannelNotice>> = Object.fromEntries(wants.send.map((c) => [c, { status: 'sending', at }]));
    if (wants.deferUntil) entries[HELD_CHANNEL] = { status: 'deferred', at, sendAt: wants.deferUntil.toISOString() };
    const claim = await this.take(caseId, slot, entries, now, options);
    const sending = (c: Channel) => wants.send.includes(c);
    // An SMS that could not be parked is done with (sent, sending or parked already), as a deferral never waits.
    return {
      ...claim,
      taken: claim.taken.filter(sending),
      busy: claim.busy.filter(sending),
      deferred: wants.deferUntil && claim.taken.includes(HELD_CHANNEL) ? [HELD_CHANNEL] : [],
    };
  }

  /** One channel: see claimSlot. */
  async claim(caseId: string, slot: string, channel: Channel, now: Date, options: ClaimOptions = {}): Promise<boolean> {
    return (await this.claimSlot(caseId, slot, { send: [channel] }, now, options)).taken.length > 0;
  }

  /** Parks the SMS until `sendAt`; false when it is already sent, sending or deferred. */
  async defer(caseId: string, slot: string, channel: typeof HELD_CHANNEL, now: Date, sendAt: Date, message: NoticeMessage): Promise<boolean> {
    return (await this.claimSlot(caseId, slot, { send: [], deferUntil: sendAt }, now, { message: { ...message, channel } })).deferred.length > 0;
  }

  /**
   * Not sent on purpose, or the address is on the suppression list: recorded once per channel with why, in one write;
   * a deferred SMS (`release`) leaves the due index. The channels recorded (not those already taken: sent, sending,
   * recorded).
   */
  async markNotSent(
    caseId: string,
    slot: string,
    channels: Channel[],
    now: Date,
    status: NotSentStatus | 'suppressed',
    reason: string,
    options: { release?: boolean } = {},
  ): Promise<Channel[]> {
    const entries = Object.fromEntries(channels.map((c) => [c, { status, at: now.toISOString(), reason }]));
    return (await this.take(caseId, slot, entries, now, options)).taken;
  }

  /**
   * Records what each channel came to after the sends, in one write: sent (with the provider's message id), failed,
   * undeliverable, suppressed. A failure does not overwrite a channel another attempt already sent. `unclaim`: taken
   * by `claim` but never tried (an earlier channel failed): put back as it was, for the retry.
   */
  async record(claim: Pick<SlotClaim, 'caseId' | 'slot' | 'legacy' | 'prior'>, results: Partial<Record<Channel, ChannelNotice>>, unclaim: Channel[] = []): Promise<void> {
    const { caseId, slot } = claim;
    const fresh: Array<[Channel, ChannelNotice | null]> = [];
    for (const channel of CHANNELS) {
      const result = results[channel];
      const old = claim.legacy[channel];
      if (old && result) await this.legacyItems.mark(caseId, slot, channel, { ...result }, FAILURES.has(result.status));
      else if (old && unclaim.includes(channel)) await this.legacyItems.restore(old);
      else if (result) fresh.push([channel, result]);
      else if (unclaim.includes(channel)) fresh.push([channel, claim.prior[channel] ?? null]);
    }
    if (fresh.length === 0) return;
    if (await this.writeResults(caseId, slot, fresh)) return;
    // Another attempt sent a channel this one records as failed: each channel on its own, the failure left out.
    for (const entry of fresh) await this.writeResults(caseId, slot, [entry]);
  }

  /** One channel's result, for callers that record one (see record). */
  async markSent(caseId: string, slot: string, channel: Channel, now: Date, providerMessageId: string | undefined): Promise<void> {
    await this.record(await this.routing(caseId, slot), { [channel]: { status: 'sent', at: now.toISOString(), providerMessageId } });
  }

  /** Where a slot's channels live, for a record made without a claim (a failure before anything was claimed). */
  async routing(caseId: string, slot: string): Promise<Pick<SlotClaim, 'caseId' | 'slot' | 'legacy' | 'prior'>> {
    const read = await this.read(caseId, slot);
    return { caseId, slot, legacy: read.legacy, prior: {} };
  }

  /**
   * The provider reported message `providerMessageId` of a notice undelivered; `permanent` keeps the channel from
   * being retried. Recorded once (providers and SNS may repeat an event): `first` is false when the failure was already
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
    const { caseId, slot, channel } = sent;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const read = await this.read(caseId, slot);
      const old = read.legacy[channel];
      const state = old ? (old as unknown as ChannelNotice) : stateIn(read.item, channel);
      const message = storedMessage((old ?? read.item)?.message);
      if (state?.providerMessageId !== providerMessageId) return undefined;
      if (state.deliveryFailedAt !== undefined || attempt > 0) return { first: false, ...message };
      const at = now.toISOString();
      const applied = old
        ? await this.legacyItems.markDeliveryFailed(caseId, slot, channel, providerMessageId, at, reason, permanent)
        : await writeIf(
            this.db,
            new UpdateCommand({
              TableName: this.tableName,
              Key: slotKey(caseId, slot),
              UpdateExpression: `SET #c.#status = :failed, #c.deliveryFailedAt = :at, #c.reason = :reason${permanent ? ', #c.permanent = :true' : ''}`,
              ConditionExpression: '#c.providerMessageId = :id AND attribute_not_exists(#c.deliveryFailedAt)',
              ExpressionAttributeNames: { '#c': channel, '#status': 'status' },
              ExpressionAttributeValues: { ':failed': 'failed', ':at': at, ':reason': reason, ':id': providerMessageId, ...(permanent ? { ':true': true } : {}) },
            }),
          );
      if (applied) return { first: true, ...message };
    }
    return undefined;
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
   * Slot items and the previous release's per-channel items share the index (`DEFERRED#sms`, `<sendAt>#<case>#<slot>`).
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
   * All of one case's notices still deferred on `channel` (read consistently from the case's own items, both shapes),
   * those due by `dueBy` only when given. The dispatcher releases a case's held SMS from this whole list, never a
   * page's part of it. Each comes with the message its release carries (`channel`, `release: true`).
   */
  async held(caseId: string, channel: Channel, dueBy?: Date): Promise<DueNotice[]> {
    return heldIn(await this.caseNotices(caseId), channel, dueBy);
  }

  /** Every notice item of the case, both shapes, in one consistent query (see CaseNotices). */
  async caseNotices(caseId: string): Promise<CaseNotices> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :notice)',
      ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':notice': 'NOTICE#' },
      ConsistentRead: true,
    });
    return { caseId, items };
  }

  /** The slot item and the previous release's per-channel items of one slot, in one consistent query. */
  private async read(caseId: string, slot: string): Promise<SlotRead> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      // From the slot item to its last per-channel item (`#email` < `#sms`): `received#r1` no longer reads `received#r10`
      // ('#' sorts before digits); only a slot's own later rounds may fall in the range, and are left out below.
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :slot AND :last',
      ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':slot': `NOTICE#${slot}`, ':last': keys.notice(caseId, slot, 'sms').sk },
      ConsistentRead: true,
    });
    return slotIn(items, caseId, slot);
  }

  /**
   * Takes each channel of `entries` that may be taken now (new, retryable, stale, or deferred on a release), setting
   * it to its entry: the slot item's channels in one conditional write, re-read and retried if another writer got in
   * between; channels of a previous release's item each in their own.
   */
  private async take(caseId: string, slot: string, entries: Partial<Record<Channel, ChannelNotice>>, now: Date, options: ClaimOptions): Promise<SlotClaim> {
    const stale = new Date(now.getTime() - this.staleClaimMs).toISOString();
    const release = (entry: ChannelNotice) => options.release === true && entry.status !== 'deferred';
    const message = options.message ? JSON.stringify(options.message) : undefined;
    const wanted = CHANNELS.filter((c) => entries[c]);
    if (options.read && options.read.caseId !== caseId) throw new Error("a claim was given another case's notices");
    for (let attempt = 0; ; attempt += 1) {
      // The caller's read of the case's notices (taken just before: see ClaimOptions) serves the first attempt; a
      // contended write reads the slot afresh.
      const read = attempt === 0 && options.read ? slotIn(options.read.items, caseId, slot) : await this.read(caseId, slot);
      const claim: SlotClaim = { caseId, slot, taken: [], busy: [], legacy: read.legacy, prior: {} };
      const fresh: Channel[] = [];
      for (const channel of wanted) {
        const entry = entries[channel]!;
        const state = read.legacy[channel] ? (read.legacy[channel] as unknown as ChannelNotice) : stateIn(read.item, channel);
        if (!takeable(state, stale, release(entry))) {
          if (state?.status === 'sending') claim.busy.push(channel);
        } else if (!read.legacy[channel]) {
          fresh.push(channel);
          if (state) claim.prior[channel] = state;
        }
      }
      if (fresh.length > 0 && !(await this.takeFresh(caseId, slot, fresh, entries, stale, release, message))) {
        if (attempt + 1 < CLAIM_ATTEMPTS) continue;
        // Contended on every attempt: nothing taken or parked, and the message comes back later (an SMS to be parked
        // for quiet hours included, which a `busy` answer would have dropped).
        throw new NoticeClaimContendedError(slot);
      }
      claim.taken.push(...fresh);
      for (const channel of wanted.filter((c) => read.legacy[c] && !claim.busy.includes(c))) {
        const entry = entries[channel]!;
        if (!takeable(read.legacy[channel] as unknown as ChannelNotice, stale, release(entry))) continue;
        const values = conditionValues(stale, release(entry));
        if (await this.legacyItems.take(caseId, slot, channel, { ...entry }, takeableCondition('', release(entry)), values, message)) claim.taken.push(channel);
        else if (await this.busyInLegacy(caseId, slot, channel, stale)) claim.busy.push(channel);
      }
      claim.taken.sort((a, b) => wanted.indexOf(a) - wanted.indexOf(b));
      return claim;
    }
  }

  private async busyInLegacy(caseId: string, slot: string, channel: Channel, stale: string): Promise<boolean> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.notice(caseId, slot, channel), ConsistentRead: true }));
    return out.Item?.status === 'sending' && String(out.Item.at) >= stale;
  }

  /** The slot item's channels `fresh`, each under its own takeable condition, in one write; false when one was not takeable. */
  private async takeFresh(
    caseId: string,
    slot: string,
    fresh: Channel[],
    entries: Partial<Record<Channel, ChannelNotice>>,
    stale: string,
    release: (entry: ChannelNotice) => boolean,
    message: string | undefined,
  ): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status', '#at': 'at', '#permanent': 'permanent', '#milestone': 'milestone' };
    const values: Record<string, unknown> = { ':slot': slot };
    const sets = ['#milestone = :slot'];
    const conditions: string[] = [];
    let dueIndex = '';
    for (const channel of fresh) {
      const entry = entries[channel]!;
      names[`#${channel}`] = channel;
      values[`:${channel}`] = defined(entry);
      sets.push(`#${channel} = :${channel}`);
      conditions.push(`(${takeableCondition(`#${channel}.`, release(entry))})`);
      Object.assign(values, conditionValues(stale, release(entry)));
      if (channel === HELD_CHANNEL && entry.status === 'deferred') {
        // The due index (GSI2): DEFERRED#sms, sorted by sendAt, until the dispatcher's release takes the channel.
        sets.push('gsi2pk = :g2pk', 'gsi2sk = :g2sk');
        Object.assign(values, { ':g2pk': `DEFERRED#${channel}`, ':g2sk': `${entry.sendAt}#${caseId}#${slot}` });
      } else if (channel === HELD_CHANNEL) dueIndex = ' REMOVE gsi2pk, gsi2sk';
      else if (entry.status === 'deferred') throw new Error(`only ${HELD_CHANNEL} notices are held for later, not ${channel}`);
    }
    if (message) {
      names['#message'] = 'message';
      values[':message'] = message;
      sets.push('#message = :message');
    }
    return writeIf(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: slotKey(caseId, slot),
        UpdateExpression: `SET ${sets.join(', ')}${dueIndex}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** Sets (or, null, removes) channels of the slot item; a failure only where the channel is not sent. False when that held nowhere. */
  private async writeResults(caseId: string, slot: string, entries: Array<[Channel, ChannelNotice | null]>): Promise<boolean> {
    const names: Record<string, string> = { '#milestone': 'milestone' };
    const values: Record<string, unknown> = { ':slot': slot };
    const sets = ['#milestone = :slot'];
    const removes: string[] = [];
    const conditions: string[] = [];
    for (const [channel, entry] of entries) {
      names[`#${channel}`] = channel;
      if (entry === null) {
        removes.push(`#${channel}`);
        continue;
      }
      values[`:${channel}`] = defined(entry);
      sets.push(`#${channel} = :${channel}`);
      // No longer deferred: the slot leaves the due index, so the dispatcher never reads it again.
      if (channel === HELD_CHANNEL && entry.status !== 'deferred') removes.push('gsi2pk', 'gsi2sk');
      if (FAILURES.has(entry.status)) {
        names['#status'] = 'status';
        values[':sent'] = 'sent';
        conditions.push(`(attribute_not_exists(#${channel}) OR #${channel}.#status <> :sent)`);
      }
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: slotKey(caseId, slot),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ...(conditions.length > 0 ? { ConditionExpression: conditions.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

interface SlotRead {
  item?: Record<string, unknown>;
  legacy: Partial<Record<Channel, Record<string, unknown>>>;
}

/** One slot's items among a case's notice items: its slot item, and the previous release's per-channel items. */
function slotIn(items: Array<Record<string, unknown>>, caseId: string, slot: string): SlotRead {
  const legacy: Partial<Record<Channel, Record<string, unknown>>> = {};
  for (const channel of CHANNELS) {
    const old = items.find((i) => i.sk === keys.notice(caseId, slot, channel).sk);
    if (old) legacy[channel] = old;
  }
  return { item: items.find((i) => i.sk === slotKey(caseId, slot).sk), legacy };
}

/**
 * The survey link's expiry the case's invitation was sent with: the `surveyExpiresAt` of its queued message, kept with
 * its slot as every claimed notice's message is (the survey step puts it there, from the survey it opened, since
 * 822fca6). Undefined when no invitation was claimed or its message has none (queued by an earlier release).
 */
export function invitationExpiryIn(read: CaseNotices): string | undefined {
  for (const record of read.items.flatMap(noticeRecordsOf)) {
    if (record.milestone !== 'survey_invitation' || typeof record.message !== 'string') continue;
    const surveyExpiresAt = surveyExpiryOf(record.message);
    if (surveyExpiresAt) return surveyExpiresAt;
  }
  return undefined;
}

/** A kept message's `surveyExpiresAt`, if it has a date there: a message that does not parse only loses the shortcut. */
function surveyExpiryOf(message: string): string | undefined {
  try {
    const { surveyExpiresAt } = JSON.parse(message) as Partial<NoticeMessage>;
    return typeof surveyExpiresAt === 'string' && !Number.isNaN(Date.parse(surveyExpiresAt)) ? surveyExpiresAt : undefined;
  } catch {
    return undefined;
  }
}

/** The notices of `read` still deferred on `channel` (by `dueBy` when given): see NoticeStore.held. */
export function heldIn(read: CaseNotices, channel: Channel, dueBy?: Date): DueNotice[] {
  const found: DueNotice[] = [];
  for (const record of read.items.flatMap(noticeRecordsOf)) {
    if (record.channel !== channel || record.status !== 'deferred' || !record.sendAt || typeof record.message !== 'string') continue;
    if (dueBy && record.sendAt > dueBy.toISOString()) continue;
    const message = { ...(JSON.parse(record.message) as NoticeMessage), channel, release: true };
    found.push({ caseId: read.caseId, slot: record.milestone, channel, sendAt: record.sendAt, message });
  }
  return found;
}

/** The item of one notice slot (`milestone` or `milestone#r<round>`), all channels. */
export function slotKey(caseId: string, slot: string) {
  return { pk: `CASE#${caseId}`, sk: `NOTICE#${slot}` };
}

/** The condition `takeableCondition` writes, evaluated on what was read. */
function takeable(state: ChannelNotice | undefined, stale: string, release: boolean): boolean {
  if (!state) return true;
  if ((state.status === 'failed' || state.status === 'undeliverable') && state.permanent === undefined) return true;
  if (state.status === 'sending' && state.at < stale) return true;
  return release && state.status === 'deferred';
}

/**
 * A channel may be (re)taken when new, after a retryable failure, or from a sender that died mid-send; on a release,
 * also when deferred. `path`: `#sms.` for a channel of the slot item, '' for a previous release's item.
 */
function takeableCondition(path: string, release: boolean): string {
  const exists = path === '' ? 'attribute_not_exists(pk)' : `attribute_not_exists(${path.slice(0, -1)})`;
  const base = `${exists} OR (${path}#status IN (:failed, :undeliverable) AND attribute_not_exists(${path}#permanent)) OR (${path}#status = :sending AND ${path}#at < :stale)`;
  return release ? `${base} OR ${path}#status = :deferred` : base;
}

function conditionValues(stale: string, release: boolean): Record<string, string> {
  return { ':failed': 'failed', ':undeliverable': 'undeliverable', ':sending': 'sending', ':stale': stale, ...(release ? { ':deferred': 'deferred' } : {}) };
}

/** The entry without its unset fields (a document client need not drop undefined values). */
function defined(entry: ChannelNotice): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
}

function storedMessage(raw: unknown): { message?: NoticeMessage } {
  return typeof raw === 'string' ? { message: JSON.parse(raw) as NoticeMessage } : {};
}

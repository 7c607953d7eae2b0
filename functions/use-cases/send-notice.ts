import type { CaseStore } from '../adapters/case-store.js';
import type { CaseContact, CaseRecord } from '../domain/case-record.js';
import { AddressRefusedError, type NoticeSenders } from '../adapters/notice-senders.js';
import type { NoticeStore } from '../adapters/notice-store.js';
import type { SuppressionStore } from '../adapters/suppression-store.js';
import type { SurveyStore } from '../adapters/survey-store.js';
import type { Channel, RemedyChoice } from '../domain/case.js';
import { NoticeDataError, renderNotice, type RenderedNotice } from '../domain/notices.js';
import type { Markets } from '../domain/markets.js';
import { heldExpired } from '../domain/held-notices.js';
import { noticeSkip } from '../domain/notice-rules.js';
import { quietUntil, type QuietHours } from '../domain/quiet-hours.js';
import { signStatusToken, statusPageUrl } from '../domain/status-link.js';
import type { NoticeMessage } from '../schemas/messages.js';
import { noticeDataFor, type NoticeLinks } from './notice-data.js';

export interface NoticeSettings {
  publicBaseUrl: string;
  statusLinkSecret: string;
  /** How long the status link in a notice works. */
  statusLinkDays: number;
  /** The order platform's pages, with `{requestId}`, `{caseId}`, `{orderId}` (and `{choice}`) filled in per case. */
  evidenceUploadUrl: string;
  remedyChoiceUrl: string;
  /** No SMS inside this window of the customer's local time; undefined: none. */
  quietHours?: QuietHours;
  /** Each case's notices follow its market's policy (windows, service center) and calendar (dates, the default zone). */
  markets: Markets;
}

export interface SendNoticeDeps {
  cases: CaseStore;
  notices: NoticeStore;
  suppressions: SuppressionStore;
  surveys: SurveyStore;
  senders: NoticeSenders;
  settings: NoticeSettings;
  /**
   * Notices the provider accepted whose `sent` record failed, kept by the process (a Lambda container) across
   * invocations: the redelivered message finds its notice here and only records it, instead of waiting for its claim
   * to go stale and sending it again.
   */
  acceptedUnrecorded?: AcceptedUnrecorded;
}

/** Kept by the process (one per Lambda container, module scope), across invocations: see SendNoticeDeps. */
export type AcceptedUnrecorded = Map<string, { providerMessageId: string | undefined }>;

export interface SendContext {
  now: Date;
  /** When the milestone was reached: deadlines in the notice count from it. */
  reachedAt: Date;
  /** This delivery of the message is its last: a failure now sends it to the DLQ, so it is recorded as final. */
  lastAttempt: boolean;
}

/**
 * The context of one delivery of a queued notice: `attributes` are the SQS record's (SentTimestamp,
 * ApproximateReceiveCount); the delivery that reaches `maxReceives` (the queue's maxReceiveCount) is the last before
 * the DLQ. Deadlines count from the milestone's moment, carried in the message or else the time it was first queued.
 */
export function sendContextOf(message: NoticeMessage, attributes: { SentTimestamp?: string; ApproximateReceiveCount?: string }, maxReceives: number, now: Date): SendContext {
  return {
    now,
    reachedAt: message.at ? new Date(message.at) : new Date(Number(attributes.SentTimestamp) || now.getTime()),
    lastAttempt: Number(attributes.ApproximateReceiveCount) >= maxReceives,
  };
}

/**
 * The provider accepted the notice but recording it as sent failed, again and again: the slot stays `sending` (never
 * `failed`, which would send it twice) and the message comes back to finish the bookkeeping.
 */
export class NoticeBookkeepingError extends Error {
  override readonly name = 'NoticeBookkeepingError';
  constructor(slot: string, channel: Channel, cause: unknown) {
    super(`notice ${slot} (${channel}) was accepted by the provider but could not be recorded as sent`, { cause });
  }
}

/** The slot is held by another attempt still `sending` (or one that died mid-send): retried through the queue. */
export class NoticeInFlightError extends Error {
  override readonly name = 'NoticeInFlightError';
  constructor(slot: string, channel: Channel) {
    super(`notice ${slot} (${channel}) is held by another attempt in sending`);
  }
}

export interface NoticeOutcome {
  sent: Channel[];
  deferred: Channel[];
  suppressed: Channel[];
  /** Not sent on purpose (functions/domain/notice-rules.ts), recorded with the reason. */
  skipped?: Channel[];
}

/**
 * The channels a notice goes to: those the customer prefers and can be reached on; if none of those, the other one,
 * so nobody is left uninformed. An address on the suppression list does not count as reachable; the preferred
 * channels it rules out are reported so the case shows why nothing went there.
 */
export function channelsFor(contact: CaseContact, suppressed: ReadonlySet<Channel> = new Set()): { send: Channel[]; suppressed: Channel[] } {
  const hasAddress = (channel: Channel) => (channel === 'email' ? Boolean(contact.email) : Boolean(contact.phone));
  const usable = (channel: Channel) => hasAddress(channel) && !suppressed.has(channel);
  const preferred = contact.channels.filter(usable);
  const send = preferred.length > 0 ? preferred : (['email', 'sms'] as const).filter(usable);
  const blocked = (['email', 'sms'] as const).filter((c) => hasAddress(c) && suppressed.has(c) && (contact.channels.includes(c) || send.length === 0));
  return { send, suppressed: blocked };
}

/**
 * Sends one milestone notice on each channel, at most once per (case, milestone, channel). An SMS inside the
 * customer's quiet hours is deferred to their end (its dispatcher releases it), and so is one that would overtake the
 * case's SMS still held from the night (see smsSendAt); email goes at once. A failure is recorded on the notice; on
 * the message's last attempt, also on the case's timeline, before the DLQ takes it.
 */
export async function sendNotice(deps: SendNoticeDeps, message: NoticeMessage, ctx: SendContext): Promise<NoticeOutcome> {
  const record = await deps.cases.require(message.caseId);
  const contact = await deps.cases.contact(message.caseId);
  if (!contact) throw new Error(`case ${message.caseId} has no contact record`);
  // A reopened case (dispute round n) or a new pause tells the customer again: each round has its own slots.
  const slot = message.round ? `${message.milestone}#r${message.round}` : message.milestone;
  const blocked = await deps.suppressions.suppressed({ email: contact.email, sms: contact.phone });
  const plan = channelsFor(contact, new Set(blocked.keys()));
  const only = (channels: Channel[]) => (message.channel ? channels.filter((c) => c === message.channel) : channels);
  const outcome: NoticeOutcome = { sent: [], deferred: [], suppressed: [] };
  const release = message.release === true;

  // A notice the rules say not to send (a proactive case the carrier refuted closes silently): recorded on each slot
  // and, once, on the timeline, so the ops view shows why the customer heard nothing.
  const skip = noticeSkip(message.milestone, record);
  if (skip) {
    const channels = only(plan.send.length > 0 ? plan.send : contact.channels);
    outcome.skipped = [];
    for (const channel of channels) if (await deps.notices.markNotSent(record.caseId, slot, channel, ctx.now, skip.status, skip.reason, { release })) outcome.skipped.push(channel);
    if (outcome.skipped.length > 0) {
      await deps.cases.appendTimeline(record.caseId, { at: ctx.now.toISOString(), actor: 'notifier', event: 'notice_skipped', detail: { milestone: slot, reason: skip.reason } });
    }
    return outcome;
  }

  // A held SMS released after the deadline it names (a late release, a retry): never ask for what can no longer be done.
  const expired =
    release && message.channel
      ? heldExpired({ milestone: message.milestone, at: message.at ?? ctx.reachedAt.toISOString(), dueInSeconds: message.dueInSeconds }, ctx.now)
      : undefined;
  if (expired && message.channel) {
    if (await deps.notices.markNotSent(record.caseId, slot, message.channel, ctx.now, 'expired', expired, { release })) outcome.skipped = [message.channel];
    return outcome;
  }

  // A released SMS whose number was suppressed while it waited counts as suppressed even where another channel is used.
  const suppressedHere = release && message.channel && blocked.has(message.channel) ? [message.channel] : only(plan.suppressed);
  for (const channel of suppressedHere) {
    if (!(await deps.notices.markSuppressed(record.caseId, slot, channel, ctx.now, blocked.get(channel) ?? 'suppressed', { release }))) continue;
    await deps.cases.appendTimeline(record.caseId, {
      at: ctx.now.toISOString(),
      actor: 'notifier',
      event: 'notice_suppressed',
      detail: { milestone: slot, channel, reason: blocked.get(channel) ?? 'suppressed' },
    });
    outcome.suppressed.push(channel);
  }
  const targets = only(plan.send);
  if (release && targets.length === 0 && message.channel && !blocked.has(message.channel)) {
    // The address went away while the SMS waited: take the slot out of the due index, visibly.
    if (await deps.notices.claim(record.caseId, slot, message.channel, ctx.now, { release })) {
      await recordFailure(deps, record.caseId, slot, message.channel, 'no_address', true, ctx);
    }
    return outcome;
  }
  if (targets.length === 0) return outcome;

  let rendered: RenderedNotice;
  try {
    rendered = await render(deps, message, record, contact, ctx);
  } catch (error) {
    for (const channel of targets) await recordFailure(deps, record.caseId, slot, channel, reasonOf(error), ctx.lastAttempt, ctx);
    throw error;
  }

  const deliver = async (channel: Channel): Promise<'done' | 'refused'> => {
    // Sent by an earlier attempt in this container whose record failed: only the bookkeeping is left to do.
    const unrecorded = deps.acceptedUnrecorded?.get(acceptedKey(record.caseId, slot, channel));
    if (unrecorded) {
      await recordSent(deps, record.caseId, slot, channel, unrecorded.providerMessageId);
      outcome.sent.push(channel);
      return 'done';
    }
    const sendAt = channel === 'sms' && !release ? await smsSendAt(deps, record, contact, ctx.now) : undefined;
    if (sendAt) {
      const later: NoticeMessage = { ...message, at: ctx.reachedAt.toISOString(), channel: 'sms', release: true };
      if (await deps.notices.defer(record.caseId, slot, channel, ctx.now, sendAt, later)) outcome.deferred.push(channel);
      return 'done';
    }
    const queued: NoticeMessage = { ...message, at: ctx.reachedAt.toISOString() };
    if (!(await deps.notices.claim(record.caseId, slot, channel, ctx.now, { release, message: queued }))) {
      if (!(await deps.notices.heldBySender(record.caseId, slot, channel, ctx.now))) return 'done';
      // Another delivery holds the slot in `sending`: a duplicate still at work, or a sender that crashed between
      // claim and send. Not done either way: the message comes back until the claim is sent or stale (then taken
      // over); on its last attempt the slot is recorded undeliverable ("interrupted") on the case, and a DLQ redrive
      // may send it.
      if (ctx.lastAttempt) await recordFailure(deps, record.caseId, slot, channel, 'interrupted', true, ctx);
      throw new NoticeInFlightError(slot, channel);
    }
    let providerMessageId: string | undefined;
    try {
      const ref = { caseId: record.caseId, slot, channel };
      providerMessageId =
        channel === 'email'
          ? await deps.senders.email({ to: contact.email!, subject: rendered.subject, html: rendered.html, text: rendered.text }, ref)
          : await deps.senders.sms(contact.phone!, rendered.sms, ref);
    } catch (error) {
      if (error instanceof AddressRefusedError) {
        await refuseAddress(deps, record.caseId, slot, channel, channel === 'email' ? contact.email! : contact.phone!, error.reason, ctx);
        outcome.suppressed.push(channel);
        return 'refused';
      }
      await recordFailure(deps, record.caseId, slot, channel, reasonOf(error), ctx.lastAttempt, ctx);
      throw error;
    }
    // The provider accepted it: from here no failure may free the slot for a second send (recordSent).
    await recordSent(deps, record.caseId, slot, channel, providerMessageId);
    outcome.sent.push(channel);
    return 'done';
  };

  const refused = new Set<Channel>();
  for (const channel of targets) if ((await deliver(channel)) === 'refused') refused.add(channel);
  // An address refused on the spot (an opted-out number) is suppressed now; the notice goes to the other channel at
  // once, as a bounce's would later, and nothing is retried or left waiting behind it.
  if (refused.size > 0) {
    const fallback = channelsFor(contact, new Set([...blocked.keys(), ...refused])).send.filter((c) => !targets.includes(c));
    for (const channel of fallback) await deliver(channel);
  }
  return outcome;
}

/**
 * When a live (not released) SMS may go: undefined for now. Inside the customer's quiet hours, at their end. Just
 * after them, while the case still has SMS held from the night (the dispatcher releases them on its schedule), behind
 * those: parked due at once (or when the last held one is due), so the dispatcher releases it with them, in order,
 * and drops whichever of them it makes moot.
 */
async function smsSendAt(deps: SendNoticeDeps, record: CaseRecord, contact: CaseContact, now: Date): Promise<Date | undefined> {
  const { caseId } = record;
  // A customer who gave no zone lives, as far as we know, in their market's.
  const quietEnd = quietUntil(now, contact.timeZone ?? deps.settings.markets.of(record).calendar.timeZone, deps.settings.quietHours);
  if (quietEnd) return quietEnd;
  const held = await deps.notices.held(caseId, 'sms');
  if (held.length === 0) return undefined;
  return new Date(Math.max(now.getTime(), ...held.map((n) => Date.parse(n.sendAt))));
}

async function render(deps: SendNoticeDeps, message: NoticeMessage, record: CaseRecord, contact: CaseContact, ctx: SendContext): Promise<RenderedNotice> {
  const { settings } = deps;
  const base = settings.publicBaseUrl.replace(/\/$/, '');
  const token = signStatusToken({ caseId: record.caseId, expiresAt: new Date(ctx.now.getTime() + settings.statusLinkDays * 86_400_000) }, settings.statusLinkSecret);
  const fill = (template: string, choice?: RemedyChoice) =>
    template
      .replaceAll('{caseId}', encodeURIComponent(record.caseId))
      .replaceAll('{requestId}', encodeURIComponent(record.requestId))
      .replaceAll('{orderId}', encodeURIComponent(record.orderId))
      .replaceAll('{choice}', choice ?? '');
  const links: NoticeLinks = {
    status: statusPageUrl(base, record.caseId, token),
    ...(record.surveyToken ? { survey: `${base}/surveys/${record.surveyToken}` } : {}),
    evidenceUpload: fill(settings.evidenceUploadUrl),
    remedyChoice: (choice) => fill(settings.remedyChoiceUrl, choice),
  };
  // The case keeps the survey's expiry; a survey opened before it did is read from the survey item.
  const surveyExpiresAt =
    (message.milestone === 'survey_invitation' || message.milestone === 'survey_reminder') && record.surveyToken
      ? (record.surveyExpiresAt ?? (await deps.surveys.get(record.surveyToken))?.expiresAt)
      : undefined;
  const { policy, calendar } = settings.markets.of(record);
  const data = noticeDataFor(message, {
    record,
    customerName: contact.name,
    locale: contact.locale,
    policy,
    calendar,
    links,
    at: ctx.reachedAt,
    ...(surveyExpiresAt ? { surveyExpiresAt } : {}),
  });
  return renderNotice(data, { locale: contact.locale, timeZone: contact.timeZone ?? calendar.timeZone });
}

/** Pauses between the attempts to record a sent notice (each attempt has the SDK's own retries too). */
const RECORD_SENT_PAUSES_MS = [200, 1_000, 3_000];
const acceptedKey = (caseId: string, slot: string, channel: Channel) => `${caseId}\u0000${slot}\u0000${channel}`;

/**
 * Records a notice the provider accepted as sent, retrying a failed write: marking the slot `failed` instead would let
 * the retry send it again. Still failing, it is remembered for this container's next delivery of the message and the
 * slot stays `sending` (a redelivery elsewhere waits for the claim to go stale; docs/operations.md).
 */
async function recordSent(deps: SendNoticeDeps, caseId: string, slot: string, channel: Channel, providerMessageId: string | undefined): Promise<void> {
  const key = acceptedKey(caseId, slot, channel);
  for (let attempt = 0; ; attempt += 1) {
    try {
      await deps.notices.markSent(caseId, slot, channel, new Date(), providerMessageId);
      deps.acceptedUnrecorded?.delete(key);
      return;
    } catch (error) {
      if (attempt >= RECORD_SENT_PAUSES_MS.length) {
        deps.acceptedUnrecorded?.set(key, { providerMessageId });
        throw new NoticeBookkeepingError(slot, channel, error);
      }
      await new Promise((resolve) => setTimeout(resolve, RECORD_SENT_PAUSES_MS[attempt]));
    }
  }
}

/** Error names and notice-data fields only: provider messages may quote the address. */
function reasonOf(error: unknown): string {
  if (error instanceof NoticeDataError) return `NoticeDataError: ${error.field} ${error.problem}`;
  return error instanceof Error ? error.name : 'Error';
}

/** The provider refused the address before sending: suppress it for good and record the notice as suppressed. */
async function refuseAddress(deps: SendNoticeDeps, caseId: string, slot: string, channel: Channel, address: string, reason: string, ctx: SendContext): Promise<void> {
  await deps.suppressions.suppress(channel, address, reason, ctx.now, caseId);
  await deps.notices.markRefused(caseId, slot, channel, ctx.now, reason);
  await deps.cases.appendTimeline(caseId, { at: ctx.now.toISOString(), actor: 'notifier', event: 'notice_suppressed', detail: { milestone: slot, channel, reason } });
}

async function recordFailure(deps: SendNoticeDeps, caseId: string, slot: string, channel: Channel, reason: string, final: boolean, ctx: SendContext): Promise<void> {
  if (!final) return deps.notices.markFailed(caseId, slot, channel, ctx.now, reason);
  await deps.notices.markUndeliverable(caseId, slot, channel, ctx.now, reason);
  await deps.cases.appendTimeline(caseId, { at: ctx.now.toISOString(), actor: 'notifier', event: 'notice_undeliverable', detail: { milestone: slot, channel, reason } });
}

import type { CaseStore } from '../adapters/case-store.js';
import { surveyTokenOf, type CaseContact, type CaseRecord } from '../domain/case-record.js';
import { AddressRefusedError, PROVIDER_SEND_MAX_MS, type NoticeSenders } from '../adapters/notice-senders.js';
import { heldIn, invitationExpiryIn, type CaseNotices, type ChannelNotice, type NoticeStore } from '../adapters/notice-store.js';
import type { SuppressionStore } from '../adapters/suppression-store.js';
import type { SurveyStore } from '../adapters/survey-store.js';
import type { Channel, RemedyChoice } from '../domain/case.js';
import { NoticeDataError, renderNotice, type RenderedNotice } from '../domain/notices.js';
import type { Markets } from '../domain/markets.js';
import { heldExpired } from '../domain/held-notices.js';
import type { NoticeRef } from '../domain/notice-ref.js';
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
  /** The time this invocation has left (the Lambda context's getRemainingTimeInMillis); undefined: not bounded. */
  remainingMs?: () => number;
}

/**
 * The context of one delivery of a queued notice: `attributes` are the SQS record's (SentTimestamp,
 * ApproximateReceiveCount); the delivery that reaches `maxReceives` (the queue's maxReceiveCount) is the last before
 * the DLQ. Deadlines count from the milestone's moment, carried in the message or else the time it was first queued.
 */
export function sendContextOf(
  message: NoticeMessage,
  attributes: { SentTimestamp?: string; ApproximateReceiveCount?: string },
  maxReceives: number,
  now: Date,
  remainingMs?: () => number,
): SendContext {
  return {
    now,
    reachedAt: message.at ? new Date(message.at) : new Date(Number(attributes.SentTimestamp) || now.getTime()),
    lastAttempt: Number(attributes.ApproximateReceiveCount) >= maxReceives,
    ...(remainingMs ? { remainingMs } : {}),
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

  // A notice the rules say not to send (a proactive case the carrier refuted closes silently): recorded on the slot
  // and, once, on the timeline, so the ops view shows why the customer heard nothing.
  const skip = noticeSkip(message.milestone, record);
  if (skip) {
    outcome.skipped = await deps.notices.markNotSent(record.caseId, slot, only(plan.send.length > 0 ? plan.send : contact.channels), ctx.now, skip.status, skip.reason, {
      release,
    });
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
    outcome.skipped = await deps.notices.markNotSent(record.caseId, slot, [message.channel], ctx.now, 'expired', expired, { release });
    return outcome;
  }

  // A released SMS whose number was suppressed while it waited counts as suppressed even where another channel is used.
  const suppressedHere = release && message.channel && blocked.has(message.channel) ? [message.channel] : only(plan.suppressed);
  for (const channel of suppressedHere) {
    const reason = blocked.get(channel) ?? 'suppressed';
    if ((await deps.notices.markNotSent(record.caseId, slot, [channel], ctx.now, 'suppressed', reason, { release })).length === 0) continue;
    await deps.cases.appendTimeline(record.caseId, { at: ctx.now.toISOString(), actor: 'notifier', event: 'notice_suppressed', detail: { milestone: slot, channel, reason } });
    outcome.suppressed.push(channel);
  }
  const targets = only(plan.send);
  if (release && targets.length === 0 && message.channel && !blocked.has(message.channel)) {
    // The address went away while the SMS waited: take the slot out of the due index, visibly.
    const claim = await deps.notices.claimSlot(record.caseId, slot, { send: [message.channel] }, ctx.now, { release });
    if (claim.taken.length > 0) await recordResults(deps, claim, { [message.channel]: failure('no_address', true, ctx) }, [], ctx);
    return outcome;
  }
  if (targets.length === 0) return outcome;

  let rendered: RenderedNotice;
  // The case's notices, when render read them (a survey reminder's link expiry): the claim below decides on them.
  let read: CaseNotices | undefined;
  try {
    ({ rendered, read } = await render(deps, message, record, contact, ctx));
  } catch (error) {
    const failed = Object.fromEntries(targets.map((c) => [c, failure(reasonOf(error), ctx.lastAttempt, ctx)]));
    await recordResults(deps, await deps.notices.routing(record.caseId, slot), failed, [], ctx);
    throw error;
  }

  const send = (channel: Channel, ref: NoticeRef) =>
    channel === 'email'
      ? deps.senders.email({ to: contact.email!, subject: rendered.subject, html: rendered.html, text: rendered.text }, ref)
      : deps.senders.sms(contact.phone!, rendered.sms, ref);
  const refused = await deliver(deps, { record, contact, message, slot, release, send, ...(read ? { read } : {}) }, targets, outcome, ctx);
  // An address refused on the spot (an opted-out number) is suppressed now; the notice goes to the other channel at
  // once, as a bounce's would later, and nothing is retried or left waiting behind it.
  if (refused.length > 0) {
    const fallback = channelsFor(contact, new Set([...blocked.keys(), ...refused])).send.filter((c) => !targets.includes(c));
    if (fallback.length > 0) await deliver(deps, { record, contact, message, slot, release, send }, fallback, outcome, ctx);
  }
  return outcome;
}

interface Delivery {
  record: CaseRecord;
  contact: CaseContact;
  message: NoticeMessage;
  slot: string;
  release: boolean;
  send: (channel: Channel, ref: NoticeRef) => Promise<string | undefined>;
  /** The case's notices, read by render just before (see ClaimOptions.read): the claim decides on them. */
  read?: CaseNotices;
}

/**
 * One notice on `channels`: claimed in one write (an SMS in quiet hours parked in the same write), sent channel by
 * channel (email first), and what each came to recorded in one write. A channel that fails stops the ones after it:
 * their claim is put back for the retry, which sends only what is not sent. The channels the provider refused.
 */
async function deliver(deps: SendNoticeDeps, d: Delivery, channels: Channel[], outcome: NoticeOutcome, ctx: SendContext): Promise<Channel[]> {
  const { caseId } = d.record;
  // Sent by an earlier attempt in this container whose record failed: only the bookkeeping is left to do.
  const unrecorded = new Map(
    channels.flatMap((c) => {
      const accepted = deps.acceptedUnrecorded?.get(acceptedKey(caseId, d.slot, c));
      return accepted ? [[c, accepted] as const] : [];
    }),
  );
  const open = channels.filter((c) => !unrecorded.has(c));
  const { deferUntil, read = d.read } = open.includes('sms') && !d.release ? await smsSendAt(deps, d.record, d.contact, ctx.now, d.read) : {};
  const queued: NoticeMessage = { ...d.message, at: ctx.reachedAt.toISOString() };
  const wants = { send: open.filter((c) => !(c === 'sms' && deferUntil)), ...(deferUntil ? { deferUntil } : {}) };
  // The case's notices read for the held SMS just now hold this slot's items too: the claim decides on them.
  const claim = await deps.notices.claimSlot(caseId, d.slot, wants, ctx.now, { release: d.release, message: queued, ...(read ? { read } : {}) });
  outcome.deferred.push(...claim.deferred);

  const results: Partial<Record<Channel, ChannelNotice>> = {};
  for (const [channel, accepted] of unrecorded) results[channel] = { status: 'sent', at: new Date().toISOString(), providerMessageId: accepted.providerMessageId };
  const refused: Channel[] = [];
  // Channels a checkpoint (sendChecked) already recorded: the final write leaves them out, so it cannot undo what
  // was recorded on them since (a bounce reported meanwhile).
  const checkpointed = new Set<Channel>();
  let error: unknown;
  for (const channel of claim.taken) {
    try {
      const providerMessageId = await sendChecked(deps, claim, results, checkpointed, ctx, () => d.send(channel, { caseId, slot: d.slot, channel }));
      // The provider accepted it: from here no failure may free the channel for a second send (recordResults).
      results[channel] = { status: 'sent', at: new Date().toISOString(), providerMessageId };
    } catch (sendError) {
      if (!(sendError instanceof AddressRefusedError)) {
        results[channel] = failure(reasonOf(sendError), ctx.lastAttempt, ctx);
        error = sendError;
        break;
      }
      // The provider refused the address before sending: suppressed for good, the notice recorded as suppressed. If
      // the suppression cannot be written, the channel is a retryable failure; what was accepted before it is still
      // recorded below (an exception from here would leave an accepted email `sending`, to be sent again).
      try {
        await deps.suppressions.suppress(channel, channel === 'email' ? d.contact.email! : d.contact.phone!, sendError.reason, ctx.now, caseId);
      } catch (suppressError) {
        results[channel] = failure(reasonOf(suppressError), ctx.lastAttempt, ctx);
        error = suppressError;
        break;
      }
      results[channel] = { status: 'suppressed', at: ctx.now.toISOString(), reason: sendError.reason };
      refused.push(channel);
    }
  }
  // Another delivery holds a channel in `sending`: a duplicate still at work, or a sender that crashed between claim
  // and send. Not done either way: the message comes back until the claim is sent or stale (then taken over); on its
  // last attempt the channel is recorded undeliverable ("interrupted") on the case, and a DLQ redrive may send it.
  if (ctx.lastAttempt) for (const channel of claim.busy) results[channel] = failure('interrupted', true, ctx);
  const toRecord = Object.fromEntries(Object.entries(results).filter(([c]) => !checkpointed.has(c as Channel)));
  await recordResults(
    deps,
    claim,
    toRecord,
    claim.taken.filter((c) => !results[c]),
    ctx,
  );

  for (const channel of CHANNEL_ORDER) if (results[channel]?.status === 'sent') outcome.sent.push(channel);
  outcome.suppressed.push(...refused);
  for (const channel of refused) {
    await deps.cases.appendTimeline(caseId, {
      at: ctx.now.toISOString(),
      actor: 'notifier',
      event: 'notice_suppressed',
      detail: { milestone: d.slot, channel, reason: results[channel]!.reason ?? 'refused' },
    });
  }
  if (error) throw error;
  if (claim.busy.length > 0) throw new NoticeInFlightError(d.slot, claim.busy[0]!);
  return refused;
}

const CHANNEL_ORDER: readonly Channel[] = ['email', 'sms'];

/**
 * How long a send may take before what the earlier channels came to is recorded ahead of it. Results are recorded
 * in one write after all the sends; a sender killed (a timeout) while a slow second send hangs would otherwise leave
 * the first channel, already accepted, `sending`, and its stale claim would be taken over and sent again. A
 * provider call normally answers in well under a second, so this costs a write only on the slow path.
 */
export const CHECKPOINT_AFTER_MS = 2_000;

/**
 * Starts a send; first records the channels already sent (not the ones still to come) when the invocation has less
 * time left than the send can take (PROVIDER_SEND_MAX_MS), else once the send has taken CHECKPOINT_AFTER_MS.
 */
async function sendChecked(
  deps: SendNoticeDeps,
  claim: Parameters<NoticeStore['record']>[0],
  results: Partial<Record<Channel, ChannelNotice>>,
  checkpointed: Set<Channel>,
  ctx: SendContext,
  start: () => Promise<string | undefined>,
): Promise<string | undefined> {
  const sent = Object.entries(results).filter(([c, r]) => r.status === 'sent' && !checkpointed.has(c as Channel)) as Array<[Channel, ChannelNotice]>;
  if (sent.length === 0) return start();
  // Best effort: a failed checkpoint leaves the channels to the write after all the sends, with its retries.
  const checkpoint = async () => {
    const written = await deps.notices.record(claim, Object.fromEntries(sent)).then(
      () => true,
      () => false,
    );
    if (written) for (const [channel] of sent) checkpointed.add(channel);
  };
  if (ctx.remainingMs && ctx.remainingMs() < PROVIDER_SEND_MAX_MS) {
    await checkpoint();
    return start();
  }
  const sending = start();
  let timer: NodeJS.Timeout | undefined;
  const slow = await Promise.race([
    sending.then(
      () => false,
      () => false,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), CHECKPOINT_AFTER_MS);
    }),
  ]);
  clearTimeout(timer);
  if (slow) await checkpoint();
  return sending;
}

/**
 * When a live (not released) SMS may go: undefined for now. Inside the customer's quiet hours, at their end. Just
 * after them, while the case still has SMS held from the night (the dispatcher releases them on its schedule), behind
 * those: parked due at once (or when the last held one is due), so the dispatcher releases it with them, in order,
 * and drops whichever of them it makes moot. `read`: the case's notices, when they were read to find the held SMS.
 */
async function smsSendAt(deps: SendNoticeDeps, record: CaseRecord, contact: CaseContact, now: Date, earlier?: CaseNotices): Promise<{ deferUntil?: Date; read?: CaseNotices }> {
  const { caseId } = record;
  // A customer who gave no zone lives, as far as we know, in their market's.
  const quietEnd = quietUntil(now, contact.timeZone ?? deps.settings.markets.of(record).calendar.timeZone, deps.settings.quietHours);
  if (quietEnd) return { deferUntil: quietEnd };
  const read = earlier ?? (await deps.notices.caseNotices(caseId));
  const held = heldIn(read, 'sms');
  if (held.length === 0) return { read };
  return { deferUntil: new Date(Math.max(now.getTime(), ...held.map((n) => Date.parse(n.sendAt)))), read };
}

/**
 * The notice as sent, and `read`: the case's notices when it read them (a survey reminder, for its link's expiry),
 * to be handed to the claim that follows at once (ClaimOptions.read), so no call is added.
 */
async function render(
  deps: SendNoticeDeps,
  message: NoticeMessage,
  record: CaseRecord,
  contact: CaseContact,
  ctx: SendContext,
): Promise<{ rendered: RenderedNotice; read?: CaseNotices }> {
  const { settings } = deps;
  const base = settings.publicBaseUrl.replace(/\/$/, '');
  const token = signStatusToken({ caseId: record.caseId, expiresAt: new Date(ctx.now.getTime() + settings.statusLinkDays * 86_400_000) }, settings.statusLinkSecret);
  const fill = (template: string, choice?: RemedyChoice) =>
    template
      .replaceAll('{caseId}', encodeURIComponent(record.caseId))
      .replaceAll('{requestId}', encodeURIComponent(record.requestId))
      .replaceAll('{orderId}', encodeURIComponent(record.orderId))
      .replaceAll('{choice}', choice ?? '');
  const surveyToken = surveyTokenOf(record);
  const links: NoticeLinks = {
    status: statusPageUrl(base, record.caseId, token),
    ...(surveyToken ? { survey: `${base}/surveys/${surveyToken}` } : {}),
    evidenceUpload: fill(settings.evidenceUploadUrl),
    remedyChoice: (choice) => fill(settings.remedyChoiceUrl, choice),
  };
  // A survey opened with a token on the case keeps its expiry there; an invitation carries it (queued by the survey
  // step, from the survey it opened), and a reminder finds it on the invitation's message kept with its slot, in the
  // case's notices its claim reads anyway (read here, a moment earlier, and handed to it; a claim that would have read
  // only its own slot now decides on all of them). Otherwise (an invitation queued by an earlier release, one kept
  // with no message because no channel was claimed, none at all, or a case whose token came without its expiry so its
  // invitation carried none) it is read from the survey item, and the claim reads afresh: one call more than before.
  // Trusting the message's expiry is safe: openSurvey always creates or finds the survey before it queues the
  // invitation, and a case's survey (one token, created once) keeps the expiry it was created with.
  const wanted = (message.milestone === 'survey_invitation' || message.milestone === 'survey_reminder') && surveyToken;
  let read = wanted && message.milestone === 'survey_reminder' && !record.surveyExpiresAt ? await deps.notices.caseNotices(record.caseId) : undefined;
  let surveyExpiresAt = wanted ? (record.surveyExpiresAt ?? message.surveyExpiresAt ?? (read && invitationExpiryIn(read))) : undefined;
  if (wanted && !surveyExpiresAt) {
    surveyExpiresAt = (await deps.surveys.get(surveyToken))?.expiresAt;
    read = undefined;
  }
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
  return { rendered: await renderNotice(data, { locale: contact.locale, timeZone: contact.timeZone ?? calendar.timeZone }), ...(read ? { read } : {}) };
}

/** Pauses between the attempts to record a sent notice (each attempt has the SDK's own retries too). */
const RECORD_SENT_PAUSES_MS = [200, 1_000, 3_000];
const acceptedKey = (caseId: string, slot: string, channel: Channel) => `${caseId}\u0000${slot}\u0000${channel}`;

/**
 * Records what each channel came to, in one write, retrying a failed write: marking a sent channel `failed` instead
 * would let the retry send it again. Still failing, the sent channels are remembered for this container's next
 * delivery of the message and stay `sending` (a redelivery elsewhere waits for the claim to go stale;
 * docs/operations.md). A final failure (undeliverable) also goes on the case's timeline.
 */
async function recordResults(
  deps: SendNoticeDeps,
  claim: Parameters<NoticeStore['record']>[0],
  results: Partial<Record<Channel, ChannelNotice>>,
  unclaim: Channel[],
  ctx: SendContext,
): Promise<void> {
  const sent = CHANNEL_ORDER.filter((c) => results[c]?.status === 'sent');
  for (let attempt = 0; ; attempt += 1) {
    try {
      await deps.notices.record(claim, results, unclaim);
      for (const channel of sent) deps.acceptedUnrecorded?.delete(acceptedKey(claim.caseId, claim.slot, channel));
      break;
    } catch (error) {
      if (sent.length === 0) throw error;
      if (attempt >= RECORD_SENT_PAUSES_MS.length) {
        for (const channel of sent) deps.acceptedUnrecorded?.set(acceptedKey(claim.caseId, claim.slot, channel), { providerMessageId: results[channel]!.providerMessageId });
        throw new NoticeBookkeepingError(claim.slot, sent[0]!, error);
      }
      await new Promise((resolve) => setTimeout(resolve, RECORD_SENT_PAUSES_MS[attempt]));
    }
  }
  for (const channel of CHANNEL_ORDER) {
    const result = results[channel];
    if (result?.status !== 'undeliverable') continue;
    await deps.cases.appendTimeline(claim.caseId, {
      at: ctx.now.toISOString(),
      actor: 'notifier',
      event: 'notice_undeliverable',
      detail: { milestone: claim.slot, channel, reason: result.error ?? 'undeliverable' },
    });
  }
}

/** A failed send: retried (`failed`), or on the message's last attempt, final (`undeliverable`). */
function failure(reason: string, final: boolean, ctx: SendContext): ChannelNotice {
  return { status: final ? 'undeliverable' : 'failed', at: ctx.now.toISOString(), error: reason };
}

/** Error names and notice-data fields only: provider messages may quote the address. */
function reasonOf(error: unknown): string {
  if (error instanceof NoticeDataError) return `NoticeDataError: ${error.field} ${error.problem}`;
  return error instanceof Error ? error.name : 'Error';
}

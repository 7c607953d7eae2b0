import type { CaseRepository } from './ports.js';
import type { NoticeStore } from '../adapters/notice-store.js';
import type { QueueSender } from '../adapters/queues.js';
import type { SuppressionStore } from '../adapters/suppression-store.js';
import type { DeliveryFailure } from '../schemas/delivery-events.js';
import type { NoticeMessage } from '../schemas/messages.js';

export interface DeliveryEventDeps {
  cases: CaseRepository;
  notices: NoticeStore;
  suppressions: SuppressionStore;
  /** Sent to only after a permanent failure, for the other channel: a function may make the SQS client then (wiring/lazy-queue.ts). */
  noticeQueue: Pick<QueueSender<NoticeMessage>, 'send'>;
}

export type DeliveryEventResult = 'recorded' | 'repeated' | 'unknown_message';

/**
 * A provider reported a sent notice undelivered: the notice is marked failed with the reason, the case's timeline
 * says so, and an address that is bad for good (hard bounce, complaint, blocked number) goes on the suppression
 * list. The notice is then queued again: the notifier skips the suppressed address and falls back to the other
 * channel if the customer has one (its own once-per-channel slot keeps that exactly once).
 */
export async function recordDeliveryEvent(deps: DeliveryEventDeps, failure: DeliveryFailure, now: Date): Promise<DeliveryEventResult> {
  // The message names its notice (tags, context); one sent before it did is found by its legacy `MSG#` item.
  const sent = failure.notice ?? (await deps.notices.findByProviderMessageId(failure.providerMessageId));
  if (!sent) return 'unknown_message';
  const marked = await deps.notices.markDeliveryFailed(sent, failure.providerMessageId, now, failure.reason, failure.permanent);
  if (!marked) return 'unknown_message';
  // A repeat (providers publish at least once; Lambda retries after a crash) skips the timeline entry but redoes what
  // is safe to redo, so a crash after the first mark cannot lose the suppression or the other channel's notice.
  if (marked.first)
    await deps.cases.appendTimeline(sent.caseId, {
      at: now.toISOString(),
      actor: failure.channel === 'email' ? 'ses' : 'sms_provider',
      event: 'notice_delivery_failed',
      detail: { milestone: sent.slot, channel: sent.channel, reason: failure.reason, addressSuppressed: failure.permanent },
    });
  if (failure.permanent) {
    for (const address of failure.addresses) await deps.suppressions.suppress(failure.channel, address, failure.reason, now, sent.caseId);
    if (marked.message) {
      const { channel: _channel, release: _release, ...again } = marked.message;
      await deps.noticeQueue.send(again, sent.caseId);
    }
  }
  return marked.first ? 'recorded' : 'repeated';
}

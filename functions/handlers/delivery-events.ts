import { deliveryEventsConfig, readConfig } from '../config/functions.js';
import type { SNSEvent } from 'aws-lambda';
import { parseDeliveryEvent } from '../schemas/delivery-events.js';
import type { NoticeMessage } from '../schemas/messages.js';
import { recordDeliveryEvent } from '../use-cases/record-delivery-event.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { metrics } from '../wiring/metrics.js';
import { lazyQueue } from '../wiring/lazy-queue.js';
import { caseStore, noticeStore, suppressionStore } from '../wiring/stores.js';

const config = readConfig(deliveryEventsConfig);
const cases = caseStore(config);
const notices = noticeStore(config);
const suppressions = suppressionStore(config);
// Only a permanent failure sends the notice again (other channel): the SQS client is made at the first one.
const queue = lazyQueue<NoticeMessage>(config.NOTICE_QUEUE_URL, 'NOTICE_QUEUE_URL')();
const metricSink = metrics(config);

/**
 * DeliveryEvents topic subscriber: SES bounces, complaints and rejects, and End User Messaging SMS failures.
 * Throws on a storage failure, and for a message id not known (yet), so Lambda's asynchronous retries take over:
 * a fast provider can report before the notifier has recorded the id of what it just sent.
 */
async function handle(event: SNSEvent) {
  for (const record of event.Records) {
    const failure = parseDeliveryEvent(record.Sns.Message);
    if (!failure) continue;
    const result = await recordDeliveryEvent({ cases, notices, suppressions, noticeQueue: queue }, failure, new Date());
    // The provider's message id and the reason code only: the event itself carries addresses.
    logger.info('delivery event', { channel: failure.channel, reason: failure.reason, permanent: failure.permanent, result });
    if (result === 'unknown_message') throw new UnknownProviderMessageError(failure.channel);
    // A notice the provider could not deliver (bounce, complaint, reject, SMS failure), counted once.
    if (result === 'recorded') metricSink.count('NoticesFailed', { Channel: failure.channel });
  }
}

/** The configuration sets are this stack's own: an unknown message id is one whose send is not recorded yet. */
export class UnknownProviderMessageError extends Error {
  override readonly name = 'UnknownProviderMessageError';
  constructor(channel: string) {
    super(`no ${channel} notice is recorded under this provider message id (yet)`);
  }
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

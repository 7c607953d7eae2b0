import type { SNSEvent } from 'aws-lambda';
import { parseDeliveryEvent } from '../schemas/delivery-events.js';
import { recordDeliveryEvent } from '../use-cases/record-delivery-event.js';
import { caseStores, logger, noticeQueue, suppressionStore } from '../wiring.js';

const { cases, notices } = caseStores();
const suppressions = suppressionStore();
const queue = noticeQueue();

/**
 * DeliveryEvents topic subscriber: SES bounces, complaints and rejects, and End User Messaging SMS failures.
 * Throws on a storage failure so Lambda's asynchronous retries (and then its failure destination) take over.
 */
export async function handler(event: SNSEvent) {
  for (const record of event.Records) {
    const failure = parseDeliveryEvent(record.Sns.Message);
    if (!failure) continue;
    const result = await recordDeliveryEvent({ cases, notices, suppressions, noticeQueue: queue }, failure, new Date());
    // The provider's message id and the reason code only: the event itself carries addresses.
    logger.info('delivery event', { channel: failure.channel, reason: failure.reason, permanent: failure.permanent, result });
  }
}

import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClient } from '../adapters/aws-clients.js';
import { QueueSender } from '../adapters/queues.js';
import type { NoticeMessage } from '../schemas/messages.js';

let sqs: SQSClient | undefined;

/** Sends to the queue at `url` (from the function's configuration); one SQS client per cold start. */
export function queueSender<T>(url: string): QueueSender<T> {
  sqs ??= awsClient(new SQSClient({}));
  return new QueueSender<T>(sqs, url);
}

export function noticeQueue(config: { readonly NOTICE_QUEUE_URL: string }): QueueSender<NoticeMessage> {
  return queueSender<NoticeMessage>(config.NOTICE_QUEUE_URL);
}

import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClient } from '../adapters/aws-clients.js';
import { QueueSender } from '../adapters/queues.js';
import { required } from '../config.js';
import type { NoticeMessage } from '../schemas/messages.js';

let sqs: SQSClient | undefined;

/** Sends to the queue whose URL is in `urlVariable`; one SQS client per cold start. */
export function queueSender<T>(urlVariable: string): QueueSender<T> {
  sqs ??= awsClient(new SQSClient({}));
  return new QueueSender<T>(sqs, required(urlVariable));
}

export function noticeQueue(): QueueSender<NoticeMessage> {
  return queueSender<NoticeMessage>('NOTICE_QUEUE_URL');
}

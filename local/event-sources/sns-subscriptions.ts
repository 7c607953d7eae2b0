import { randomUUID } from 'node:crypto';
import type { SNSEvent } from 'aws-lambda';
import type { LocalTopology } from '../cfn/index.js';
import type { PublishedMessage, SnsEmulator } from '../emulators/sns.js';
import type { LambdaInvoker } from '../lambda/index.js';

/** Lambda retries an asynchronous invocation twice after the first failure. */
const ASYNC_ATTEMPTS = 3;

/**
 * The template's Lambda subscriptions (AWS::SNS::Subscription, protocol lambda) on the local SNS fake: each message
 * published to a topic invokes its subscribers asynchronously with the event SNS delivers, retried as Lambda retries
 * asynchronous invocations.
 */
export function startSnsSubscriptions(opts: {
  sns: SnsEmulator;
  topology: LocalTopology;
  lambda: LambdaInvoker;
  retryDelayMs?: number;
  onError?: (error: unknown, subscription: { topicArn: string; functionLogicalId: string }) => void;
}): void {
  for (const subscription of opts.topology.subscriptions ?? []) {
    const subscriptionArn = `${subscription.topicArn}:${randomUUID()}`;
    opts.sns.onPublish(subscription.topicArn, (message) => {
      void (async () => {
        for (let attempt = 1; attempt <= ASYNC_ATTEMPTS; attempt += 1) {
          try {
            await opts.lambda.invoke(subscription.functionLogicalId, snsEvent(message, subscriptionArn));
            return;
          } catch (error) {
            if (attempt === ASYNC_ATTEMPTS) opts.onError?.(error, subscription);
            else await new Promise((resolve) => setTimeout(resolve, opts.retryDelayMs ?? 1000));
          }
        }
      })();
    });
  }
}

/** The event SNS delivers to a subscribed function: one record per message. */
export function snsEvent(message: PublishedMessage, subscriptionArn: string): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: message.messageId,
          TopicArn: message.topicArn,
          Subject: message.subject ?? (null as unknown as string),
          Message: message.message,
          Timestamp: message.publishedAt,
          SignatureVersion: '1',
          Signature: 'local',
          SigningCertUrl: 'https://sns.local/SimpleNotificationService.pem',
          UnsubscribeUrl: `https://sns.local/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArn)}`,
          MessageAttributes: {},
        },
      },
    ],
  };
}

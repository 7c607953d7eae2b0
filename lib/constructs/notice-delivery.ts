import { Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { EmailSendingEvent, EventDestination, type ConfigurationSet } from 'aws-cdk-lib/aws-ses';
import { CfnConfigurationSet } from 'aws-cdk-lib/aws-smsvoice';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SMS_FAILURE_EVENTS } from '../../functions/schemas/delivery-events.js';
import { ProjectFunction } from './project-function.js';
import { queueEncryption, type QueueWithDlq } from './queue-with-dlq.js';

export interface NoticeDeliveryProps {
  table: ITable;
  notices: QueueWithDlq;
  /** The SES configuration set the notifier sends through. */
  emailConfigurationSet: ConfigurationSet;
}

/**
 * What happens to customer notices after the notifier: delivery failures from SES (bounces, complaints, rejects,
 * through the configuration set's event destination) and from End User Messaging SMS (its configuration set's event
 * destination) reach the DeliveryEvents function over one encrypted topic; SMS held back by quiet hours are
 * released by a scheduled dispatcher.
 */
export class NoticeDelivery extends Construct {
  readonly topic: Topic;
  readonly deliveryEvents: ProjectFunction;
  readonly dispatcher: ProjectFunction;
  readonly smsConfigurationSetName: string;
  /** Delivery events DeliveryEvents could not record after Lambda's retries (alarmed by the stack). */
  readonly failedEvents: Queue;

  /** The End User Messaging configuration set the notifier sends SMS through (named, so the notifier knows it first). */
  static smsConfigurationSetNameOf(stack: Stack): string {
    return `${stack.stackName}-notices`;
  }

  constructor(scope: Construct, id: string, props: NoticeDeliveryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const key = new Key(this, 'EventsKey', { enableKeyRotation: true, description: 'Encrypts notice delivery events' });
    for (const service of ['ses.amazonaws.com', 'sms-voice.amazonaws.com']) {
      key.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
        }),
      );
    }
    this.topic = new Topic(this, 'Events', { displayName: 'Customer notice delivery events', masterKey: key, enforceSSL: true });

    props.emailConfigurationSet.addEventDestination('DeliveryFailures', {
      destination: EventDestination.snsTopic(this.topic),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT, EmailSendingEvent.REJECT, EmailSendingEvent.RENDERING_FAILURE],
    });

    this.smsConfigurationSetName = NoticeDelivery.smsConfigurationSetNameOf(stack);
    const smsConfigurationSet = new CfnConfigurationSet(this, 'SmsConfigurationSet', {
      configurationSetName: this.smsConfigurationSetName,
      eventDestinations: [{ eventDestinationName: 'DeliveryFailures', enabled: true, matchingEventTypes: SMS_FAILURE_EVENTS, snsDestination: { topicArn: this.topic.topicArn } }],
    });
    const smsPublish = this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('sms-voice.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    if (smsPublish.policyDependable) smsConfigurationSet.node.addDependency(smsPublish.policyDependable);

    const environment = { TABLE_NAME: props.table.tableName, NOTICE_QUEUE_URL: props.notices.queue.queueUrl };
    this.deliveryEvents = new ProjectFunction(this, 'DeliveryEvents', {
      handler: 'delivery-events',
      description: 'Delivery failures (SES, SMS): recorded on the case, bad addresses suppressed, notice sent on the other channel',
      environment,
    });
    this.topic.addSubscription(new LambdaSubscription(this.deliveryEvents));
    // SNS invokes asynchronously: an event still failing after Lambda's two retries is parked here, not dropped.
    this.failedEvents = new Queue(this, 'FailedEvents', { ...queueEncryption(this), enforceSSL: true, retentionPeriod: Duration.days(14) });
    this.deliveryEvents.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(this.failedEvents) });

    this.dispatcher = new ProjectFunction(this, 'DispatchDeferredNotices', {
      handler: 'dispatch-deferred-notices',
      description: 'Schedule: sends SMS held back by quiet hours once they are over',
      environment,
      // Up to 1000 releases a run, each case whole (a night's backlog at the end of quiet hours).
      timeout: Duration.minutes(2),
    });
    new Rule(this, 'DispatchSchedule', {
      description: 'Releases SMS deferred by quiet hours',
      schedule: Schedule.rate(Duration.minutes(5)),
      targets: [new LambdaFunction(this.dispatcher, { retryAttempts: 2 })],
    });

    for (const fn of [this.deliveryEvents, this.dispatcher]) {
      props.table.grantReadWriteData(fn);
      props.notices.queue.grantSendMessages(fn);
    }
  }
}

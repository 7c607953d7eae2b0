import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationSet, EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { claimStalenessProblem, STALE_CLAIM_MS } from '../../functions/adapters/notice-store.js';
import { QUEUE_CONSUMER_CONCURRENCY } from '../route-limits.js';
import { Capability } from './capability.js';
import { NoticeDelivery } from './notice-delivery.js';
import { grantNoticeSending } from './notice-sending.js';
import { ProjectFunction } from './project-function.js';
import type { QueueWithDlq } from './queue-with-dlq.js';
import type { NoticeSettings } from './settings.js';

export interface NoticesProps {
  table: ITable;
  /** The notice queue (FIFO, grouped by case) and its DLQ. */
  notices: QueueWithDlq;
  settings: NoticeSettings;
  statusLinkSecret: ISecret;
  /** The HTTP API's base URL: notices link to the customer's status page and survey. */
  publicBaseUrl: string;
}

/**
 * Customer notices: the notice queue's consumer (Notifier: email through SES, SMS through End User Messaging), the
 * SES sender identity and configuration set it sends through, and what comes back (NoticeDelivery: bounces,
 * complaints and SMS failures; SMS held back by quiet hours).
 */
export class Notices extends Capability {
  readonly notifier: ProjectFunction;
  readonly delivery: NoticeDelivery;

  constructor(scope: Construct, id: string, props: NoticesProps) {
    super(scope, id);
    const { table, notices, settings } = props;
    const emailConfigurationSet = new ConfigurationSet(this, 'NoticeEmails', {});
    const emailIdentity = new EmailIdentity(this, 'NoticeSender', { identity: Identity.email(settings.fromEmail), configurationSet: emailConfigurationSet });
    const smsConfigurationSetName = NoticeDelivery.smsConfigurationSetNameOf(Stack.of(this));

    this.notifier = new ProjectFunction(this, 'Notifier', {
      handler: 'notifier',
      description: 'Notice queue consumer: customer email (SES) and SMS (End User Messaging)',
      environment: {
        TABLE_NAME: table.tableName,
        NOTICE_FROM_EMAIL: settings.fromEmail,
        SES_CONFIGURATION_SET: emailConfigurationSet.configurationSetName,
        SMS_ORIGINATION_IDENTITY: settings.smsOriginationIdentity.valueAsString,
        PUBLIC_BASE_URL: props.publicBaseUrl,
        STATUS_LINK_SECRET_SECRET_ARN: props.statusLinkSecret.secretArn,
        SMS_CONFIGURATION_SET: smsConfigurationSetName,
        SMS_QUIET_HOURS: settings.quietHours,
        EVIDENCE_UPLOAD_URL: settings.evidenceUploadUrl,
        REMEDY_CHOICE_URL: settings.remedyChoiceUrl,
        NOTICE_MAX_RECEIVES: String(notices.maxReceiveCount),
      },
    });
    table.grantReadWriteData(this.notifier);
    props.statusLinkSecret.grantRead(this.notifier);
    this.notifier.addEventSource(new SqsEventSource(notices.queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: QUEUE_CONSUMER_CONCURRENCY.notices }));
    // A notice claim must outlast a redelivery plus the sender still at work, or a slow send goes out twice.
    const stale = claimStalenessProblem(STALE_CLAIM_MS / 1000, {
      visibilityTimeoutSeconds: notices.visibilityTimeout.toSeconds(),
      senderTimeoutSeconds: (this.notifier.timeout ?? Duration.seconds(3)).toSeconds(),
    });
    if (stale) throw new Error(`Notices: ${stale}`);

    // Bounces, complaints and SMS failures come back; SMS held back by quiet hours go out later.
    this.delivery = new NoticeDelivery(this, 'NoticeDelivery', { table, notices, emailConfigurationSet });
    grantNoticeSending(this.notifier, { emailIdentity, emailConfigurationSet, smsOriginationIdentity: settings.smsOriginationIdentity, smsConfigurationSetName });
    new CfnOutput(this, 'NoticeDeliveryEventsTopicArn', { value: this.delivery.topic.topicArn, description: 'SES and SMS delivery failures (DeliveryEvents function)' });
  }
}

import { CfnOutput, Duration } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { QUEUE_CONSUMER_CONCURRENCY } from '../route-limits.js';
import { Capability } from './capability.js';
import type { PipelineHttpApi } from './http-api.js';
import { ProjectFunction } from './project-function.js';
import type { Settings } from './settings.js';

export interface IntakeProps {
  table: ITable;
  intakeQueue: IQueue;
  noticeQueue: IQueue;
  stateMachine: StateMachine;
  opsAlerts: ITopic;
  settings: Settings;
  http: PipelineHttpApi;
}

/**
 * The order platform's events in: POST /webhooks/order-platform (IngestWebhook: verify, validate, dedupe, queue) and
 * the intake queue's consumer (StartCase: creates cases, applies events to them, starts their workflows).
 */
export class Intake extends Capability {
  readonly ingest: ProjectFunction;
  readonly startCase: ProjectFunction;

  constructor(scope: Construct, id: string, props: IntakeProps) {
    super(scope, id);
    const { table, intakeQueue, noticeQueue, stateMachine, opsAlerts, settings } = props;
    this.ingest = new ProjectFunction(this, 'IngestWebhook', {
      handler: 'ingest-webhook',
      description: 'POST /webhooks/order-platform: verify, validate, dedupe, queue',
      environment: { TABLE_NAME: table.tableName, INTAKE_QUEUE_URL: intakeQueue.queueUrl, WEBHOOK_SECRET_SECRET_ARN: settings.webhookSecret.secretArn },
    });
    table.grantReadWriteData(this.ingest);
    intakeQueue.grantSendMessages(this.ingest);
    settings.webhookSecret.grantRead(this.ingest);

    this.startCase = new ProjectFunction(this, 'StartCase', {
      handler: 'start-case',
      description: 'Intake queue consumer: creates cases, applies events, starts workflows',
      environment: {
        TABLE_NAME: table.tableName,
        STATE_MACHINE_ARN: stateMachine.stateMachineArn,
        // Return parcels and announced shipments are filed for watching under the provider that serves their carrier.
        ...settings.carrierEnvironment,
        PROACTIVE_DETECTION: settings.proactiveDetection,
        // A dispute the workflow does not reopen is acknowledged from here.
        NOTICE_QUEUE_URL: noticeQueue.queueUrl,
        // Alerts when the calendar cannot give a case its due date (docs/sla.md).
        OPS_ALERTS_TOPIC_ARN: opsAlerts.topicArn,
      },
    });
    table.grantReadWriteData(this.startCase);
    noticeQueue.grantSendMessages(this.startCase);
    stateMachine.grantStartExecution(this.startCase);
    stateMachine.grantTaskResponse(this.startCase);
    this.startCase.addEventSource(
      new SqsEventSource(intakeQueue, { batchSize: 10, maxBatchingWindow: Duration.seconds(1), reportBatchItemFailures: true, maxConcurrency: QUEUE_CONSUMER_CONCURRENCY.intake }),
    );
    opsAlerts.grantPublish(this.startCase);

    props.http.addPublicRoutes('/webhooks/order-platform', [HttpMethod.POST], 'IngestIntegration', this.ingest);
    new CfnOutput(this, 'WebhookUrl', { value: `${props.http.url}webhooks/order-platform` });
  }
}

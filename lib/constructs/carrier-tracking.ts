import { CfnOutput, Duration } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { Capability, keepCapabilityInLogicalId } from './capability.js';
import { DataKey } from './data-key.js';
import type { PipelineHttpApi } from './http-api.js';
import { ProjectFunction } from './project-function.js';
import type { Settings } from './settings.js';

export interface CarrierTrackingProps {
  table: ITable;
  /** Where arrivals and proactive cases go, as intake events. */
  intakeQueue: IQueue;
  opsAlerts: ITopic;
  settings: Settings;
  http: PipelineHttpApi;
}

/**
 * Watching shipments (docs/carrier-tracking.md): the tracking providers' pushes (CarrierWebhook, behind
 * POST /webhooks/carriers/{provider}) and the polling fallback (TrackShipments, every 15 minutes, within each
 * provider's rate limit). Both apply what a parcel's state means through the intake queue.
 */
export class CarrierTracking extends Capability {
  readonly webhook: ProjectFunction;
  readonly poller: ProjectFunction;
  /** The providers' webhook secrets: one string, or JSON per provider ({"aftership": "…"}). */
  readonly webhookSecret: Secret;

  constructor(scope: Construct, id: string, props: CarrierTrackingProps) {
    super(scope, id);
    const { settings, http } = props;
    const environment = {
      TABLE_NAME: props.table.tableName,
      INTAKE_QUEUE_URL: props.intakeQueue.queueUrl,
      ...settings.carrierEnvironment,
      PROACTIVE_DETECTION: settings.proactiveDetection,
    };

    this.webhookSecret = new Secret(this, 'WebhookSecret', {
      description: "Tracking providers' webhook secrets (AfterShip webhook secret, 17TRACK security key, Kuaidi100 salt). Set its value after deploying.",
      encryptionKey: DataKey.of(this),
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
    });
    keepCapabilityInLogicalId(this.webhookSecret);
    const webhook = new ProjectFunction(this, 'CarrierWebhook', {
      handler: 'carrier-webhook',
      description: 'POST /webhooks/carriers/{provider}: verifies and applies tracking pushes',
      // Alerts too: a provider that stops following a number, or does not know it, is flagged to operators.
      environment: { ...environment, CARRIER_WEBHOOK_SECRET_SECRET_ARN: this.webhookSecret.secretArn, OPS_ALERTS_TOPIC_ARN: props.opsAlerts.topicArn },
    });
    this.webhookSecret.grantRead(webhook);
    props.opsAlerts.grantPublish(webhook);

    const poller = new ProjectFunction(this, 'TrackShipments', {
      handler: 'track-shipments',
      description: 'Scheduled: polls watched shipments that are due, within each provider rate limit',
      // A run spends at most a few hundred lookups at a few per second (functions/adapters/carriers/limits.ts).
      timeout: Duration.minutes(5),
      // The webhook secret too: Kuaidi100 subscriptions carry the salt its pushes are signed with, and name our
      // push route as their callbackurl.
      environment: {
        ...environment,
        ...settings.carrierApiKeys.environment(),
        CARRIER_WEBHOOK_SECRET_SECRET_ARN: this.webhookSecret.secretArn,
        OPS_ALERTS_TOPIC_ARN: props.opsAlerts.topicArn,
        CARRIER_CALLBACK_BASE_URL: http.url,
      },
    });
    settings.carrierApiKeys.grantRead(poller);
    this.webhookSecret.grantRead(poller);
    props.opsAlerts.grantPublish(poller);
    const schedule = new Rule(this, 'TrackShipmentsSchedule', {
      description: 'Polls watched shipments (the fallback to provider pushes)',
      schedule: Schedule.rate(Duration.minutes(15)),
      targets: [new LambdaFunction(poller, { retryAttempts: 2 })],
    });
    keepCapabilityInLogicalId(schedule);

    for (const fn of [webhook, poller]) {
      props.table.grantReadWriteData(fn);
      props.intakeQueue.grantSendMessages(fn);
    }
    this.webhook = webhook;
    this.poller = poller;

    http.addPublicRoutes('/webhooks/carriers/{provider}', [HttpMethod.POST], 'CarrierWebhookIntegration', webhook);
    new CfnOutput(this, 'CarrierWebhookUrl', {
      value: `${http.url}webhooks/carriers/`,
      description: 'Append aftership, 17track or kuaidi100: the push URL to give the tracking provider',
    });
    new CfnOutput(this, 'CarrierWebhookSecretArn', { value: this.webhookSecret.secretArn, description: "Put the tracking provider's webhook secret here" });
  }
}

import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunctionResource, IFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DataKey } from './data-key.js';
import { ProjectFunction } from './project-function.js';

/**
 * One API key secret per tracking provider, read by the functions as CARRIER_API_KEY_<PROVIDER>_SECRET_ARN
 * (functions/tracking-wiring.ts). AfterShip's keeps the logical id `CarrierApiKey` of the former shared key.
 */
export class CarrierApiKeys {
  readonly aftership: ISecret;
  readonly seventeenTrack: ISecret;
  readonly kuaidi100: ISecret;

  constructor(scope: Construct) {
    const secret = (id: string, provider: string) =>
      new Secret(scope, id, {
        description: `${provider} API key for carrier tracking. Set its value after deploying.`,
        encryptionKey: DataKey.of(scope),
        generateSecretString: { passwordLength: 32, excludePunctuation: true },
      });
    this.aftership = secret('CarrierApiKey', 'AfterShip');
    this.seventeenTrack = secret('CarrierApiKey17track', '17TRACK (security key)');
    this.kuaidi100 = secret('CarrierApiKeyKuaidi100', 'Kuaidi100 (授权key)');
  }

  environment(): Record<string, string> {
    return {
      CARRIER_API_KEY_AFTERSHIP_SECRET_ARN: this.aftership.secretArn,
      CARRIER_API_KEY_17TRACK_SECRET_ARN: this.seventeenTrack.secretArn,
      CARRIER_API_KEY_KUAIDI100_SECRET_ARN: this.kuaidi100.secretArn,
    };
  }

  all(): ISecret[] {
    return [this.aftership, this.seventeenTrack, this.kuaidi100];
  }

  grantRead(grantee: IGrantable): void {
    for (const secret of this.all()) secret.grantRead(grantee);
  }
}

export interface CarrierTrackingProps {
  table: ITable;
  /** Where arrivals and proactive cases go, as intake events. */
  intakeQueue: IQueue;
  opsAlerts: ITopic;
  carrierApiKeys: CarrierApiKeys;
  /** CARRIER_PROVIDER, CARRIER_API_URL, CARRIER_CODES (and PROACTIVE_DETECTION): the same values as the lookup step's. */
  carrierEnvironment: Record<string, string>;
}

/**
 * Watching shipments (docs/carrier-tracking.md): the tracking providers' pushes (CarrierWebhook, behind
 * POST /webhooks/carriers/{provider}) and the polling fallback (TrackShipments, every 15 minutes, within each
 * provider's rate limit). Both apply what a parcel's state means through the intake queue.
 */
export class CarrierTracking extends Construct {
  readonly webhook: IFunction;
  readonly poller: LambdaFunctionResource;
  /** The providers' webhook secrets: one string, or JSON per provider ({"aftership": "…"}). */
  readonly webhookSecret: Secret;

  constructor(scope: Construct, id: string, props: CarrierTrackingProps) {
    super(scope, id);
    const environment = { TABLE_NAME: props.table.tableName, INTAKE_QUEUE_URL: props.intakeQueue.queueUrl, ...props.carrierEnvironment };

    this.webhookSecret = new Secret(this, 'WebhookSecret', {
      description: "Tracking providers' webhook secrets (AfterShip webhook secret, 17TRACK security key, Kuaidi100 salt). Set its value after deploying.",
      encryptionKey: DataKey.of(this),
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
    });
    const webhook = new ProjectFunction(scope, 'CarrierWebhook', {
      handler: 'carrier-webhook',
      description: 'POST /webhooks/carriers/{provider}: verifies and applies tracking pushes',
      // Alerts too: a provider that stops following a number, or does not know it, is flagged to operators.
      environment: { ...environment, CARRIER_WEBHOOK_SECRET_SECRET_ARN: this.webhookSecret.secretArn, OPS_ALERTS_TOPIC_ARN: props.opsAlerts.topicArn },
    });
    this.webhookSecret.grantRead(webhook);
    props.opsAlerts.grantPublish(webhook);

    const poller = new ProjectFunction(scope, 'TrackShipments', {
      handler: 'track-shipments',
      description: 'Scheduled: polls watched shipments that are due, within each provider rate limit',
      // A run spends at most a few hundred lookups at a few per second (functions/adapters/carriers/limits.ts).
      timeout: Duration.minutes(5),
      // The webhook secret too: Kuaidi100 subscriptions carry the salt its pushes are signed with.
      environment: {
        ...environment,
        ...props.carrierApiKeys.environment(),
        CARRIER_WEBHOOK_SECRET_SECRET_ARN: this.webhookSecret.secretArn,
        OPS_ALERTS_TOPIC_ARN: props.opsAlerts.topicArn,
      },
    });
    props.carrierApiKeys.grantRead(poller);
    this.webhookSecret.grantRead(poller);
    props.opsAlerts.grantPublish(poller);
    new Rule(this, 'TrackShipmentsSchedule', {
      description: 'Polls watched shipments (the fallback to provider pushes)',
      schedule: Schedule.rate(Duration.minutes(15)),
      targets: [new LambdaFunction(poller, { retryAttempts: 2 })],
    });

    for (const fn of [webhook, poller]) {
      props.table.grantReadWriteData(fn);
      props.intakeQueue.grantSendMessages(fn);
    }
    this.webhook = webhook;
    this.poller = poller;
  }
}

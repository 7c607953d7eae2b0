import { CfnOutput, CfnParameter } from 'aws-cdk-lib';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { Capability } from './capability.js';
import { CarrierApiKeys } from './carrier-api-keys.js';
import { DataKey } from './data-key.js';

/** CARRIER_PROVIDER, CARRIER_API_URL, CARRIER_CODES, KUAIDI100_CUSTOMER: one value each, for every carrier function. */
export type CarrierEnvironment = Record<'CARRIER_PROVIDER' | 'CARRIER_API_URL' | 'CARRIER_CODES' | 'KUAIDI100_CUSTOMER', string>;

/** The notices' settings (NoticeFromEmail, SmsOriginationIdentity, SmsQuietHours, EvidenceUploadUrl, RemedyChoiceUrl). */
export interface NoticeSettings {
  fromEmail: string;
  /** A parameter, not its value: the notifier's SMS grant sets its AllowedPattern (lib/constructs/notice-sending.ts). */
  smsOriginationIdentity: CfnParameter;
  quietHours: string;
  evidenceUploadUrl: string;
  remedyChoiceUrl: string;
}

/**
 * What a deployer sets: the stack's parameters (README, "Parameters"; their names are a contract) and the secrets
 * whose values are put after deploying, with the outputs that name them. The carrier webhook's secret belongs to
 * CarrierTracking.
 */
export class Settings extends Capability {
  readonly carrierEnvironment: CarrierEnvironment;
  readonly proactiveDetection: string;
  readonly orderPlatformApiUrl: string;
  readonly notices: NoticeSettings;
  readonly webhookSecret: Secret;
  readonly orderPlatformToken: Secret;
  /** Signs the customer's status-page links (functions/domain/status-link.ts). */
  readonly statusLinkSecret: Secret;
  readonly carrierApiKeys: CarrierApiKeys;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const parameter = (name: string, fallback: string, description: string, allowedValues?: string[]) =>
      new CfnParameter(this, name, { type: 'String', default: fallback, description, ...(allowedValues ? { allowedValues } : {}) });

    const fromEmail = parameter('NoticeFromEmail', 'aftersales@example.com', 'Sender address of customer notices; must be a verified SES identity (the stack creates it).');
    const smsOriginationIdentity = parameter(
      'SmsOriginationIdentity',
      '',
      'End User Messaging SMS origination identity: the ARN of a phone number, sender ID or pool (the notifier may send from it alone); empty lets AWS choose.',
    );
    const carrierProvider = parameter(
      'CarrierProvider',
      'aftership',
      'Tracking provider for every carrier (docs/carrier-tracking.md); its API key goes in its own secret (CarrierApiKey for AfterShip, CarrierApiKey17track, CarrierApiKeyKuaidi100).',
      ['aftership', '17track', 'kuaidi100', 'simulator'],
    );
    const carrierApiUrl = parameter('CarrierApiUrl', 'https://api.aftership.com/', "Base URL of the tracking provider's API.");
    const kuaidi100Customer = parameter(
      'Kuaidi100Customer',
      '',
      "Kuaidi100's customer id (the account's `customer`, sent with every query); required when Kuaidi100 is the provider.",
    );
    const carrierCodes = parameter(
      'CarrierCodes',
      '{}',
      "JSON overrides of the carrier registry's provider codes: canonical carrier code -> the provider's (AfterShip slug, 17TRACK key, Kuaidi100 com). Empty: the registry's (docs/carrier-tracking.md).",
    );
    this.proactiveDetection = parameter(
      'ProactiveDetection',
      'policy',
      'Open delayed/lost cases from shipment.created parcels before the customer complains: as the policy says (off in CN), or on/off.',
      ['policy', 'on', 'off'],
    ).valueAsString;
    this.orderPlatformApiUrl = parameter(
      'OrderPlatformApiUrl',
      'https://orders.example.com/aftersales/',
      "Base URL of the order platform's after-sales API (POST v1/instructions).",
    ).valueAsString;
    this.carrierEnvironment = {
      CARRIER_PROVIDER: carrierProvider.valueAsString,
      CARRIER_API_URL: carrierApiUrl.valueAsString,
      CARRIER_CODES: carrierCodes.valueAsString,
      KUAIDI100_CUSTOMER: kuaidi100Customer.valueAsString,
    };
    this.notices = {
      fromEmail: fromEmail.valueAsString,
      smsOriginationIdentity,
      quietHours: parameter('SmsQuietHours', '21:00-08:00', "No SMS in this window of the customer's local time (HH:MM-HH:MM; 'off' for none); they go out when it ends.")
        .valueAsString,
      evidenceUploadUrl: parameter(
        'EvidenceUploadUrl',
        'https://shop.example.com/aftersales/{requestId}/evidence',
        "The order platform's page where a customer adds photos to a request; {requestId}, {caseId} and {orderId} are filled in.",
      ).valueAsString,
      remedyChoiceUrl: parameter(
        'RemedyChoiceUrl',
        'https://shop.example.com/aftersales/{requestId}/choose?remedy={choice}',
        "The order platform's page that records the customer's remedy choice; {requestId}, {caseId}, {orderId} and {choice} are filled in.",
      ).valueAsString,
    };

    const secret = (name: string, description: string, passwordLength: number) =>
      new Secret(this, name, { description, encryptionKey: DataKey.of(this), generateSecretString: { passwordLength, excludePunctuation: true } });
    this.webhookSecret = secret('WebhookSecret', 'Standard Webhooks signing secret shared with the order platform (whsec_<base64>). Set its value after deploying.', 44);
    this.orderPlatformToken = secret('OrderPlatformToken', "Bearer token for the order platform's after-sales API. Set its value after deploying.", 40);
    // A key ring {current, previous, rotatedAt} keeps links already sent working after a rotation; a bare new value
    // revokes them (docs/operations.md).
    this.statusLinkSecret = secret(
      'StatusLinkSecret',
      "HMAC key for customers' case status links. Generated; rotate with scripts/rotate-secret.ts (links sent keep working), or put a bare new value to revoke every link.",
      48,
    );
    // One secret per provider: a routed deployment uses several, and each provider's key rotates on its own.
    this.carrierApiKeys = new CarrierApiKeys(this);

    new CfnOutput(this, 'WebhookSecretArn', { value: this.webhookSecret.secretArn, description: 'Put the whsec_ secret shared with the order platform here' });
    new CfnOutput(this, 'OrderPlatformTokenArn', { value: this.orderPlatformToken.secretArn });
  }

  /** The secrets a deployer sets by hand (cdk-nag's rotation finding is acknowledged on each). */
  get secrets(): ISecret[] {
    return [this.webhookSecret, this.orderPlatformToken, ...this.carrierApiKeys.all(), this.statusLinkSecret];
  }
}

import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { DataKey } from './data-key.js';

/**
 * One API key secret per tracking provider, read by the functions as CARRIER_API_KEY_<PROVIDER>_SECRET_ARN
 * (functions/tracking-wiring.ts). AfterShip's keeps the logical id `CarrierApiKey` of the former shared key. Made by
 * Settings (lib/constructs/settings.ts), with the stack's other secrets.
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

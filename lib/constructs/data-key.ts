import { ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/** The context value (`cdk deploy -c aftersales:dataKey=create`) or stack prop that turns the customer-managed key on. */
export const DATA_KEY_CONTEXT = 'aftersales:dataKey';

/**
 * `create`: the stack creates a key with yearly rotation; an ARN: the deployer's own key (its key policy must let
 * CloudWatch Logs and Step Functions' log delivery use it; docs/operations.md); unset or empty: AWS-owned and
 * AWS-managed keys, as before.
 */
export type DataKeyOption = 'create' | (string & {}) | undefined;

const keys = new WeakMap<Stack, IKey>();

/**
 * The one customer-managed key for the pipeline's data at rest: the case table, the queues and their dead-letter
 * queues, the log groups, the state machine and the secrets. Each construct asks `DataKey.of(this)`; undefined
 * means the default encryption. The two SNS topics keep their own keys.
 */
export class DataKey {
  /** Reads the option (prop first, then the context value) and makes the key; call before the constructs that use it. */
  static attach(stack: Stack, option: DataKeyOption = stack.node.tryGetContext(DATA_KEY_CONTEXT) as DataKeyOption): IKey | undefined {
    const value = typeof option === 'string' ? option.trim() : '';
    if (!value) return undefined;
    let key: IKey;
    if (value === 'create') {
      key = new Key(stack, 'DataKey', {
        enableKeyRotation: true,
        description: 'Customer-managed key of the after-sales pipeline: case table, queues, logs, state machine, secrets',
        alias: `alias/${stack.stackName}-data`,
      });
    } else if (/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/.test(value)) {
      key = Key.fromKeyArn(stack, 'DataKey', value);
    } else {
      throw new Error(`${DATA_KEY_CONTEXT} must be "create" or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), got "${value}"`);
    }
    // CloudWatch Logs encrypts with the key itself (not the caller's grants); only for this account's log groups.
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${stack.region}.${stack.urlSuffix}`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
          },
        },
      }),
    );
    keys.set(stack, key);
    return key;
  }

  static of(scope: Construct): IKey | undefined {
    return keys.get(Stack.of(scope));
  }
}

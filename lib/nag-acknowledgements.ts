import { Stack, Validations } from 'aws-cdk-lib';
import type { CfnRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';

const rule = (id: string) => `AwsSolutions::${id}`;

/**
 * cdk-nag AwsSolutions findings this stack accepts, each with its reason; everything else is fixed in the
 * constructs. tests/cdk/nag.test.ts synthesizes with the checks and fails on any unacknowledged finding.
 */
export function acknowledgeNagFindings(
  stack: Stack,
  parts: { table: ITable; workflowFunctions: IFunction[]; publicRoutes: Construct[]; consoleRoutes?: Construct[]; secrets: Construct[]; notifier: Construct; failureDestinations?: Construct[] },
): void {
  const acknowledge = (scope: Construct, id: string, reason: string) => Validations.of(scope).acknowledge({ id: rule(id), reason });

  acknowledge(
    stack,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'The AWS-managed basic execution policy grants only CloudWatch Logs writes, which every function needs.',
  );
  acknowledge(
    stack,
    'AwsSolutions-IAM5[Resource::*]',
    'X-Ray PutTraceSegments/PutTelemetryRecords accept no resource scoping; the notifier sends to identities chosen at deploy time (SES identity, SMS origination identity or pool).',
  );
  const tableId = stack.getLogicalId(parts.table.node.defaultChild as never);
  acknowledge(stack, `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`, 'Access to the case table includes its indexes (GSI1 by status, GSI2 by due time), and only that table.');
  for (const fn of parts.workflowFunctions) {
    const id = stack.getLogicalId(fn.node.defaultChild as CfnFunction);
    acknowledge(stack, `AwsSolutions-IAM5[Resource::<${id}.Arn>:*]`, 'Step Functions may invoke any version or alias of its own step function (CDK default grant).');
  }
  acknowledge(
    stack,
    'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    'Publishing to the KMS-encrypted OpsAlerts topic needs GenerateDataKey* (all its variants), on that one key only (CDK grantPublish).',
  );
  for (const route of parts.publicRoutes) {
    acknowledge(
      route,
      'AwsSolutions-APIG4',
      'Public by design: webhooks are authenticated by their signature (Standard Webhooks HMAC for the order platform, each tracking provider\'s own scheme for carrier pushes), survey links by an unguessable single-use token, status pages by an HMAC-signed expiring token; operator routes use the Cognito JWT authorizer.',
    );
  }
  for (const route of parts.consoleRoutes ?? []) {
    acknowledge(
      route,
      'AwsSolutions-APIG4',
      "The operators' console: browser navigations carry no Authorization header for the JWT authorizer, so the console function verifies the Cognito access token from its HttpOnly SameSite=Strict cookie (aws-jwt-verify) on every request and applies the ops API's role table.",
    );
  }
  for (const queue of parts.failureDestinations ?? []) {
    acknowledge(
      queue,
      'AwsSolutions-SQS3',
      "A Lambda on-failure destination: it is the dead-letter queue of an asynchronously invoked function (SQS's own redrive cannot say so), kept 14 days and alarmed.",
    );
  }
  for (const secret of parts.secrets) {
    acknowledge(secret, 'AwsSolutions-SMG4', 'A key shared with a partner (order platform, tracking provider) or a link-signing key: rotated by hand on purpose (see README, "Rotating secrets"), not by a Lambda.');
  }
}

export type { CfnRoute };

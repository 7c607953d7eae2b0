import { type Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Function as LambdaFunction, type CfnFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { DataKey } from './constructs/data-key.js';

const rule = (id: string) => `AwsSolutions::${id}`;

/**
 * cdk-nag AwsSolutions findings this stack accepts, each with its reason and each on the constructs it covers (a
 * function, the state machine, a route, a queue, a secret), never the whole stack: a finding that appears anywhere
 * else fails the synth. Everything else is fixed in the constructs. tests/cdk/nag.test.ts synthesizes with the checks
 * and fails on any unacknowledged finding; tests/cdk/access.test.ts checks what each acknowledged wildcard holds
 * (only X-Ray and log delivery on `*`, GenerateDataKey* only on a named key).
 */
export function acknowledgeNagFindings(
  stack: Stack,
  parts: { table: ITable; workflowFunctions: IFunction[]; publicRoutes: Construct[]; consoleRoutes?: Construct[]; secrets: Construct[]; failureDestinations?: Construct[] },
): void {
  const acknowledge = (scope: Construct, id: string, reason: string) => Validations.of(scope).acknowledge({ id: rule(id), reason });
  const tableId = stack.getLogicalId(parts.table.node.defaultChild as never);
  const dataKey = DataKey.of(stack);

  for (const fn of stack.node.findAll().filter((c): c is LambdaFunction => c instanceof LambdaFunction)) {
    acknowledge(
      fn,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The AWS-managed basic execution policy grants only CloudWatch Logs writes, which every function needs.',
    );
    acknowledge(
      fn,
      'AwsSolutions-IAM5[Resource::*]',
      'Active tracing: X-Ray PutTraceSegments/PutTelemetryRecords accept no resource scoping; no other action of this function is on "*".',
    );
    acknowledge(
      fn,
      `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
      'Access to the case table includes its indexes (GSI1 by status, GSI2 by due time, GSI3 lookups), and only that table.',
    );
    acknowledge(
      fn,
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'Writing to a KMS-encrypted topic, queue or secret needs GenerateDataKey* (all its variants), granted by CDK on that one key ARN only.',
    );
    if (dataKey) {
      acknowledge(
        fn,
        'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        "The case table's grant on the customer-managed data key (CDK grantReadWriteData) includes ReEncrypt*, on that one key only.",
      );
    }
  }

  const machines = stack.node.findAll().filter((c): c is StateMachine => c instanceof StateMachine);
  for (const machine of machines) {
    acknowledge(
      machine,
      'AwsSolutions-IAM5[Resource::*]',
      'Active tracing (X-Ray PutTraceSegments/PutTelemetryRecords) and log delivery to CloudWatch Logs (logs:CreateLogDelivery and its kin) accept no resource scoping.',
    );
    if (dataKey) {
      acknowledge(
        machine,
        'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        'Sending to the notice queue encrypted with the customer-managed data key needs GenerateDataKey* (CDK SqsSendMessage grant), on that one key only.',
      );
    }
    for (const fn of parts.workflowFunctions) {
      const id = stack.getLogicalId(fn.node.defaultChild as CfnFunction);
      acknowledge(machine, `AwsSolutions-IAM5[Resource::<${id}.Arn>:*]`, 'Step Functions may invoke any version or alias of its own step function (CDK default grant).');
    }
    // As cdk-nag renders the ARN: a token (`<AWS::Region>`) without an environment, the value where `cdk synth` has
    // one (CDK_DEFAULT_REGION/ACCOUNT from the caller's credentials).
    const [region, account] = [stack.region, stack.account].map((value, i) => (Token.isUnresolved(value) ? ['<AWS::Region>', '<AWS::AccountId>'][i] : value));
    for (const child of machines.filter((other) => other !== machine)) {
      const childId = stack.getLogicalId(child.node.defaultChild as never);
      acknowledge(
        machine,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${childId}"}]}]}*]`,
        'A .sync child execution (CDK StepFunctionsStartExecution RUN_JOB grant): DescribeExecution and StopExecution on the executions of that one state machine, whose names are not known in advance.',
      );
    }
  }

  for (const route of parts.publicRoutes) {
    acknowledge(
      route,
      'AwsSolutions-APIG4',
      "Public by design: webhooks are authenticated by their signature (Standard Webhooks HMAC for the order platform, each tracking provider's own scheme for carrier pushes), survey links by an unguessable single-use token, status pages by an HMAC-signed expiring token; operator routes use the Cognito JWT authorizer.",
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
    acknowledge(
      secret,
      'AwsSolutions-SMG4',
      'A key shared with a partner (order platform, tracking provider) or a link-signing key: rotated by hand on purpose (see README, "Rotating secrets"), not by a Lambda.',
    );
  }
}

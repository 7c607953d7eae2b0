import { Aws, CfnMapping, CfnOutput, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { Capability } from './capability.js';
import type { PipelineHttpApi } from './http-api.js';
import { OperatorSignIn } from './operator-sign-in.js';
import { ProjectFunction } from './project-function.js';

export interface OperationsProps {
  table: ITable;
  stateMachine: StateMachine;
  noticeQueue: IQueue;
  opsAlerts: ITopic;
  http: PipelineHttpApi;
}

/**
 * What operators use (docs/operations.md): their sign-in (Cognito, groups = roles), the operations API (/ops/*, behind
 * the JWT authorizer: cases, reviews and decisions, alerts, reports) and the console (/console: the same use-cases as
 * HTML pages, signed in through the hosted sign-in page).
 */
export class Operations extends Capability {
  readonly opsApi: ProjectFunction;
  readonly console: ProjectFunction;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const { table, stateMachine, noticeQueue, opsAlerts, http } = props;
    this.opsApi = new ProjectFunction(this, 'OpsApi', {
      handler: 'ops-api',
      description: 'Operations API (/ops/*): cases, reviews and decisions, alerts, reports',
      // Alerts when the calendar cannot give a resumed case its due date; delays notices when an operator pauses a case.
      environment: { TABLE_NAME: table.tableName, OPS_ALERTS_TOPIC_ARN: opsAlerts.topicArn, NOTICE_QUEUE_URL: noticeQueue.queueUrl },
    });
    table.grantReadWriteData(this.opsApi);
    stateMachine.grantTaskResponse(this.opsApi);
    opsAlerts.grantPublish(this.opsApi);
    noticeQueue.grantSendMessages(this.opsApi);

    const consoleUrl = `${http.url}console`;
    const signIn = new OperatorSignIn(this, 'OperatorSignIn', { consoleUrl });
    http.addOperatorRoutes(this.opsApi, signIn.authorizer);

    // The AWS console's host differs per partition (China regions: amazonaws.cn), for the execution links.
    const consoleHost = new CfnMapping(this, 'ConsoleHosts', {
      mapping: { aws: { host: 'console.aws.amazon.com' }, 'aws-cn': { host: 'console.amazonaws.cn' }, 'aws-us-gov': { host: 'console.amazonaws-us-gov.com' } },
    }).findInMap(Aws.PARTITION, 'host');
    const region = Stack.of(this).region;
    this.console = new ProjectFunction(this, 'OpsConsole', {
      handler: 'console',
      description: 'Operations console (/console): review queue, cases and decisions, search, SLA board, alerts, reports',
      environment: {
        TABLE_NAME: table.tableName,
        STATE_MACHINE_ARN: stateMachine.stateMachineArn,
        NOTICE_QUEUE_URL: noticeQueue.queueUrl,
        OPS_ALERTS_TOPIC_ARN: opsAlerts.topicArn,
        OPERATOR_SIGN_IN_URL: signIn.domain.baseUrl(),
        OPERATOR_ISSUER: signIn.issuer,
        OPERATOR_CLIENT_ID: signIn.client.userPoolClientId,
        CONSOLE_URL: consoleUrl,
        EXECUTION_LINK: `https://${region}.${consoleHost}/states/home?region=${region}#/v2/executions/details/{executionArn}`,
      },
    });
    table.grantReadWriteData(this.console);
    stateMachine.grantTaskResponse(this.console);
    noticeQueue.grantSendMessages(this.console);
    opsAlerts.grantPublish(this.console);
    http.addConsoleRoutes(this.console);

    new CfnOutput(this, 'OperatorUserPoolId', {
      value: signIn.userPool.userPoolId,
      description: 'Create operators here and add each to one group: viewer, agent or supervisor',
    });
    new CfnOutput(this, 'OperatorClientId', { value: signIn.client.userPoolClientId, description: 'App client of the ops console (no secret); the JWT audience of /ops' });
    new CfnOutput(this, 'OperatorSignInUrl', { value: signIn.signInUrl, description: 'Hosted sign-in page for operators (authorization code flow back to /console)' });
  }
}

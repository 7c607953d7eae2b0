import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { Capability } from './capability.js';
import { CaseWorkflow, type CaseWorkflowFunctions } from './case-workflow.js';
import { ProjectFunction } from './project-function.js';
import type { Settings } from './settings.js';

export interface WorkflowStepsProps {
  table: ITable;
  noticeQueue: IQueue;
  opsAlerts: ITopic;
  settings: Settings;
}

/**
 * The case workflow (lib/constructs/case-workflow.ts: classify, review, carrier lookup, compensation, survey, close)
 * and the functions of its steps, each with what its step needs: the table, the alerts topic, a carrier key, the order
 * platform's token, the notice queue, or a task token to answer.
 */
export class WorkflowSteps extends Capability {
  readonly stateMachine: StateMachine;
  readonly functions: CaseWorkflowFunctions;

  constructor(scope: Construct, id: string, props: WorkflowStepsProps) {
    super(scope, id);
    const { table, opsAlerts, settings } = props;
    const stateMachineName = `${Stack.of(this).stackName}-case-workflow`;
    const tableEnv = { TABLE_NAME: table.tableName };
    const fn = (fnId: string, handler: string, description: string, environment: Record<string, string> = {}) =>
      new ProjectFunction(this, fnId, { handler, description, environment: { ...tableEnv, ...environment } });

    // Classify alerts when the calendar cannot give a case its due date (docs/sla.md).
    const classify = fn('Classify', 'classify', 'Workflow step: priority and path of a case', { OPS_ALERTS_TOPIC_ARN: opsAlerts.topicArn });
    const review = fn('Review', 'review', 'Workflow step: policy review');
    const reviewTimer = fn('ReviewTimer', 'review-timer', 'Workflow step: reminds, then escalates, an undecided operator review', {
      OPS_ALERTS_TOPIC_ARN: opsAlerts.topicArn,
    });
    opsAlerts.grantPublish(reviewTimer);
    const planRemedy = fn('PlanRemedy', 'plan-remedy', "Workflow step: the remedy, after the customer's choice");
    const awaitEvent = fn('AwaitEvent', 'await-event', 'Workflow step: parks a task token until evidence or a return arrives');
    const carrierLookup = fn('CarrierLookup', 'carrier-lookup', 'Workflow step: carrier tracking lookup', {
      ...settings.carrierEnvironment,
      ...settings.carrierApiKeys.environment(),
      OPS_ALERTS_TOPIC_ARN: opsAlerts.topicArn,
    });
    settings.carrierApiKeys.grantRead(carrierLookup);
    opsAlerts.grantPublish(carrierLookup);
    const compensate = fn('Compensate', 'compensate', 'Workflow step: compensation through the order platform', {
      ORDER_PLATFORM_API_URL: settings.orderPlatformApiUrl,
      ORDER_PLATFORM_TOKEN_SECRET_ARN: settings.orderPlatformToken.secretArn,
    });
    const survey = fn('Survey', 'survey', 'Workflow step: satisfaction survey', { NOTICE_QUEUE_URL: props.noticeQueue.queueUrl });
    const closeCase = fn('CloseCase', 'close-case', 'Workflow step: closes a case');
    const recordFailure = fn('RecordFailure', 'record-failure', 'Workflow catch: puts a failed case in front of an operator');
    this.functions = { classify, review, reviewTimer, planRemedy, awaitEvent, carrierLookup, compensate, survey, closeCase, recordFailure };

    for (const f of Object.values(this.functions)) table.grantReadWriteData(f);
    settings.orderPlatformToken.grantRead(compensate);
    props.noticeQueue.grantSendMessages(survey);
    // The state machine's ARN by its name: the steps that answer its task tokens exist before it does.
    const stateMachineArn = CaseWorkflow.arnFor(this, stateMachineName);
    for (const f of [awaitEvent, survey]) {
      f.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: [stateMachineArn] }));
    }
    opsAlerts.grantPublish(classify);

    this.stateMachine = new CaseWorkflow(this, 'CaseWorkflow', { stateMachineName, noticeQueue: props.noticeQueue, functions: this.functions }).stateMachine;
    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
  }
}

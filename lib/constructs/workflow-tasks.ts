import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import {
  Condition,
  CustomerManagedEncryptionConfiguration,
  DefinitionBody,
  JitterType,
  JsonPath,
  LogLevel,
  QueryLanguage,
  StateMachine,
  TaskInput,
  type IChainable,
  type RetryProps,
  type State,
  type StateMachineType,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, SqsSendMessage } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { DataKey } from './data-key.js';

type Guardable = State & { addRetry: LambdaInvoke['addRetry']; addCatch: LambdaInvoke['addCatch'] };

export const caseId = JsonPath.stringAt('$.caseId');

/** The order platform's retry policy where there is time for it (Standard): up to 10 minutes between attempts. */
export const ORDER_PLATFORM_BACKOFF: RetryProps = {
  errors: ['OrderPlatformError'],
  interval: Duration.seconds(10),
  maxAttempts: 6,
  backoffRate: 2,
  maxDelay: Duration.minutes(10),
  jitterStrategy: JitterType.FULL,
};

/** Every task's retrier for a failure that may pass (a function's error, a timeout), after the service errors'. */
export const TRANSIENT_RETRY: RetryProps = { errors: ['States.TaskFailed'], interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2, jitterStrategy: JitterType.FULL };

/**
 * Lambda steps and notices, the same in the Standard workflow and its Express steps: every task retries transient
 * failures and, failing for good, goes to `onFailure` with the error at `$.error`.
 */
export class WorkflowTasks {
  constructor(
    private readonly scope: Construct,
    private readonly onFailure: IChainable,
    private readonly noticeQueue: IQueue,
  ) {}

  guarded<T extends Guardable>(task: T, retries = true): T {
    if (retries) task.addRetry(TRANSIENT_RETRY);
    task.addCatch(this.onFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    return task;
  }

  /** `retries` go before the generic one: Step Functions applies the first retrier that matches. */
  step(name: string, lambdaFunction: IFunction, resultPath: string | undefined, payload: Record<string, unknown> = {}, retries: RetryProps[] = []): LambdaInvoke {
    const task = new LambdaInvoke(this.scope, name, {
      lambdaFunction,
      payload: TaskInput.fromObject({ caseId, ...payload }),
      payloadResponseOnly: true,
      resultPath: resultPath ?? JsonPath.DISCARD,
      retryOnServiceExceptions: true,
    });
    for (const retry of retries) task.addRetry(retry);
    return task;
  }

  /** A step whose catches are all the generic one. */
  guardedStep(...args: Parameters<WorkflowTasks['step']>): LambdaInvoke {
    return this.guarded(this.step(...args));
  }

  /** `extra`: what the notice needs from the execution (how long the customer has to act, why a case closes). */
  notify(name: string, milestone: string, extra: Record<string, unknown> = {}): SqsSendMessage {
    return this.guarded(
      new SqsSendMessage(this.scope, name, {
        queue: this.noticeQueue,
        messageBody: TaskInput.fromObject({ caseId, milestone, round: JsonPath.numberAt('$.round'), ...extra }),
        messageGroupId: caseId,
        resultPath: JsonPath.DISCARD,
      }),
    );
  }
}

export const dueIn = (timing: string) => ({ dueInSeconds: JsonPath.numberAt(`$.facts.timings.${timing}`) });

export function isTrue(path: string) {
  return Condition.and(Condition.isPresent(path), Condition.booleanEquals(path, true));
}

export function cancelled(path: string) {
  return Condition.and(Condition.isPresent(`${path}.signal`), Condition.stringEquals(`${path}.signal`, 'cancelled'));
}

/**
 * A case state machine (the Standard workflow or its Express steps), both built alike: X-Ray, the customer-managed
 * key where the stack has one (definitions and history encrypted with it; default: AWS-owned), and every transition
 * logged for operators — Express keeps no history of its own, so its log is where a stretch is read — but never the
 * execution data (it stays free of personal data anyway).
 */
export function caseStateMachine(scope: Construct, props: { stateMachineName: string; type: StateMachineType; start: IChainable }): StateMachine {
  const dataKey = DataKey.of(scope);
  return new StateMachine(scope, 'StateMachine', {
    stateMachineName: props.stateMachineName,
    stateMachineType: props.type,
    queryLanguage: QueryLanguage.JSON_PATH,
    definitionBody: DefinitionBody.fromChainable(props.start),
    tracingEnabled: true,
    ...(dataKey ? { encryptionConfiguration: new CustomerManagedEncryptionConfiguration(dataKey) } : {}),
    logs: {
      destination: new LogGroup(scope, 'Logs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY, encryptionKey: dataKey }),
      level: LogLevel.ALL,
      includeExecutionData: false,
    },
  });
}

import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  IntegrationPattern,
  JitterType,
  JsonPath,
  LogLevel,
  QueryLanguage,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
  Wait,
  WaitTime,
  type IChainable,
  type RetryProps,
  type INextable,
  type State,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, SqsSendMessage } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface CaseWorkflowFunctions {
  classify: IFunction;
  review: IFunction;
  awaitEvent: IFunction;
  carrierLookup: IFunction;
  compensate: IFunction;
  survey: IFunction;
  closeCase: IFunction;
  recordFailure: IFunction;
}

export interface CaseWorkflowProps {
  functions: CaseWorkflowFunctions;
  noticeQueue: IQueue;
  stateMachineName: string;
}

/**
 * The case workflow (Standard, JSONPath). The execution carries the case id and non-personal facts only;
 * contacts are read by the notifier alone. Waiting states use task tokens (evidence, the return parcel, the
 * survey); every task retries transient failures and, when a step fails for good, records it on the case and
 * ends the execution failed (redrivable) with the case in front of an operator.
 * Durations come from the execution (`$.facts.timings`), so the same definition runs in seconds locally.
 */
export class CaseWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: CaseWorkflowProps) {
    super(scope, id);
    const fn = props.functions;
    const caseId = JsonPath.stringAt('$.caseId');

    const recordFailure = new LambdaInvoke(this, 'RecordFailure', {
      lambdaFunction: fn.recordFailure,
      payload: TaskInput.fromObject({ caseId, error: JsonPath.objectAt('$.error') }),
      payloadResponseOnly: true,
      resultPath: '$.failure',
    }).next(new Fail(this, 'CaseNeedsAttention', { error: 'CaseNeedsAttention', cause: 'A step failed after its retries; the case is waiting for an operator.' }));

    const step = (name: string, lambdaFunction: IFunction, resultPath: string | undefined, payload: Record<string, unknown> = {}, retries: RetryProps[] = []) => {
      const task = new LambdaInvoke(this, name, {
        lambdaFunction,
        payload: TaskInput.fromObject({ caseId, ...payload }),
        payloadResponseOnly: true,
        resultPath: resultPath ?? JsonPath.DISCARD,
        retryOnServiceExceptions: true,
      });
      // Step Functions applies the first retrier that matches: specific errors go before the generic one.
      for (const retry of retries) task.addRetry(retry);
      return guarded(task);
    };
    const guarded = <T extends State & { addRetry: LambdaInvoke['addRetry']; addCatch: LambdaInvoke['addCatch'] }>(task: T, retries = true): T => {
      if (retries) task.addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2, jitterStrategy: JitterType.FULL });
      task.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
      return task;
    };
    const notify = (name: string, milestone: string) =>
      guarded(
        new SqsSendMessage(this, name, {
          queue: props.noticeQueue,
          messageBody: TaskInput.fromObject({ caseId, milestone }),
          messageGroupId: caseId,
          resultPath: JsonPath.DISCARD,
        }),
      );
    const awaitEvent = (name: string, kind: 'evidence' | 'return', timeoutPath: string) =>
      new LambdaInvoke(this, name, {
        lambdaFunction: fn.awaitEvent,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({ caseId, kind, taskToken: JsonPath.taskToken }),
        taskTimeout: Timeout.at(timeoutPath),
        resultPath: '$.signal',
      });
    const close = (name: string, reason: string) => step(name, fn.closeCase, '$.closed', { reason }).next(new Succeed(this, `${name}Done`));

    // Endings
    const closeRejected = close('CloseRejected', 'rejected');
    const notifyRejected = notify('NotifyRejected', 'decided').next(closeRejected);
    const closeCancelled = close('CloseCancelled', 'cancelled');
    const notifyCancelled = notify('NotifyCancelled', 'cancelled').next(closeCancelled);
    const closeEvidenceExpired = close('CloseEvidenceExpired', 'evidence_expired');
    const notifyEvidenceExpired = notify('NotifyEvidenceExpired', 'closed').next(closeEvidenceExpired);

    // Resolution and survey
    const closeCompleted = close('CloseCompleted', 'completed');
    const closeSurveyExpired = close('CloseSurveyExpired', 'survey_expired');
    const survey = new LambdaInvoke(this, 'Survey', {
      lambdaFunction: fn.survey,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({ caseId, taskToken: JsonPath.taskToken, expirySeconds: JsonPath.numberAt('$.facts.timings.surveyExpirySeconds') }),
      taskTimeout: Timeout.at('$.facts.timings.surveyExpirySeconds'),
      resultPath: '$.survey',
    });
    survey.addCatch(closeSurveyExpired, { errors: ['States.Timeout'], resultPath: '$.surveyTimeout' });
    guarded(survey);
    survey.next(closeCompleted);
    const waitBeforeSurvey = new Wait(this, 'WaitBeforeSurvey', { time: WaitTime.secondsPath('$.facts.timings.surveyDelaySeconds') }).next(survey);
    const notifyResolved = notify('NotifyResolved', 'resolved').next(waitBeforeSurvey);

    const compensate = step('Compensate', fn.compensate, '$.compensation', {}, [
      { errors: ['OrderPlatformError'], interval: Duration.seconds(10), maxAttempts: 6, backoffRate: 2, maxDelay: Duration.minutes(10), jitterStrategy: JitterType.FULL },
    ]);
    compensate.next(
      new Choice(this, 'CompensatedOrCancelled')
        .when(Condition.stringEquals('$.compensation.status', 'cancelled'), notifyCancelled)
        .otherwise(notifyResolved),
    );

    // Return parcel first (return, exchange, repair, quality)
    const awaitReturn = awaitEvent('AwaitReturn', 'return', '$.facts.timings.returnWaitSeconds');
    const notifyReturnExpired = notify('NotifyReturnExpired', 'closed').next(close('CloseReturnExpired', 'return_expired'));
    awaitReturn.addCatch(notifyReturnExpired, { errors: ['States.Timeout'], resultPath: '$.returnTimeout' });
    guarded(awaitReturn);
    awaitReturn.next(new Choice(this, 'ReturnArrivedOrCancelled').when(cancelled('$.signal'), notifyCancelled).otherwise(compensate));
    const notifyShipBack = notify('NotifyShipBack', 'ship_back').next(awaitReturn);

    const notifyApproved = notify('NotifyApproved', 'decided').next(
      new Choice(this, 'NeedsReturn?').when(Condition.booleanEquals('$.facts.needsReturn', true), notifyShipBack).otherwise(compensate),
    );

    // Carrier lookup (lost, delayed): an outage is retried with backoff for hours before an operator is called.
    const carrierLookup = new LambdaInvoke(this, 'CarrierLookup', {
      lambdaFunction: fn.carrierLookup,
      payload: TaskInput.fromObject({ caseId }),
      payloadResponseOnly: true,
      resultPath: '$.carrier',
      retryOnServiceExceptions: true,
    });
    carrierLookup.addRetry({ errors: ['TrackingNotFoundError'], maxAttempts: 0 });
    carrierLookup.addRetry({
      errors: ['CarrierUnavailableError'],
      interval: Duration.seconds(30),
      maxAttempts: 12,
      backoffRate: 2,
      maxDelay: Duration.hours(1),
      jitterStrategy: JitterType.FULL,
    });
    guarded(carrierLookup);
    const waitForCarrier = new Wait(this, 'WaitForCarrier', { time: WaitTime.secondsPath('$.facts.timings.carrierRecheckSeconds') }).next(carrierLookup);
    carrierLookup.next(
      new Choice(this, 'CarrierVerdict')
        .when(Condition.stringEquals('$.carrier.verdict', 'pending'), waitForCarrier)
        .when(Condition.stringEquals('$.carrier.verdict', 'refuted'), notifyRejected)
        .otherwise(notifyApproved),
    );

    // Review, with the evidence loop for damaged claims without a photo
    const review = step('Review', fn.review, '$.review');
    const awaitEvidence = awaitEvent('AwaitEvidence', 'evidence', '$.facts.timings.evidenceWaitSeconds');
    awaitEvidence.addCatch(notifyEvidenceExpired, { errors: ['States.Timeout'], resultPath: '$.evidenceTimeout' });
    guarded(awaitEvidence);
    awaitEvidence.next(new Choice(this, 'EvidenceOrCancelled').when(cancelled('$.signal'), notifyCancelled).otherwise(review));
    const notifyEvidenceNeeded = notify('NotifyEvidenceNeeded', 'evidence_needed').next(awaitEvidence);
    review.next(
      new Choice(this, 'ReviewDecision')
        .when(Condition.stringEquals('$.review.decision', 'needs_evidence'), notifyEvidenceNeeded)
        .when(Condition.stringEquals('$.review.decision', 'reject'), notifyRejected)
        .otherwise(
          new Choice(this, 'NeedsCarrier?').when(Condition.booleanEquals('$.facts.needsCarrier', true), carrierLookup).otherwise(notifyApproved),
        ),
    );

    const definition: IChainable & INextable = step('Classify', fn.classify, '$.facts');
    (definition as LambdaInvoke).next(notify('NotifyReceived', 'received').next(review));

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      queryLanguage: QueryLanguage.JSON_PATH,
      definitionBody: DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
        // Every transition is logged for operators; execution data never is (it stays free of personal data anyway).
        level: LogLevel.ALL,
        includeExecutionData: false,
      },
    });
  }

  /** The ARN built from the fixed name, for grants from functions the state machine itself invokes (no cycle). */
  static arnFor(scope: Construct, stateMachineName: string): string {
    return Stack.of(scope).formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }
}

function cancelled(path: string) {
  return Condition.and(Condition.isPresent(`${path}.signal`), Condition.stringEquals(`${path}.signal`, 'cancelled'));
}

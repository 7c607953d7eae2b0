import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import {
  Choice,
  CustomerManagedEncryptionConfiguration,
  Condition,
  DefinitionBody,
  Fail,
  Pass,
  Result,
  IntegrationPattern,
  JitterType,
  JsonPath,
  LogLevel,
  QueryLanguage,
  StateMachine,
  StateMachineType,
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
import { DataKey } from './data-key.js';

export interface CaseWorkflowFunctions {
  classify: IFunction;
  review: IFunction;
  reviewTimer: IFunction;
  planRemedy: IFunction;
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
    // `extra`: what the notice needs from the execution (how long the customer has to act, why a case closes).
    const notify = (name: string, milestone: string, extra: Record<string, unknown> = {}) =>
      guarded(
        new SqsSendMessage(this, name, {
          queue: props.noticeQueue,
          messageBody: TaskInput.fromObject({ caseId, milestone, round: JsonPath.numberAt('$.round'), ...extra }),
          messageGroupId: caseId,
          resultPath: JsonPath.DISCARD,
        }),
      );
    const dueIn = (timing: string) => ({ dueInSeconds: JsonPath.numberAt(`$.facts.timings.${timing}`) });
    const awaitEvent = (name: string, kind: string, timeoutPath: string | undefined, resultPath = '$.signal', extra: Record<string, unknown> = {}) =>
      new LambdaInvoke(this, name, {
        lambdaFunction: fn.awaitEvent,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({ caseId, kind, taskToken: JsonPath.taskToken, ...extra }),
        ...(timeoutPath ? { taskTimeout: Timeout.at(timeoutPath) } : {}),
        resultPath,
      });
    // A close is the execution's last state (End): a Succeed after it would be one more billed transition per case.
    const close = (name: string, reason: string) => step(name, fn.closeCase, '$.closed', { reason });
    const orderPlatformRetry: RetryProps = {
      errors: ['OrderPlatformError'],
      interval: Duration.seconds(10),
      maxAttempts: 6,
      backoffRate: 2,
      maxDelay: Duration.minutes(10),
      jitterStrategy: JitterType.FULL,
    };

    // Endings
    const closeRejected = close('CloseRejected', 'rejected');
    const notifyRejected = notify('NotifyRejected', 'decided').next(closeRejected);
    const closeCancelled = close('CloseCancelled', 'cancelled');
    const notifyCancelled = notify('NotifyCancelled', 'cancelled').next(closeCancelled);
    const closeEvidenceExpired = close('CloseEvidenceExpired', 'evidence_expired');
    const notifyEvidenceExpired = notify('NotifyEvidenceExpired', 'closed', { reason: 'evidence_expired' }).next(closeEvidenceExpired);
    const compensationFailed = new Pass(this, 'CompensationFailed', {
      result: Result.fromObject({ Error: 'CompensationFailed', Cause: 'The order platform reported the instruction failed.' }),
      resultPath: '$.error',
    }).next(recordFailure);

    // Resolution and survey
    const closeCompleted = close('CloseCompleted', 'completed');
    const closeSurveyExpired = close('CloseSurveyExpired', 'survey_expired');
    // The survey is open surveyExpirySeconds in all: unanswered at the reminder time, the customer is reminded once,
    // and the same wait (kind survey) goes on for the rest of that time.
    const survey = new LambdaInvoke(this, 'Survey', {
      lambdaFunction: fn.survey,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({ caseId, taskToken: JsonPath.taskToken, expirySeconds: JsonPath.numberAt('$.facts.timings.surveyExpirySeconds') }),
      taskTimeout: Timeout.at('$.facts.timings.surveyReminderSeconds'),
      resultPath: '$.survey',
    });
    const surveyReminded = awaitEvent('SurveyReminded', 'survey', '$.facts.timings.surveyExpiryAfterReminderSeconds', '$.survey');
    surveyReminded.addCatch(closeSurveyExpired, { errors: ['States.Timeout'], resultPath: '$.surveyTimeout' });
    guarded(surveyReminded).next(closeCompleted);
    survey.addCatch(notify('NotifySurveyReminder', 'survey_reminder').next(surveyReminded), { errors: ['States.Timeout'], resultPath: '$.surveyTimeout' });
    guarded(survey);
    survey.next(closeCompleted);
    const waitBeforeSurvey = new Wait(this, 'WaitBeforeSurvey', { time: WaitTime.secondsPath('$.facts.timings.surveyDelaySeconds') }).next(survey);
    const notifyResolved = notify('NotifyResolved', 'resolved').next(waitBeforeSurvey);

    // An exchange shipped ahead of the return: the old item must follow, or the replacement is charged back.
    const chargeBack = step('ChargeBack', fn.compensate, '$.chargeBack', { action: 'charge_back' }, [orderPlatformRetry]);
    chargeBack.next(notify('NotifyChargedBack', 'charged_back').next(waitBeforeSurvey));
    const awaitReturnAfterExchange = awaitEvent('AwaitReturnAfterExchange', 'return', '$.facts.timings.advanceReturnDeadlineSeconds');
    awaitReturnAfterExchange.addCatch(chargeBack, { errors: ['States.Timeout'], resultPath: '$.returnTimeout' });
    guarded(awaitReturnAfterExchange);
    // Cancelling now does not undo a replacement already shipped: without the old item, it is charged back.
    awaitReturnAfterExchange.next(new Choice(this, 'OldItemReturned?').when(cancelled('$.signal'), chargeBack).otherwise(waitBeforeSurvey));
    const notifyReplacementShipped = notify('NotifyReplacementShipped', 'resolved').next(
      notify('NotifyShipBackAfterExchange', 'ship_back', dueIn('advanceReturnDeadlineSeconds')).next(awaitReturnAfterExchange),
    );

    // Compensation: instructed once, then confirmed by the platform's webhook or, failing that, by asking it.
    const confirmed = new Choice(this, 'CompensationConfirmed?')
      .when(Condition.stringEquals('$.confirmation.signal', 'failed'), compensationFailed)
      .when(Condition.booleanEquals('$.plan.advanceExchange', true), notifyReplacementShipped)
      .otherwise(notifyResolved);
    const checkCompensation = step('CheckCompensation', fn.compensate, '$.confirmation', { action: 'check' }, [
      { errors: ['CompensationPendingError'], interval: Duration.minutes(1), maxAttempts: 10, backoffRate: 2, maxDelay: Duration.hours(1), jitterStrategy: JitterType.FULL },
      orderPlatformRetry,
    ]);
    checkCompensation.next(confirmed);
    const awaitCompensation = awaitEvent('AwaitCompensation', 'compensation', '$.facts.timings.compensationConfirmSeconds', '$.confirmation');
    awaitCompensation.addCatch(checkCompensation, { errors: ['States.Timeout'], resultPath: '$.confirmationTimeout' });
    guarded(awaitCompensation);
    awaitCompensation.next(confirmed);
    const compensate = step('Compensate', fn.compensate, '$.compensation', { action: 'instruct' }, [orderPlatformRetry]);
    compensate.next(new Choice(this, 'CompensatedOrCancelled').when(Condition.stringEquals('$.compensation.status', 'cancelled'), notifyCancelled).otherwise(awaitCompensation));

    // Return parcel first (return, exchange, repair, quality; damaged returned for a refund or exchange)
    const awaitReturn = awaitEvent('AwaitReturn', 'return', '$.facts.timings.returnWaitSeconds');
    const notifyReturnExpired = notify('NotifyReturnExpired', 'closed', { reason: 'return_expired' }).next(close('CloseReturnExpired', 'return_expired'));
    awaitReturn.addCatch(notifyReturnExpired, { errors: ['States.Timeout'], resultPath: '$.returnTimeout' });
    guarded(awaitReturn);
    awaitReturn.next(new Choice(this, 'ReturnArrivedOrCancelled').when(cancelled('$.signal'), notifyCancelled).otherwise(compensate));
    const notifyShipBack = notify('NotifyShipBack', 'ship_back', dueIn('returnWaitSeconds')).next(awaitReturn);
    // Where the platform pays the return shipping, a prepaid label is issued before the customer is asked to ship.
    const issueReturnLabel = step('IssueReturnLabel', fn.compensate, '$.returnLabel', { action: 'return_label' }, [orderPlatformRetry]).next(notifyShipBack);
    const shipBack = new Choice(this, 'PrepaidLabel?').when(Condition.booleanEquals('$.plan.platformPaysReturnShipping', true), issueReturnLabel).otherwise(notifyShipBack);

    // The remedy: the customer's choice where the policy gives one (default after its timeout), then the path it needs.
    const planRemedy = step('PlanRemedy', fn.planRemedy, '$.plan');
    const planDefaultRemedy = step('PlanDefaultRemedy', fn.planRemedy, '$.plan', { applyDefault: true });
    const awaitChoice = awaitEvent('AwaitChoice', 'remedy_choice', '$.facts.timings.choiceTimeoutSeconds');
    awaitChoice.addCatch(planDefaultRemedy, { errors: ['States.Timeout'], resultPath: '$.choiceTimeout' });
    guarded(awaitChoice);
    awaitChoice.next(new Choice(this, 'ChoiceOrCancelled').when(cancelled('$.signal'), notifyCancelled).otherwise(planRemedy));
    const remedyPlanned = new Choice(this, 'RemedyPlanned')
      .when(Condition.booleanEquals('$.plan.needsChoice', true), notify('NotifyChoiceNeeded', 'remedy_choice_needed', dueIn('choiceTimeoutSeconds')).next(awaitChoice))
      .when(Condition.booleanEquals('$.plan.advanceExchange', true), compensate)
      .when(Condition.booleanEquals('$.plan.needsReturn', true), shipBack)
      .otherwise(compensate);
    planRemedy.next(remedyPlanned);
    planDefaultRemedy.next(remedyPlanned);
    const notifyApproved = notify('NotifyApproved', 'decided').next(planRemedy);

    // Carrier lookup (lost, delayed): an outage is retried with backoff for about half an hour; a longer one makes the
    // case wait visibly (awaiting_carrier, operators alerted) and look again after a pause, for as long as it lasts.
    const carrierLookup = new LambdaInvoke(this, 'CarrierLookup', {
      lambdaFunction: fn.carrierLookup,
      payload: TaskInput.fromObject({ caseId }),
      payloadResponseOnly: true,
      resultPath: '$.carrier',
      retryOnServiceExceptions: true,
    });
    carrierLookup.addRetry({ errors: ['TrackingNotFoundError', 'TrackingStoppedError'], maxAttempts: 0 });
    // A refused API key is an outage of that provider for us (a key rotated at the provider before the functions read
    // the new one, or a wrong key): the case waits for it like for a provider that is down, instead of failing.
    carrierLookup.addRetry({
      errors: ['CarrierUnavailableError', 'CarrierAuthError'],
      interval: Duration.seconds(30),
      maxAttempts: 6,
      backoffRate: 2,
      maxDelay: Duration.hours(1),
      jitterStrategy: JitterType.FULL,
    });
    const waitForCarrierRecovery = new Wait(this, 'WaitForCarrierRecovery', { time: WaitTime.secondsPath('$.facts.timings.carrierOutageWaitSeconds') }).next(carrierLookup);
    const carrierUnavailable = step('CarrierUnavailable', fn.carrierLookup, undefined, { outage: JsonPath.objectAt('$.carrierError') }).next(waitForCarrierRecovery);
    // Before the catch-all: Step Functions applies the first catcher that matches.
    carrierLookup.addCatch(carrierUnavailable, { errors: ['CarrierUnavailableError', 'CarrierAuthError'], resultPath: '$.carrierError' });
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
    const notifyEvidenceNeeded = notify('NotifyEvidenceNeeded', 'evidence_needed', dueIn('evidenceWaitSeconds')).next(awaitEvidence);

    // Operator review: waits for a decision; reminds at the first target, escalates at the second, then keeps
    // waiting (with a heartbeat, below).
    const reviewTargets = {
      review: {
        reminderSeconds: JsonPath.numberAt('$.facts.timings.reviewReminderSeconds'),
        escalationSeconds: JsonPath.numberAt('$.facts.timings.reviewEscalationSeconds'),
      },
    };
    const operatorDecision = new Choice(this, 'OperatorDecision')
      .when(cancelled('$.signal'), notifyCancelled)
      .when(Condition.stringEquals('$.signal.signal', 'reject'), notifyRejected)
      .when(Condition.stringEquals('$.signal.signal', 'request_evidence'), notifyEvidenceNeeded)
      .when(Condition.and(Condition.booleanEquals('$.facts.needsCarrier', true), Condition.not(isTrue('$.dispute'))), carrierLookup)
      .otherwise(notifyApproved);
    const manualReview = awaitEvent('ManualReview', 'manual_review', '$.facts.timings.reviewReminderSeconds', '$.signal', reviewTargets);
    const manualReviewReminded = awaitEvent('ManualReviewReminded', 'manual_review', '$.facts.timings.reviewEscalateAfterReminderSeconds', '$.signal', reviewTargets);
    // The escalated wait has a heartbeat: every escalation interval it times out into itself and re-registers its
    // token. A decision recorded on the case but never delivered (the ops function failed between its write and the
    // signal) is then found by await-event and resumes the case; otherwise it goes on waiting, with no new alert.
    const manualReviewEscalated = awaitEvent('ManualReviewEscalated', 'manual_review', '$.facts.timings.reviewEscalationSeconds', '$.signal', reviewTargets);
    const remindReview = step('RemindReview', fn.reviewTimer, undefined, { stage: 'reminder' }).next(manualReviewReminded);
    const escalateReview = step('EscalateReview', fn.reviewTimer, undefined, { stage: 'escalation' }).next(manualReviewEscalated);
    manualReview.addCatch(remindReview, { errors: ['States.Timeout'], resultPath: '$.reviewTimeout' });
    manualReviewReminded.addCatch(escalateReview, { errors: ['States.Timeout'], resultPath: '$.reviewTimeout' });
    manualReviewEscalated.addCatch(manualReviewEscalated, { errors: ['States.Timeout'], resultPath: '$.reviewTimeout' });
    for (const wait of [manualReview, manualReviewReminded, manualReviewEscalated]) guarded(wait).next(operatorDecision);

    review.next(
      new Choice(this, 'ReviewDecision')
        .when(Condition.stringEquals('$.review.decision', 'needs_evidence'), notifyEvidenceNeeded)
        .when(Condition.stringEquals('$.review.decision', 'reject'), notifyRejected)
        .when(Condition.stringEquals('$.review.decision', 'manual'), manualReview)
        // Approved: the carrier is asked first where the type needs it (one Choice, not two: a transition saved per case).
        .when(Condition.booleanEquals('$.facts.needsCarrier', true), carrierLookup)
        .otherwise(notifyApproved),
    );

    // A dispute reopens a rejected case straight in front of an operator; the customer is told it arrived (once per
    // round: the round is in the notice's slot).
    const definition: IChainable & INextable = step('Classify', fn.classify, '$.facts');
    (definition as LambdaInvoke).next(
      new Choice(this, 'Dispute?')
        .when(isTrue('$.dispute'), notify('NotifyDisputeReceived', 'dispute_received').next(manualReview))
        .otherwise(notify('NotifyReceived', 'received').next(review)),
    );

    const dataKey = DataKey.of(this);
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      queryLanguage: QueryLanguage.JSON_PATH,
      definitionBody: DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      // With the customer-managed key, definitions and execution history are encrypted with it (default: AWS-owned).
      ...(dataKey ? { encryptionConfiguration: new CustomerManagedEncryptionConfiguration(dataKey) } : {}),
      logs: {
        destination: new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY, encryptionKey: dataKey }),
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

function isTrue(path: string) {
  return Condition.and(Condition.isPresent(path), Condition.booleanEquals(path, true));
}

function cancelled(path: string) {
  return Condition.and(Condition.isPresent(`${path}.signal`), Condition.stringEquals(`${path}.signal`, 'cancelled'));
}

import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import {
  Choice,
  Condition,
  Fail,
  IntegrationPattern,
  JitterType,
  JsonPath,
  Pass,
  Result,
  type StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
  Wait,
  WaitTime,
  type IChainable,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, StepFunctionsStartExecution } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { CaseSteps, NEXT, type Entry, type Next } from './case-steps.js';
import { caseId, cancelled, caseStateMachine, isTrue, ORDER_PLATFORM_BACKOFF, TRANSIENT_RETRY, WorkflowTasks } from './workflow-tasks.js';

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
 * The case workflow (Standard, JSONPath), in the order a case lives: intake and review, the carrier, the remedy,
 * the compensation, the survey, the close. It keeps every wait — task tokens (an operator, evidence, the customer's
 * choice, the return parcel, the platform's confirmation, the survey), Wait states and the long retries — and runs
 * each synchronous stretch between two waits as one execution of its Express steps (CaseSteps, `.sync:2`: one
 * Standard transition), then routes on where the steps left the case (`$.next`). The execution carries the case id
 * and non-personal facts only; contacts are read by the notifier alone. A step that fails for good is recorded on the
 * case and ends the execution failed (redrivable) with the case in front of an operator.
 * Durations come from the execution (`$.facts.timings`), so the same definition runs in seconds locally.
 */
export class CaseWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly steps: CaseSteps;

  constructor(scope: Construct, id: string, props: CaseWorkflowProps) {
    super(scope, id);
    const fn = props.functions;
    this.steps = new CaseSteps(this, 'Steps', { ...props, stateMachineName: `${props.stateMachineName}-steps` });

    const recordFailure = new LambdaInvoke(this, 'RecordFailure', {
      lambdaFunction: fn.recordFailure,
      payload: TaskInput.fromObject({ caseId, error: JsonPath.objectAt('$.error') }),
      payloadResponseOnly: true,
      resultPath: '$.failure',
      // The Lambda service's errors are retried by default (retryOnServiceExceptions).
    });
    // Retried like every task (it has no catch: it is the catch): without it, a transient error here would end the
    // execution failed with the case still showing where it stood (e.g. `compensating`) instead of needs_attention.
    // Its writes are idempotent (the same status and failure); a retry may add its timeline entry twice.
    recordFailure.addRetry(TRANSIENT_RETRY);
    recordFailure.next(new Fail(this, 'CaseNeedsAttention', { error: 'CaseNeedsAttention', cause: 'A step failed after its retries; the case is waiting for an operator.' }));
    const steps = new WorkflowTasks(this, recordFailure, props.noticeQueue);
    const route = new Choice(this, 'Route');
    /** One stretch of synchronous steps, from `entry` to the next wait. */
    const stretch = (name: string, entry: Entry) => {
      const task = new StepFunctionsStartExecution(this, name, {
        stateMachine: this.steps.stateMachine,
        integrationPattern: IntegrationPattern.RUN_JOB,
        input: TaskInput.fromObject({ entry, state: JsonPath.entirePayload }),
        // The console links the Express execution to this one.
        associateWithParent: true,
        outputPath: '$.Output',
      });
      // Only the start is retried: the steps retried their own failures, and a stretch is not run twice.
      task.addRetry({
        errors: ['StepFunctions.ExecutionLimitExceededException', 'StepFunctions.SdkClientException'],
        interval: Duration.seconds(2),
        maxAttempts: 3,
        backoffRate: 2,
        jitterStrategy: JitterType.FULL,
      });
      return steps.guarded(task, false).next(route);
    };
    const awaitEvent = (name: string, kind: string, timeoutPath: string | undefined, resultPath = '$.signal', extra: Record<string, unknown> = {}) =>
      new LambdaInvoke(this, name, {
        lambdaFunction: fn.awaitEvent,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({ caseId, kind, taskToken: JsonPath.taskToken, ...extra }),
        ...(timeoutPath ? { taskTimeout: Timeout.at(timeoutPath) } : {}),
        resultPath,
      });
    /** A wait that goes on to `then` when signalled and to `onTimeout` when its time is up. */
    const waiting = <T extends LambdaInvoke>(wait: T, then: IChainable, onTimeout: IChainable, timeoutResult: string): T => {
      wait.addCatch(onTimeout, { errors: ['States.Timeout'], resultPath: timeoutResult });
      steps.guarded(wait).next(then);
      return wait;
    };
    // A close is the execution's last state (End): a Succeed after it would be one more billed transition per case.
    const close = (name: string, reason: string) => steps.guardedStep(name, fn.closeCase, '$.closed', { reason });

    // 1. Intake and review: classify, tell the customer, review; an operator decides where the review cannot.
    const intake = stretch('Intake', 'intake');
    const reviewTargets = {
      review: {
        reminderSeconds: JsonPath.numberAt('$.facts.timings.reviewReminderSeconds'),
        escalationSeconds: JsonPath.numberAt('$.facts.timings.reviewEscalationSeconds'),
      },
    };
    // Reminds at the first target, escalates at the second, then keeps waiting with a heartbeat: every escalation
    // interval the escalated wait times out into itself and re-registers its token, so a decision recorded on the
    // case but never delivered (the ops function failed between its write and the signal) is found and resumes it.
    const operatorDecided = stretch('OperatorDecided', 'operator_decision');
    const manualReviewEscalated = awaitEvent('ManualReviewEscalated', 'manual_review', '$.facts.timings.reviewEscalationSeconds', '$.signal', reviewTargets);
    waiting(manualReviewEscalated, operatorDecided, manualReviewEscalated, '$.reviewTimeout');
    const escalateReview = steps.guardedStep('EscalateReview', fn.reviewTimer, undefined, { stage: 'escalation' }).next(manualReviewEscalated);
    const manualReviewReminded = awaitEvent('ManualReviewReminded', 'manual_review', '$.facts.timings.reviewEscalateAfterReminderSeconds', '$.signal', reviewTargets);
    waiting(manualReviewReminded, operatorDecided, escalateReview, '$.reviewTimeout');
    const remindReview = steps.guardedStep('RemindReview', fn.reviewTimer, undefined, { stage: 'reminder' }).next(manualReviewReminded);
    const manualReview = waiting(
      awaitEvent('ManualReview', 'manual_review', '$.facts.timings.reviewReminderSeconds', '$.signal', reviewTargets),
      operatorDecided,
      remindReview,
      '$.reviewTimeout',
    );
    // Damaged without a photo: the customer is asked for one; it is reviewed again, or the case closes unanswered.
    const awaitEvidence = waiting(
      awaitEvent('AwaitEvidence', 'evidence', '$.facts.timings.evidenceWaitSeconds'),
      stretch('EvidenceArrived', 'evidence'),
      stretch('EvidenceExpired', 'evidence_expired'),
      '$.evidenceTimeout',
    );

    // 2. The carrier (lost, delayed): not known yet → look again after a pause. An outage is retried with backoff for
    // about half an hour; a longer one makes the case wait visibly (awaiting_carrier, operators alerted) and look
    // again after a pause, for as long as it lasts. A refused API key (rotated at the provider before the functions
    // read the new one, or a wrong key) is an outage of that provider for us.
    const lookAgain = stretch('LookAgain', 'carrier');
    const waitForCarrier = new Wait(this, 'WaitForCarrier', { time: WaitTime.secondsPath('$.facts.timings.carrierRecheckSeconds') }).next(lookAgain);
    const waitForCarrierRecovery = new Wait(this, 'WaitForCarrierRecovery', { time: WaitTime.secondsPath('$.facts.timings.carrierOutageWaitSeconds') }).next(lookAgain);
    const carrierUnavailable = steps.guardedStep('CarrierUnavailable', fn.carrierLookup, undefined, { outage: JsonPath.objectAt('$.carrierError') }).next(waitForCarrierRecovery);
    const carrierOutage = steps.step('CarrierOutage', fn.carrierLookup, '$.carrier');
    carrierOutage.addRetry({ errors: ['TrackingNotFoundError', 'TrackingStoppedError'], maxAttempts: 0 });
    carrierOutage.addRetry({
      errors: ['CarrierUnavailableError', 'CarrierAuthError'],
      interval: Duration.seconds(30),
      maxAttempts: 6,
      backoffRate: 2,
      maxDelay: Duration.hours(1),
      jitterStrategy: JitterType.FULL,
    });
    // Before the catch-all: Step Functions applies the first catcher that matches.
    carrierOutage.addCatch(carrierUnavailable, { errors: ['CarrierUnavailableError', 'CarrierAuthError'], resultPath: '$.carrierError' });
    steps.guarded(carrierOutage).next(stretch('CarrierAnswered', 'carrier_answered'));

    // 3. The remedy: the customer's choice where the policy gives one (the default after its timeout); the return
    // parcel first where the remedy needs it. The order platform's long backoff (…WithBackoff) waits here.
    const awaitChoice = waiting(
      awaitEvent('AwaitChoice', 'remedy_choice', '$.facts.timings.choiceTimeoutSeconds'),
      stretch('Chosen', 'choice'),
      stretch('DefaultRemedy', 'default_remedy'),
      '$.choiceTimeout',
    );
    const issueReturnLabel = steps
      .guarded(steps.step('IssueReturnLabelWithBackoff', fn.compensate, '$.returnLabel', { action: 'return_label' }, [ORDER_PLATFORM_BACKOFF]))
      .next(stretch('ReturnLabelIssued', 'return_label_issued'));
    const awaitReturn = waiting(
      awaitEvent('AwaitReturn', 'return', '$.facts.timings.returnWaitSeconds'),
      stretch('ReturnArrived', 'return'),
      stretch('ReturnExpired', 'return_expired'),
      '$.returnTimeout',
    );

    // 4. Compensation: instructed once, then confirmed by the platform's webhook or, failing that, by asking it.
    const compensate = steps
      .guarded(steps.step('CompensateWithBackoff', fn.compensate, '$.compensation', { action: 'instruct' }, [ORDER_PLATFORM_BACKOFF]))
      .next(stretch('CompensationInstructed', 'compensation_instructed'));
    // The platform's confirmation goes straight on to the customer's notice and the survey's wait: a failure it
    // reports ends the wait as the error CompensationFailed (functions/domain/case-rules.ts, signalFailure), which
    // the catch-all records. The confirmation asked for (CheckCompensation), and an exchange shipped ahead of the
    // return (its own wait, AwaitAdvanceCompensation, chosen by Route), go through the steps, which route them.
    const confirmation = stretch('Confirmation', 'confirmation');
    const checkCompensation = steps
      .guarded(
        steps.step('CheckCompensation', fn.compensate, '$.confirmation', { action: 'check' }, [
          { errors: ['CompensationPendingError'], interval: Duration.minutes(1), maxAttempts: 10, backoffRate: 2, maxDelay: Duration.hours(1), jitterStrategy: JitterType.FULL },
          ORDER_PLATFORM_BACKOFF,
        ]),
      )
      .next(confirmation);
    const compensationWait = (name: string, then: IChainable) => {
      const wait = awaitEvent(name, 'compensation', '$.facts.timings.compensationConfirmSeconds', '$.confirmation');
      // Not retried: the platform said so (before the catch-all retrier, which would match it).
      wait.addRetry({ errors: ['CompensationFailed'], maxAttempts: 0 });
      return waiting(wait, then, checkCompensation, '$.confirmationTimeout');
    };
    const notifyConfirmed = steps.notify('NotifyConfirmed', 'resolved');
    const awaitCompensation = compensationWait('AwaitCompensation', notifyConfirmed);
    const awaitAdvanceCompensation = compensationWait('AwaitAdvanceCompensation', confirmation);
    // An exchange shipped ahead of the return: the old item must follow, or the replacement is charged back.
    // Cancelling now does not undo a replacement already shipped: without the old item, it is charged back too.
    const chargeBack = stretch('ChargeBackOldItem', 'charge_back');
    const chargeBackWithBackoff = steps
      .guarded(steps.step('ChargeBackWithBackoff', fn.compensate, '$.chargeBack', { action: 'charge_back' }, [ORDER_PLATFORM_BACKOFF]))
      .next(stretch('ChargedBack', 'charged_back'));

    // 5. The survey, some time after the case is resolved: open surveyExpirySeconds in all; unanswered at the reminder
    // time, the survey function reminds the customer once and the wait (kind survey) goes on for the rest of that time,
    // in one step: its token is the one the answer resumes from then on.
    const closeCompleted = close('CloseCompleted', 'completed');
    const surveyStep = (name: string, payload: Record<string, unknown>, timeoutPath: string) =>
      new LambdaInvoke(this, name, {
        lambdaFunction: fn.survey,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({ caseId, taskToken: JsonPath.taskToken, ...payload }),
        taskTimeout: Timeout.at(timeoutPath),
        resultPath: '$.survey',
      });
    const surveyReminded = waiting(
      surveyStep('SurveyReminded', { stage: 'reminder', round: JsonPath.numberAt('$.round') }, '$.facts.timings.surveyExpiryAfterReminderSeconds'),
      closeCompleted,
      close('CloseSurveyExpired', 'survey_expired'),
      '$.surveyTimeout',
    );
    const survey = waiting(
      surveyStep('Survey', { expirySeconds: JsonPath.numberAt('$.facts.timings.surveyExpirySeconds') }, '$.facts.timings.surveyReminderSeconds'),
      closeCompleted,
      surveyReminded,
      '$.surveyTimeout',
    );
    const waitBeforeSurvey = new Wait(this, 'WaitBeforeSurvey', { time: WaitTime.secondsPath('$.facts.timings.surveyDelaySeconds') }).next(survey);
    notifyConfirmed.next(waitBeforeSurvey);
    const awaitReturnAfterExchange = waiting(
      awaitEvent('AwaitReturnAfterExchange', 'return', '$.facts.timings.advanceReturnDeadlineSeconds'),
      new Choice(this, 'OldItemReturned?').when(cancelled('$.signal'), chargeBack).otherwise(waitBeforeSurvey),
      chargeBack,
      '$.returnTimeout',
    );

    // Where each stretch leaves the case.
    const targets: Record<Next, IChainable> = {
      ManualReview: manualReview,
      AwaitEvidence: awaitEvidence,
      WaitForCarrier: waitForCarrier,
      CarrierOutage: carrierOutage,
      AwaitChoice: awaitChoice,
      AwaitReturn: awaitReturn,
      AwaitCompensation: awaitCompensation,
      AwaitReturnAfterExchange: awaitReturnAfterExchange,
      WaitBeforeSurvey: waitBeforeSurvey,
      CompensateWithBackoff: compensate,
      IssueReturnLabelWithBackoff: issueReturnLabel,
      ChargeBackWithBackoff: chargeBackWithBackoff,
      failed: recordFailure,
      closed: new Succeed(this, 'CaseClosed'),
    };
    // An exchange shipped ahead waits for its confirmation apart (the steps then ask for the old item back): routed
    // here, on the plan the steps left, so the usual confirmation needs no Route after it.
    route.when(Condition.and(Condition.stringEquals('$.next', 'AwaitCompensation'), isTrue('$.plan.advanceExchange')), awaitAdvanceCompensation);
    for (const next of NEXT) route.when(Condition.stringEquals('$.next', next), targets[next]);
    route.otherwise(
      new Pass(this, 'NoRoute', { result: Result.fromObject({ Error: 'NoRoute', Cause: 'The steps left the case nowhere.' }), resultPath: '$.error' }).next(recordFailure),
    );

    this.stateMachine = caseStateMachine(this, { stateMachineName: props.stateMachineName, type: StateMachineType.STANDARD, start: intake });
  }

  /** The ARN built from the fixed name, for grants from functions the state machine itself invokes (no cycle). */
  static arnFor(scope: Construct, stateMachineName: string): string {
    return Stack.of(scope).formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }
}

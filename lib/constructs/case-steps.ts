import { Duration } from 'aws-cdk-lib';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Choice, Condition, JitterType, JsonPath, Pass, Result, type StateMachine, StateMachineType, type IChainable } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { CaseWorkflowFunctions } from './case-workflow.js';
import { cancelled, caseStateMachine, dueIn, isTrue, WorkflowTasks } from './workflow-tasks.js';

/** Where the case workflow enters its steps: after which wait (or at the start). */
export const ENTRIES = [
  'intake',
  'operator_decision',
  'evidence',
  'evidence_expired',
  'carrier',
  'carrier_answered',
  'choice',
  'default_remedy',
  'return',
  'return_expired',
  'compensation_instructed',
  'return_label_issued',
  'confirmation',
  'charge_back',
  'charged_back',
] as const;
export type Entry = (typeof ENTRIES)[number];

/** Where the steps leave the case: the Standard state that waits next (`$.next`), `failed` or `closed`. */
export const NEXT = [
  'ManualReview',
  'AwaitEvidence',
  'WaitForCarrier',
  'CarrierOutage',
  'AwaitChoice',
  'AwaitReturn',
  'AwaitCompensation',
  'AwaitReturnAfterExchange',
  'WaitBeforeSurvey',
  'CompensateWithBackoff',
  'IssueReturnLabelWithBackoff',
  'ChargeBackWithBackoff',
  'failed',
  'closed',
] as const;
export type Next = (typeof NEXT)[number];

export interface CaseStepsProps {
  functions: CaseWorkflowFunctions;
  noticeQueue: IQueue;
  stateMachineName: string;
}

/** The order platform, first tries (seconds apart); the long backoff is the Standard workflow's (…WithBackoff). */
const ORDER_PLATFORM_FIRST_TRIES = { errors: ['OrderPlatformError'], interval: Duration.seconds(5), maxAttempts: 2, backoffRate: 2, jitterStrategy: JitterType.FULL };
const ORDER_PLATFORM = ['OrderPlatformError'];
const CARRIER_OUTAGE = ['CarrierUnavailableError', 'CarrierAuthError'];

/**
 * The case's synchronous steps (Express): each execution runs one stretch between two waits of the case workflow,
 * from an entry (`$.entry`) to the wait the case goes to next (`$.next`), in seconds. The input is
 * `{ entry, state }` (the workflow's state, case id and non-personal facts only); the output is that state, moved on.
 * Nothing here waits longer than a few seconds: a carrier outage and the order platform's long backoff hand the case
 * back to the Standard workflow, which waits for them. A step that fails for good ends the stretch with
 * `next: failed` and the error at `$.error`, which the workflow records on the case.
 */
export class CaseSteps extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: CaseStepsProps) {
    super(scope, id);
    const fn = props.functions;
    const go = new Map<Next, Pass>(NEXT.map((next) => [next, new Pass(this, `Go${pascal(next)}`, { result: Result.fromString(next), resultPath: '$.next' })]));
    const to = (next: Next) => go.get(next)!;
    const steps = new WorkflowTasks(this, to('failed'), props.noticeQueue);
    const { notify } = { notify: steps.notify.bind(steps) };
    const close = (name: string, reason: string) => steps.guardedStep(name, fn.closeCase, '$.closed', { reason }).next(to('closed'));

    // Endings
    const notifyRejected = notify('NotifyRejected', 'decided').next(close('CloseRejected', 'rejected'));
    const notifyCancelled = notify('NotifyCancelled', 'cancelled').next(close('CloseCancelled', 'cancelled'));
    const evidenceExpired = notify('NotifyEvidenceExpired', 'closed', { reason: 'evidence_expired' }).next(close('CloseEvidenceExpired', 'evidence_expired'));
    const returnExpired = notify('NotifyReturnExpired', 'closed', { reason: 'return_expired' }).next(close('CloseReturnExpired', 'return_expired'));

    // Compensation: instructed once; confirmed later by the platform's webhook (AwaitCompensation) or by asking it.
    const compensatedOrCancelled = new Choice(this, 'CompensatedOrCancelled')
      .when(Condition.stringEquals('$.compensation.status', 'cancelled'), notifyCancelled)
      .otherwise(to('AwaitCompensation'));
    const compensate = steps.step('Compensate', fn.compensate, '$.compensation', { action: 'instruct' }, [ORDER_PLATFORM_FIRST_TRIES]);
    compensate.addCatch(to('CompensateWithBackoff'), { errors: ORDER_PLATFORM, resultPath: JsonPath.DISCARD });
    steps.guarded(compensate).next(compensatedOrCancelled);
    const compensationFailed = new Pass(this, 'CompensationFailed', {
      result: Result.fromObject({ Error: 'CompensationFailed', Cause: 'The order platform reported the instruction failed.' }),
      resultPath: '$.error',
    }).next(to('failed'));
    const notifyReplacementShipped = notify('NotifyReplacementShipped', 'resolved').next(
      notify('NotifyShipBackAfterExchange', 'ship_back', dueIn('advanceReturnDeadlineSeconds')).next(to('AwaitReturnAfterExchange')),
    );
    const confirmation = new Choice(this, 'CompensationConfirmed?')
      .when(Condition.stringEquals('$.confirmation.signal', 'failed'), compensationFailed)
      .when(Condition.booleanEquals('$.plan.advanceExchange', true), notifyReplacementShipped)
      .otherwise(notify('NotifyResolved', 'resolved').next(to('WaitBeforeSurvey')));
    // An exchange shipped ahead of the return: without the old item, the replacement is charged back.
    const notifyChargedBack = notify('NotifyChargedBack', 'charged_back').next(to('WaitBeforeSurvey'));
    const chargeBack = steps.step('ChargeBack', fn.compensate, '$.chargeBack', { action: 'charge_back' }, [ORDER_PLATFORM_FIRST_TRIES]);
    chargeBack.addCatch(to('ChargeBackWithBackoff'), { errors: ORDER_PLATFORM, resultPath: JsonPath.DISCARD });
    steps.guarded(chargeBack).next(notifyChargedBack);

    // The return parcel first, with a prepaid label where the platform pays the return shipping.
    const notifyShipBack = notify('NotifyShipBack', 'ship_back', dueIn('returnWaitSeconds')).next(to('AwaitReturn'));
    const issueReturnLabel = steps.step('IssueReturnLabel', fn.compensate, '$.returnLabel', { action: 'return_label' }, [ORDER_PLATFORM_FIRST_TRIES]);
    issueReturnLabel.addCatch(to('IssueReturnLabelWithBackoff'), { errors: ORDER_PLATFORM, resultPath: JsonPath.DISCARD });
    steps.guarded(issueReturnLabel).next(notifyShipBack);
    const shipBack = new Choice(this, 'PrepaidLabel?').when(Condition.booleanEquals('$.plan.platformPaysReturnShipping', true), issueReturnLabel).otherwise(notifyShipBack);

    // The remedy: the customer's choice where the policy gives one (the default after its timeout), then its path.
    const remedyPlanned = new Choice(this, 'RemedyPlanned')
      .when(Condition.booleanEquals('$.plan.needsChoice', true), notify('NotifyChoiceNeeded', 'remedy_choice_needed', dueIn('choiceTimeoutSeconds')).next(to('AwaitChoice')))
      .when(Condition.booleanEquals('$.plan.advanceExchange', true), compensate)
      .when(Condition.booleanEquals('$.plan.needsReturn', true), shipBack)
      .otherwise(compensate);
    const planRemedy = steps.guardedStep('PlanRemedy', fn.planRemedy, '$.plan').next(remedyPlanned);
    const planDefaultRemedy = steps.guardedStep('PlanDefaultRemedy', fn.planRemedy, '$.plan', { applyDefault: true }).next(remedyPlanned);
    const notifyApproved = notify('NotifyApproved', 'decided').next(planRemedy);

    // The carrier (lost, delayed): not yet known → the workflow looks again later; an outage → it waits for the provider.
    const carrierVerdict = new Choice(this, 'CarrierVerdict')
      .when(Condition.stringEquals('$.carrier.verdict', 'pending'), to('WaitForCarrier'))
      .when(Condition.stringEquals('$.carrier.verdict', 'refuted'), notifyRejected)
      .otherwise(notifyApproved);
    const carrierLookup = steps.step('CarrierLookup', fn.carrierLookup, '$.carrier');
    carrierLookup.addRetry({ errors: ['TrackingNotFoundError', 'TrackingStoppedError', ...CARRIER_OUTAGE], maxAttempts: 0 });
    carrierLookup.addCatch(to('CarrierOutage'), { errors: CARRIER_OUTAGE, resultPath: '$.carrierError' });
    steps.guarded(carrierLookup).next(carrierVerdict);

    // Review: approved, rejected, evidence asked for (damaged without a photo) or an operator's decision.
    const notifyEvidenceNeeded = notify('NotifyEvidenceNeeded', 'evidence_needed', dueIn('evidenceWaitSeconds')).next(to('AwaitEvidence'));
    const review = steps.guardedStep('Review', fn.review, '$.review').next(
      new Choice(this, 'ReviewDecision')
        .when(Condition.stringEquals('$.review.decision', 'needs_evidence'), notifyEvidenceNeeded)
        .when(Condition.stringEquals('$.review.decision', 'reject'), notifyRejected)
        .when(Condition.stringEquals('$.review.decision', 'manual'), to('ManualReview'))
        // Approved: the carrier is asked first where the type needs it.
        .when(Condition.booleanEquals('$.facts.needsCarrier', true), carrierLookup)
        .otherwise(notifyApproved),
    );
    const operatorDecision = new Choice(this, 'OperatorDecision')
      .when(cancelled('$.signal'), notifyCancelled)
      .when(Condition.stringEquals('$.signal.signal', 'reject'), notifyRejected)
      .when(Condition.stringEquals('$.signal.signal', 'request_evidence'), notifyEvidenceNeeded)
      .when(Condition.and(Condition.booleanEquals('$.facts.needsCarrier', true), Condition.not(isTrue('$.dispute'))), carrierLookup)
      .otherwise(notifyApproved);

    // Intake: a dispute reopens a rejected case straight in front of an operator; otherwise the case is reviewed.
    // The customer is told it arrived (once per round: the round is in the notice's slot).
    const intake = steps
      .guardedStep('Classify', fn.classify, '$.facts')
      .next(
        new Choice(this, 'Dispute?')
          .when(isTrue('$.dispute'), notify('NotifyDisputeReceived', 'dispute_received').next(to('ManualReview')))
          .otherwise(notify('NotifyReceived', 'received').next(review)),
      );

    const orCancelled = (name: string, then: IChainable) => new Choice(this, name).when(cancelled('$.signal'), notifyCancelled).otherwise(then);
    const entries: Record<Entry, IChainable> = {
      intake,
      operator_decision: operatorDecision,
      evidence: orCancelled('EvidenceOrCancelled', review),
      evidence_expired: evidenceExpired,
      carrier: carrierLookup,
      carrier_answered: carrierVerdict,
      choice: orCancelled('ChoiceOrCancelled', planRemedy),
      default_remedy: planDefaultRemedy,
      return: orCancelled('ReturnArrivedOrCancelled', compensate),
      return_expired: returnExpired,
      compensation_instructed: compensatedOrCancelled,
      return_label_issued: notifyShipBack,
      confirmation,
      charge_back: chargeBack,
      charged_back: notifyChargedBack,
    };
    const entry = new Choice(this, 'Entry');
    for (const name of ENTRIES) {
      // The workflow's state comes wrapped with the entry: unwrapped here, the steps read it as the workflow wrote it.
      entry.when(Condition.stringEquals('$.entry', name), new Pass(this, `Enter${pascal(name)}`, { inputPath: '$.state' }).next(entries[name]));
    }

    this.stateMachine = caseStateMachine(this, { stateMachineName: props.stateMachineName, type: StateMachineType.EXPRESS, start: entry });
  }
}

function pascal(name: string): string {
  return name.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

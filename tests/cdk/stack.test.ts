import { Match, Template } from 'aws-cdk-lib/assertions';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STALE_CLAIM_MS } from '../../functions/adapters/notice-store.js';
import { MILESTONES } from '../../functions/schemas/messages.js';
import { CASE_TABLE } from '../handlers/env.js';
import { buildApp, joinToString, readValidationReport, type ValidationReport } from './synth.js';

type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, unknown>; DeletionPolicy?: string };
type AslState = Record<string, any> & { Type: string };

let template: Template;
let resources: Record<string, Resource>;
let outdir: string;
/** The case workflow's definition (Standard) as ASL, tokens replaced by `${Ref:X}` / `${GetAtt:X.Attr}`. */
let definitionText: string;
/** Its Express steps' definition, the same way. */
let stepsText: string;
/** Every state of both: a state name is unique across them. */
let states: Record<string, AslState>;
/** The states of the Express steps only. */
let stepStates: Record<string, AslState>;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
/** The logical id a `{ Fn::GetAtt: [id, attr] }` or `{ Ref: id }` points at. */
const target = (token: any): string => token?.['Fn::GetAtt']?.[0] ?? token?.Ref;

/** Every state, including those nested in Parallel branches and Map processors. */
function allStates(machine: { States: Record<string, AslState> }): Record<string, AslState> {
  const out: Record<string, AslState> = {};
  for (const [name, state] of Object.entries(machine.States)) {
    out[name] = state;
    for (const branch of state.Branches ?? []) Object.assign(out, allStates(branch));
    if (state.ItemProcessor) Object.assign(out, allStates(state.ItemProcessor));
    if (state.Iterator) Object.assign(out, allStates(state.Iterator));
  }
  return out;
}

/**
 * Where a state of the workflow leads in the steps: a stretch task (startExecution) → the first step of its entry;
 * a `Go…` pass of the steps → the workflow state it hands the case to. Other names stay as they are.
 */
function via(name: string): string {
  const state = states[name];
  if (state?.Resource && String(state.Resource).includes(':states:::states:startExecution')) {
    const entry = state.Parameters.Input.entry as string;
    const enter = (stepStates.Entry!.Choices as Array<{ StringEquals: string; Next: string }>).find((c) => c.StringEquals === entry)?.Next;
    return stepStates[enter ?? '']?.Next ?? `no entry ${entry}`;
  }
  if (name.startsWith('Go') && state?.Type === 'Pass') return state.Result === 'failed' ? 'RecordFailure' : String(state.Result);
  return name;
}

let validationReport: ValidationReport | undefined;

beforeAll(() => {
  const built = buildApp({ builtinCloudFormationValidation: true });
  outdir = built.outdir;
  built.app.synth();
  validationReport = readValidationReport(outdir);
  template = Template.fromStack(built.stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
  const machines = ofType('AWS::StepFunctions::StateMachine');
  const text = (type: string) => joinToString(machines.find(([, m]) => m.Properties.StateMachineType === type)![1].Properties.DefinitionString);
  definitionText = text('STANDARD');
  stepsText = text('EXPRESS');
  stepStates = allStates(JSON.parse(stepsText));
  const workflowStates = allStates(JSON.parse(definitionText));
  const shared = Object.keys(workflowStates).filter((name) => name in stepStates);
  if (shared.length > 0) throw new Error(`state names used in both machines: ${shared.join(', ')}`);
  states = { ...workflowStates, ...stepStates };
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the synthesized template', () => {
  it('passes the built-in CloudFormation validation without findings (not even downgraded warnings)', () => {
    expect(validationReport, 'app.synth() writes validation-report.json when the built-in validation runs').toBeDefined();
    const findings = (validationReport?.pluginReports ?? []).flatMap((report) =>
      report.violations.map(
        (v) => `${report.pluginName} ${v.severity ?? ''} ${v.ruleName}: ${v.description} @ ${(v.violatingConstructs ?? []).map((c) => c.constructPath).join(', ')}`,
      ),
    );
    expect(findings).toEqual([]);
  });
});

describe('case workflow state machine', () => {
  it('is a STANDARD workflow and its EXPRESS steps, both with tracing and logs that leave out execution data', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 2);
    for (const type of ['STANDARD', 'EXPRESS']) {
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineType: type,
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: Match.objectLike({ IncludeExecutionData: false, Level: 'ALL' }),
      });
    }
  });

  it('runs each stretch of steps as one Express execution (.sync:2), continuing with its output, and only the steps are Express', () => {
    const stretches = Object.entries(states).filter(([, state]) => String(state.Resource ?? '').includes(':states:::states:startExecution'));
    expect(stretches.length).toBeGreaterThanOrEqual(10);
    const [[stepsId]] = ofType('AWS::StepFunctions::StateMachine').filter(([, m]) => m.Properties.StateMachineType === 'EXPRESS') as unknown as [[string]];
    for (const [name, state] of stretches) {
      expect(name in stepStates, name).toBe(false);
      expect(state.Resource, name).toBe('arn:${Ref:AWS::Partition}:states:::states:startExecution.sync:2');
      expect(state.Parameters.StateMachineArn, name).toBe(`\${Ref:${stepsId}}`);
      expect(state.Parameters.Input, name).toEqual({ entry: expect.any(String), 'state.$': '$', 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id' });
      expect(state.OutputPath, name).toBe('$.Output');
      expect(state.Next, name).toBe('Route');
      expect(via(name), name).not.toMatch(/^no entry/);
    }
    // Route sends the case where the steps left it; every Go… pass of the steps names a state Route knows.
    const routed = new Map((states.Route!.Choices as Array<{ StringEquals: string; Next: string }>).map((c) => [c.StringEquals, c.Next]));
    for (const [name, state] of Object.entries(stepStates).filter(([n]) => n.startsWith('Go'))) {
      expect(state, name).toMatchObject({ Type: 'Pass', ResultPath: '$.next', End: true });
      expect(routed.get(state.Result), name).toBe(state.Result === 'failed' ? 'RecordFailure' : state.Result === 'closed' ? 'CaseClosed' : state.Result);
    }
  });

  it('is JSONPath, not JSONata (the local emulator does not run JSONata)', () => {
    const definition = JSON.parse(definitionText);
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(definitionText).not.toMatch(/"QueryLanguage"\s*:\s*"JSONata"/);
    for (const [name, state] of Object.entries(states)) expect(state.QueryLanguage ?? 'JSONPath', name).toBe('JSONPath');
    expect(definition.StartAt).toBe('Intake');
    expect(via('Intake')).toBe('Classify');
    expect(JSON.parse(stepsText).QueryLanguage ?? 'JSONPath').toBe('JSONPath');
  });

  it.each([
    'Classify',
    'Review',
    'CarrierLookup',
    'PlanRemedy',
    'PlanDefaultRemedy',
    'Compensate',
    'CheckCompensation',
    'ChargeBack',
    'RemindReview',
    'EscalateReview',
    'Survey',
    'CloseCompleted',
    'AwaitEvidence',
    'AwaitReturn',
    'AwaitReturnAfterExchange',
    'AwaitChoice',
    'AwaitCompensation',
    'AwaitAdvanceCompensation',
    'ManualReview',
    'ManualReviewReminded',
    'ManualReviewEscalated',
    'SurveyReminded',
  ])('has the task state %s', (name) => {
    expect(states[name]?.Type).toBe('Task');
  });

  it.each(['Dispute?', 'ReviewDecision', 'OperatorDecision', 'RemedyPlanned', 'ChoiceOrCancelled', 'CompensatedOrCancelled', 'CompensationConfirmed?'])(
    'has the choice state %s',
    (name) => {
      expect(states[name]?.Type).toBe('Choice');
    },
  );

  /** The function a Lambda task (plain or waitForTaskToken) invokes, as its logical id. */
  const functionOf = (name: string) => /^\$\{GetAtt:(\w+)\.Arn\}$/.exec(states[name]!.Parameters?.FunctionName ?? states[name]!.Resource)?.[1] ?? '';

  it.each([
    ['Compensate', 'Compensate', { action: 'instruct' }],
    ['CheckCompensation', 'Compensate', { action: 'check' }],
    ['ChargeBack', 'Compensate', { action: 'charge_back' }],
    ['PlanRemedy', 'PlanRemedy', {}],
    ['PlanDefaultRemedy', 'PlanRemedy', { applyDefault: true }],
    ['RemindReview', 'ReviewTimer', { stage: 'reminder' }],
    ['EscalateReview', 'ReviewTimer', { stage: 'escalation' }],
  ])('%s invokes the %s function with %o and the case id', (name, fnPrefix, extra) => {
    expect(functionOf(name)).toMatch(new RegExp(`^${fnPrefix}[0-9A-F]{8}$`));
    // payloadResponseOnly: the task's Parameters are the payload itself.
    expect(states[name]!.Parameters).toEqual({ 'caseId.$': '$.caseId', ...extra });
  });

  it('a dispute is acknowledged, then goes straight to an operator; a new case is notified and reviewed by the policy', () => {
    expect(states['Dispute?']!.Choices).toEqual([
      {
        And: [
          { Variable: '$.dispute', IsPresent: true },
          { Variable: '$.dispute', BooleanEquals: true },
        ],
        Next: 'NotifyDisputeReceived',
      },
    ]);
    expect(via(states.NotifyDisputeReceived!.Next)).toBe('ManualReview');
    expect(states['Dispute?']!.Default).toBe('NotifyReceived');
    expect(states.Classify!.Next).toBe('Dispute?');
  });

  it("the operator's decision: cancelled, reject, request_evidence, then approval (carrier first for lost/delayed, not for a dispute)", () => {
    const choices = states.OperatorDecision!.Choices as Array<{ Next: string }>;
    expect(choices.map((c) => c.Next)).toEqual(['NotifyCancelled', 'NotifyRejected', 'NotifyEvidenceNeeded', 'CarrierLookup']);
    expect(JSON.stringify(choices[3])).toContain('"$.dispute"');
    expect(states.OperatorDecision!.Default).toBe('NotifyApproved');
  });

  it('every Task state has a Catch for States.ALL that records the failure on the case (in the steps: through Route)', () => {
    const tasks = Object.entries(states).filter(([, state]) => state.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(20);
    for (const [name, state] of tasks) {
      if (name === 'RecordFailure') continue; // the catch handler itself, below
      expect(state.Catch, name).toBeInstanceOf(Array);
      const all = (state.Catch as Array<{ ErrorEquals: string[]; Next: string; ResultPath?: string }>).find((c) => c.ErrorEquals.includes('States.ALL'));
      expect(all, `${name} catches States.ALL`).toBeDefined();
      expect(all!.ResultPath, name).toBe('$.error');
      expect(via(all!.Next), name).toBe('RecordFailure');
    }
    // A stretch that ends failed leaves the error at $.error: Route sends it to the recorder, as a catch would.
    expect(stepStates.GoFailed).toMatchObject({ Result: 'failed' });
  });

  it('the failure recorder ends the execution failed, which the failed-executions alarm watches', () => {
    expect(states.RecordFailure).toMatchObject({ Type: 'Task', Next: 'CaseNeedsAttention' });
    // It is the catch, so it has none; a transient error must not end the execution before the case shows needs_attention.
    const retry = states.RecordFailure!.Retry as Array<{ ErrorEquals: string[]; MaxAttempts: number; BackoffRate: number }>;
    expect(retry.find((r) => r.ErrorEquals.includes('Lambda.ServiceException'))).toMatchObject({ BackoffRate: 2 });
    expect(retry.find((r) => r.ErrorEquals.includes('States.TaskFailed'))).toMatchObject({ MaxAttempts: 3, BackoffRate: 2 });
    expect(states.RecordFailure!.Catch).toBeUndefined();
    expect(states.CaseNeedsAttention).toMatchObject({ Type: 'Fail', Error: 'CaseNeedsAttention' });
  });

  it.each([
    ['AwaitEvidence', '$.facts.timings.evidenceWaitSeconds', 'NotifyEvidenceExpired'],
    ['AwaitReturn', '$.facts.timings.returnWaitSeconds', 'NotifyReturnExpired'],
    ['AwaitReturnAfterExchange', '$.facts.timings.advanceReturnDeadlineSeconds', 'ChargeBack'],
    ['AwaitChoice', '$.facts.timings.choiceTimeoutSeconds', 'PlanDefaultRemedy'],
    ['AwaitCompensation', '$.facts.timings.compensationConfirmSeconds', 'CheckCompensation'],
    ['AwaitAdvanceCompensation', '$.facts.timings.compensationConfirmSeconds', 'CheckCompensation'],
    ['ManualReview', '$.facts.timings.reviewReminderSeconds', 'RemindReview'],
    ['ManualReviewReminded', '$.facts.timings.reviewEscalateAfterReminderSeconds', 'EscalateReview'],
    ['Survey', '$.facts.timings.surveyReminderSeconds', 'SurveyReminded'],
    ['SurveyReminded', '$.facts.timings.surveyExpiryAfterReminderSeconds', 'CloseSurveyExpired'],
  ])('%s waits with lambda:invoke.waitForTaskToken, times out by %s and handles the timeout', (name, timeoutPath, onTimeout) => {
    const state = states[name]!;
    expect(state.Resource).toBe('arn:${Ref:AWS::Partition}:states:::lambda:invoke.waitForTaskToken');
    expect(state.TimeoutSecondsPath).toBe(timeoutPath);
    expect(state.TimeoutSeconds).toBeUndefined();
    expect(state.Parameters.Payload['taskToken.$']).toBe('$$.Task.Token');
    expect(state.Catch[0]).toMatchObject({ ErrorEquals: ['States.Timeout'] });
    expect(via(state.Catch[0].Next)).toBe(onTimeout);
  });

  // Regression, was a bug (lib/constructs/case-workflow.ts, `awaitReturnAfterExchange.next(waitBeforeSurvey)`, with
  // CANCELLABLE, now in functions/domain/case-rules.ts (CASE-CANCEL-1), containing 'return'): after a replacement was shipped ahead
  // (VIP exchange), the wait for the old item is cancellable, and its output is not looked at. An
  // `aftersales.cancelled` then resumes AwaitReturnAfterExchange with {signal: 'cancelled'} and the execution goes on
  // to WaitBeforeSurvey → Survey → CloseCompleted: the replacement is never charged back and the old item never comes
  // back. Expected: a cancellation at that point either does not end the wait (money has moved) or leads to ChargeBack.
  it('a cancellation while the old item of an advance exchange is awaited does not skip the charge-back', () => {
    const next = states[states.AwaitReturnAfterExchange!.Next as string]!;
    expect(next.Type, 'the signal is looked at').toBe('Choice');
    const onCancel = (next.Choices as Array<{ Next: string }>).find((c) => JSON.stringify(c).includes('"cancelled"'));
    expect(via(onCancel?.Next ?? '')).toBe('ChargeBack');
  });

  it('the escalated review has a heartbeat: it times out every escalation interval into itself (re-registering its token), before the catch-all', () => {
    const state = states.ManualReviewEscalated!;
    expect(state.Resource).toBe('arn:${Ref:AWS::Partition}:states:::lambda:invoke.waitForTaskToken');
    expect(state.TimeoutSecondsPath).toBe('$.facts.timings.reviewEscalationSeconds');
    expect(state.TimeoutSeconds).toBeUndefined();
    expect(state.HeartbeatSeconds).toBeUndefined();
    expect(state.Catch).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.reviewTimeout', Next: 'ManualReviewEscalated' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' },
    ]);
    expect(via(state.Next)).toBe('OperatorDecision');
    // No step between two heartbeats: the escalation (and its alert) happens once, in EscalateReview.
    const intoEscalated = Object.entries(states).filter(
      ([, s]) => s.Next === 'ManualReviewEscalated' || (s.Catch ?? []).some((c: { Next: string }) => c.Next === 'ManualReviewEscalated'),
    );
    expect(intoEscalated.map(([name]) => name).sort()).toEqual(['EscalateReview', 'ManualReviewEscalated']);
  });

  it('only the waiting states use a task token', () => {
    const waiting = Object.entries(states)
      .filter(([, state]) => String(state.Resource ?? '').includes('waitForTaskToken'))
      .map(([name]) => name)
      .sort();
    expect(waiting).toEqual([
      'AwaitAdvanceCompensation',
      'AwaitChoice',
      'AwaitCompensation',
      'AwaitEvidence',
      'AwaitReturn',
      'AwaitReturnAfterExchange',
      'ManualReview',
      'ManualReviewEscalated',
      'ManualReviewReminded',
      'Survey',
      'SurveyReminded',
    ]);
  });

  it.each([
    ['AwaitEvidence', 'evidence', '$.signal'],
    ['AwaitReturn', 'return', '$.signal'],
    ['AwaitReturnAfterExchange', 'return', '$.signal'],
    ['AwaitChoice', 'remedy_choice', '$.signal'],
    ['AwaitCompensation', 'compensation', '$.confirmation'],
    ['AwaitAdvanceCompensation', 'compensation', '$.confirmation'],
    ['ManualReview', 'manual_review', '$.signal'],
    ['ManualReviewReminded', 'manual_review', '$.signal'],
    ['ManualReviewEscalated', 'manual_review', '$.signal'],
  ])('%s parks its token with the await-event function as kind %s, its signal at %s', (name, kind, resultPath) => {
    const state = states[name]!;
    expect(functionOf(name)).toMatch(/^AwaitEvent[0-9A-F]{8}$/);
    expect(state.Parameters.Payload).toMatchObject({ 'caseId.$': '$.caseId', kind, 'taskToken.$': '$$.Task.Token' });
    expect(state.ResultPath).toBe(resultPath);
  });

  it.each(['ManualReview', 'ManualReviewReminded', 'ManualReviewEscalated'])('%s tells await-event the review targets from the execution', (name) => {
    expect(states[name]!.Parameters.Payload.review).toEqual({
      'reminderSeconds.$': '$.facts.timings.reviewReminderSeconds',
      'escalationSeconds.$': '$.facts.timings.reviewEscalationSeconds',
    });
  });

  it('CarrierLookup hands an outage to the workflow at once (no retries in the steps), which retries it with backoff (CarrierOutage), before any catch-all retrier', () => {
    const first = states.CarrierLookup!.Retry as Array<{ ErrorEquals: string[]; MaxAttempts?: number }>;
    const handOver = first.findIndex((r) => r.ErrorEquals.includes('CarrierUnavailableError') && r.ErrorEquals.includes('CarrierAuthError'));
    expect(first[handOver]!.MaxAttempts).toBe(0);
    expect(handOver).toBeLessThan(first.findIndex((r) => r.ErrorEquals.includes('States.TaskFailed')));
    const toOutage = (states.CarrierLookup!.Catch as Array<{ ErrorEquals: string[]; Next: string }>).find((c) => c.ErrorEquals.includes('CarrierUnavailableError'))!;
    expect(toOutage.ErrorEquals).toContain('CarrierAuthError');
    expect(via(toOutage.Next)).toBe('CarrierOutage');
    expect(functionOf('CarrierOutage')).toMatch(/^CarrierLookup[0-9A-F]{8}$/);
    expect(via(states.CarrierOutage!.Next)).toBe('CarrierVerdict');
    const retry = states.CarrierOutage!.Retry as Array<{ ErrorEquals: string[]; MaxAttempts?: number; BackoffRate?: number; IntervalSeconds?: number }>;
    const index = retry.findIndex((r) => r.ErrorEquals.includes('CarrierUnavailableError'));
    expect(index).toBeGreaterThanOrEqual(0);
    expect(retry[index]!.MaxAttempts).toBeGreaterThanOrEqual(3);
    expect(retry[index]!.BackoffRate).toBeGreaterThan(1);
    // Step Functions uses the first retrier that matches; States.TaskFailed matches every task error.
    const wildcard = retry.findIndex((r) => r.ErrorEquals.some((e) => e === 'States.TaskFailed' || e === 'States.ALL'));
    expect(wildcard === -1 || wildcard > index).toBe(true);
  });

  it('a carrier outage beyond the retries makes the case wait (CarrierUnavailable, then a Wait, then the lookup again), before the catch-all', () => {
    const catches = states.CarrierOutage!.Catch as Array<{ ErrorEquals: string[]; Next: string }>;
    const outage = catches.findIndex((c) => c.ErrorEquals.includes('CarrierUnavailableError'));
    const all = catches.findIndex((c) => c.ErrorEquals.includes('States.ALL'));
    expect(outage).toBeGreaterThanOrEqual(0);
    expect(outage).toBeLessThan(all);
    expect(catches[outage]!.Next).toBe('CarrierUnavailable');
    // A refused API key (rotated at the provider before the functions read the new one) waits the same way (issue 16).
    expect(catches[outage]!.ErrorEquals).toContain('CarrierAuthError');
    expect((states.CarrierOutage!.Retry as Array<{ ErrorEquals: string[] }>).find((r) => r.ErrorEquals.includes('CarrierUnavailableError'))!.ErrorEquals).toContain(
      'CarrierAuthError',
    );
    const step = states.CarrierUnavailable!;
    expect(functionOf('CarrierUnavailable')).toMatch(/^CarrierLookup[0-9A-F]{8}$/);
    expect(step.Parameters).toEqual({ 'caseId.$': '$.caseId', 'outage.$': '$.carrierError' });
    expect(step.Next).toBe('WaitForCarrierRecovery');
    expect(states.WaitForCarrierRecovery).toMatchObject({ Type: 'Wait', SecondsPath: '$.facts.timings.carrierOutageWaitSeconds' });
    expect(via(states.WaitForCarrierRecovery!.Next)).toBe('CarrierLookup');
  });

  // Regression: Step Functions applies the first matching retrier, so OrderPlatformError must come before
  // the generic States.TaskFailed one.
  it('Compensate retries OrderPlatformError with its own policy (not shadowed by States.TaskFailed)', () => {
    const retry = states.Compensate!.Retry as Array<{ ErrorEquals: string[] }>;
    const index = retry.findIndex((r) => r.ErrorEquals.includes('OrderPlatformError'));
    const wildcard = retry.findIndex((r) => r.ErrorEquals.includes('States.TaskFailed'));
    expect(index).toBeGreaterThanOrEqual(0);
    expect(wildcard === -1 || wildcard > index).toBe(true);
  });

  it('CheckCompensation retries CompensationPendingError (not confirmed yet) with backoff, then OrderPlatformError, before States.TaskFailed', () => {
    const retry = states.CheckCompensation!.Retry as Array<{
      ErrorEquals: string[];
      MaxAttempts?: number;
      BackoffRate?: number;
      IntervalSeconds?: number;
      MaxDelaySeconds?: number;
    }>;
    const pending = retry.findIndex((r) => r.ErrorEquals.includes('CompensationPendingError'));
    const platform = retry.findIndex((r) => r.ErrorEquals.includes('OrderPlatformError'));
    const wildcard = retry.findIndex((r) => r.ErrorEquals.includes('States.TaskFailed'));
    expect(pending).toBeGreaterThanOrEqual(0);
    expect(platform).toBeGreaterThanOrEqual(0);
    expect(wildcard).toBeGreaterThan(Math.max(pending, platform));
    expect(retry[pending]!.MaxAttempts).toBeGreaterThanOrEqual(3);
    expect(retry[pending]!.BackoffRate).toBeGreaterThan(1);
    expect(retry[pending]!.IntervalSeconds).toBeGreaterThanOrEqual(60);
    expect(retry[pending]!.MaxDelaySeconds).toBeDefined();
  });

  it('ChargeBack retries OrderPlatformError before States.TaskFailed', () => {
    const retry = states.ChargeBack!.Retry as Array<{ ErrorEquals: string[] }>;
    const index = retry.findIndex((r) => r.ErrorEquals.includes('OrderPlatformError'));
    const wildcard = retry.findIndex((r) => r.ErrorEquals.includes('States.TaskFailed'));
    expect(index).toBeGreaterThanOrEqual(0);
    expect(wildcard).toBeGreaterThan(index);
  });

  it('a compensation the platform reports failed goes to the failure recorder, not to the customer as resolved', () => {
    const confirmed = states['CompensationConfirmed?']!;
    expect(confirmed.Choices[0]).toEqual({ Variable: '$.confirmation.signal', StringEquals: 'failed', Next: 'CompensationFailed' });
    expect(states.CompensationFailed).toMatchObject({ Type: 'Pass', ResultPath: '$.error', Result: { Error: 'CompensationFailed' } });
    expect(via(states.CompensationFailed!.Next)).toBe('RecordFailure');
    expect(confirmed.Default).toBe('NotifyResolved');
  });

  it('the survey: opened by the survey function, which at the reminder time reminds and waits on in one step (SurveyReminded)', () => {
    expect(functionOf('Survey')).toMatch(/^Survey[0-9A-F]{8}$/);
    expect(states.Survey!.Parameters.Payload).toEqual({ 'caseId.$': '$.caseId', 'taskToken.$': '$$.Task.Token', 'expirySeconds.$': '$.facts.timings.surveyExpirySeconds' });
    const reminded = states.SurveyReminded!;
    expect(functionOf('SurveyReminded')).toBe(functionOf('Survey'));
    expect(reminded.Parameters.Payload).toEqual({ 'caseId.$': '$.caseId', 'taskToken.$': '$$.Task.Token', stage: 'reminder', 'round.$': '$.round' });
    expect(reminded).toMatchObject({ Resource: 'arn:${Ref:AWS::Partition}:states:::lambda:invoke.waitForTaskToken', ResultPath: '$.survey', Next: 'CloseCompleted' });
    expect(states.Survey!.Next).toBe('CloseCompleted');
  });

  it("the platform's confirmation goes straight to the customer's notice and the survey's wait; its reported failure is not retried", () => {
    expect(states.AwaitCompensation!.Next).toBe('NotifyConfirmed');
    expect(states.NotifyConfirmed!.Parameters.MessageBody.milestone).toBe('resolved');
    expect(states.NotifyConfirmed!.Next).toBe('WaitBeforeSurvey');
    for (const name of ['AwaitCompensation', 'AwaitAdvanceCompensation']) {
      const retry = states[name]!.Retry as Array<{ ErrorEquals: string[]; MaxAttempts?: number }>;
      const failed = retry.findIndex((r) => r.ErrorEquals.includes('CompensationFailed'));
      expect(retry[failed]?.MaxAttempts, name).toBe(0);
      expect(failed, name).toBeLessThan(retry.findIndex((r) => r.ErrorEquals.includes('States.TaskFailed')));
      // The catch-all records it: the error (CompensationFailed) is what the case's timeline shows.
      expect((states[name]!.Catch as Array<{ ErrorEquals: string[] }>).map((c) => c.ErrorEquals)).toEqual([['States.Timeout'], ['States.ALL']]);
    }
  });

  it('an exchange shipped ahead waits for its confirmation apart, chosen by Route on the plan, and goes through the steps', () => {
    const [first] = states.Route!.Choices as Array<Record<string, any>>;
    expect(first).toEqual({
      And: [
        { Variable: '$.next', StringEquals: 'AwaitCompensation' },
        {
          And: [
            { Variable: '$.plan.advanceExchange', IsPresent: true },
            { Variable: '$.plan.advanceExchange', BooleanEquals: true },
          ],
        },
      ],
      Next: 'AwaitAdvanceCompensation',
    });
    expect(via(states.AwaitAdvanceCompensation!.Next)).toBe('CompensationConfirmed?');
    expect(via('Confirmation')).toBe('CompensationConfirmed?');
  });

  it('every Task that can fail transiently retries States.TaskFailed; a stretch retries only its start (it is not run twice)', () => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type !== 'Task' || name === 'RecordFailure') continue;
      if (String(state.Resource).includes(':states:::states:startExecution')) {
        const errors = (state.Retry as Array<{ ErrorEquals: string[] }>).flatMap((r) => r.ErrorEquals);
        expect(errors, name).toEqual(['StepFunctions.ExecutionLimitExceededException', 'StepFunctions.SdkClientException']);
        continue;
      }
      expect(
        (state.Retry ?? []).some((r: { ErrorEquals: string[] }) => r.ErrorEquals.includes('States.TaskFailed')),
        name,
      ).toBe(true);
    }
  });

  it('every Lambda task targets a function of this stack and every notify task the notice queue', () => {
    let notifies = 0;
    for (const [name, state] of Object.entries(states)) {
      if (state.Type !== 'Task') continue;
      const resource = String(state.Resource);
      if (resource.endsWith(':states:::sqs:sendMessage')) {
        expect(state.Parameters.QueueUrl, name).toMatch(/^\$\{Ref:NoticesQueue[0-9A-F]{8}\}$/);
        // The round keeps a dispute's notices apart from the first run's (each round notifies afresh).
        const { 'dueInSeconds.$': dueIn, reason, ...body } = state.Parameters.MessageBody;
        expect(body, name).toEqual({ 'caseId.$': '$.caseId', milestone: expect.any(String), 'round.$': '$.round' });
        // Besides: how long the customer has to act (from the execution's timings), or why the case closes.
        if (dueIn !== undefined) expect(dueIn, name).toMatch(/^\$\.facts\.timings\.\w+Seconds$/);
        if (reason !== undefined) expect(['evidence_expired', 'return_expired'], name).toContain(reason);
        expect(MILESTONES, name).toContain(state.Parameters.MessageBody.milestone);
        // FIFO: one message group per case, so a customer's notices keep the order of its milestones.
        expect(state.Parameters['MessageGroupId.$'], name).toBe('$.caseId');
        notifies += 1;
      } else if (resource.includes(':states:::states:startExecution')) {
        expect(resources[target({ Ref: /^\$\{Ref:(\w+)\}$/.exec(state.Parameters.StateMachineArn)?.[1] })]?.Type, name).toBe('AWS::StepFunctions::StateMachine');
      } else if (resource.includes('lambda:invoke.waitForTaskToken')) {
        expect(resources[/^\$\{GetAtt:(\w+)\.Arn\}$/.exec(state.Parameters.FunctionName)?.[1] ?? '']?.Type, name).toBe('AWS::Lambda::Function');
      } else {
        expect(resources[/^\$\{GetAtt:(\w+)\.Arn\}$/.exec(resource)?.[1] ?? '']?.Type, name).toBe('AWS::Lambda::Function');
      }
    }
    expect(notifies).toBeGreaterThanOrEqual(13);
  });

  it('the notify tasks send the milestones of the case', () => {
    const sent = Object.entries(states)
      .filter(([, state]) => String(state.Resource).endsWith(':states:::sqs:sendMessage'))
      .map(([name, state]) => `${name}:${state.Parameters.MessageBody.milestone}`)
      .sort();
    expect(sent).toEqual([
      'NotifyApproved:decided',
      'NotifyCancelled:cancelled',
      'NotifyChargedBack:charged_back',
      'NotifyChoiceNeeded:remedy_choice_needed',
      'NotifyConfirmed:resolved',
      'NotifyDisputeReceived:dispute_received',
      'NotifyEvidenceExpired:closed',
      'NotifyEvidenceNeeded:evidence_needed',
      'NotifyReceived:received',
      'NotifyRejected:decided',
      'NotifyReplacementShipped:resolved',
      'NotifyResolved:resolved',
      'NotifyReturnExpired:closed',
      'NotifyShipBack:ship_back',
      'NotifyShipBackAfterExchange:ship_back',
    ]);
  });

  it('carries only the case id into tasks, never contact data', () => {
    expect(definitionText).not.toMatch(/email|phone|customerName|"name"/i);
  });
});

describe('docs/case-status.md', () => {
  /**
   * Transitions of the ASL of both machines: Next, Choices, Default and Catch (except the catch-all to RecordFailure
   * in the workflow and to GoFailed in the steps, stated in the doc).
   */
  function aslEdges(): Set<string> {
    const edges = new Set<string>();
    for (const [text, catchAll] of [
      [definitionText, 'RecordFailure'],
      [stepsText, 'GoFailed'],
    ] as const) {
      const definition = JSON.parse(text) as { StartAt: string; States: Record<string, AslState> };
      const machineStates = allStates(definition);
      const node = (name: string) => (machineStates[name]!.Type === 'Succeed' ? '[*]' : name);
      edges.add(`[*] --> ${definition.StartAt}`);
      for (const [name, state] of Object.entries(machineStates)) {
        if (state.Type === 'Succeed') continue;
        if (state.Type === 'Fail' || state.End === true) edges.add(`${name} --> [*]`);
        if (state.Next) edges.add(`${name} --> ${node(state.Next)}`);
        for (const choice of state.Choices ?? []) edges.add(`${name} --> ${node(choice.Next)}`);
        if (state.Default) edges.add(`${name} --> ${node(state.Default)}`);
        for (const c of state.Catch ?? []) {
          if (c.ErrorEquals.includes('States.ALL') && c.Next === catchAll) continue;
          edges.add(`${name} --> ${node(c.Next)}`);
        }
      }
    }
    return edges;
  }

  /** Transitions drawn in the document's mermaid stateDiagram (aliases resolved, labels dropped). */
  function diagramEdges(): Set<string> {
    const doc = readFileSync('docs/case-status.md', 'utf8');
    // The workflow's diagram and its steps' diagram.
    const diagram = [...doc.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
    const alias = new Map([...diagram.matchAll(/^\s*state "([^"]+)" as (\S+)/gm)].map((m) => [m[2]!, m[1]!]));
    const name = (n: string) => alias.get(n) ?? n;
    const edges = new Set<string>();
    for (const m of diagram.matchAll(/^\s*(\S+)\s*-->\s*(\S+)/gm)) edges.add(`${name(m[1]!)} --> ${name(m[2]!)}`);
    return edges;
  }

  it('draws exactly the transitions of the synthesized state machine', () => {
    const asl = aslEdges();
    const drawn = diagramEdges();
    expect(asl.size).toBeGreaterThan(40);
    expect(
      [...drawn].filter((e) => !asl.has(e)),
      'drawn but not in the state machine',
    ).toEqual([]);
    expect(
      [...asl].filter((e) => !drawn.has(e)),
      'in the state machine but not drawn',
    ).toEqual([]);
  });

  it('documents every case status and outcome of functions/domain/case.ts', async () => {
    const { CASE_STATUSES, OUTCOMES } = await import('../../functions/domain/case.js');
    const doc = readFileSync('docs/case-status.md', 'utf8');
    for (const status of CASE_STATUSES) expect(doc, status).toMatch(new RegExp(`^\\| \`${status}\` \\|`, 'm'));
    for (const outcome of OUTCOMES) expect(doc, outcome).toMatch(new RegExp(`^\\| \`${outcome}\` \\|`, 'm'));
  });
});

describe('queues', () => {
  it('each queue consumed by a function has a DLQ, SSE and TLS-only access; so has its DLQ', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(2);
    const sources = mappings.map(([, mapping]) => target(mapping.Properties.EventSourceArn));
    for (const id of sources) {
      const queue = resources[id]!;
      expect(queue.Type).toBe('AWS::SQS::Queue');
      expect(queue.Properties.SqsManagedSseEnabled === true || queue.Properties.KmsMasterKeyId !== undefined, id).toBe(true);
      const redrive = queue.Properties.RedrivePolicy;
      expect(redrive, `${id} has a RedrivePolicy`).toBeDefined();
      expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(1);
      const dlqId = target(redrive.deadLetterTargetArn);
      expect(dlqId).not.toBe(id);
      const dlq = resources[dlqId]!;
      expect(dlq.Type).toBe('AWS::SQS::Queue');
      expect(dlq.Properties.SqsManagedSseEnabled === true || dlq.Properties.KmsMasterKeyId !== undefined, dlqId).toBe(true);
      expect(dlq.Properties.MessageRetentionPeriod).toBe(14 * 86_400);
    }
    expect(sources.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['IntakeQueue', 'NoticesQueue']);
  });

  it('the notice queue is FIFO with content-based deduplication, and so is its DLQ; the intake queue is standard', () => {
    const queue = (prefix: string) => ofType('AWS::SQS::Queue').find(([id]) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
    const notices = queue('NoticesQueue')!;
    expect(notices[1].Properties).toMatchObject({ FifoQueue: true, ContentBasedDeduplication: true });
    expect(queue('NoticesDlq')![1].Properties.FifoQueue).toBe(true);
    expect(target(notices[1].Properties.RedrivePolicy.deadLetterTargetArn)).toBe(queue('NoticesDlq')![0]);
    expect(queue('IntakeQueue')![1].Properties.FifoQueue).toBeUndefined();
  });

  it('every queue denies requests without TLS', () => {
    for (const [id] of ofType('AWS::SQS::Queue')) {
      const policy = ofType('AWS::SQS::QueuePolicy').find(([, p]) => p.Properties.Queues.some((q: unknown) => target(q) === id));
      expect(policy, `${id} has a queue policy`).toBeDefined();
      expect(policy![1].Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    }
  });

  it('event source mappings report batch item failures', () => {
    for (const [id, mapping] of ofType('AWS::Lambda::EventSourceMapping')) {
      expect(mapping.Properties.FunctionResponseTypes, id).toEqual(['ReportBatchItemFailures']);
    }
  });

  it('a consumed queue stays invisible long enough for its consumer (AWS advises 6 × the function timeout)', () => {
    for (const [id, mapping] of ofType('AWS::Lambda::EventSourceMapping')) {
      const queue = resources[target(mapping.Properties.EventSourceArn)]!;
      const fn = resources[target(mapping.Properties.FunctionName)]!;
      expect(queue.Properties.VisibilityTimeout, id).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
    }
  });
});

describe('functions', () => {
  it('are all on nodejs24.x, arm64, with active tracing and a bounded log group', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.length).toBe(23); // 21 + the privacy retention job + the ops console
    for (const [id, fn] of functions) {
      expect(fn.Properties.Runtime, id).toBe('nodejs24.x');
      expect(fn.Properties.Architectures, id).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      const logGroup = resources[target(fn.Properties.LoggingConfig?.LogGroup)];
      expect(logGroup?.Type, id).toBe('AWS::Logs::LogGroup');
      expect(logGroup?.Properties.RetentionInDays, id).toBeGreaterThan(0);
    }
  });

  it('each names an existing handler file under functions/handlers that exports `handler`', () => {
    const entries = new Set<string>();
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      const entry = fn.Metadata?.['aftersales:entry'];
      expect(entry, id).toMatch(/^functions\/handlers\/[a-z0-9-]+\.ts$/);
      expect(existsSync(entry as string), `${id}: ${String(entry)}`).toBe(true);
      expect(readFileSync(entry as string, 'utf8'), String(entry)).toMatch(/export (async function|const) handler\b/);
      entries.add(entry as string);
    }
    expect(entries.size).toBe(23);
  });

  it.each([
    ['ReviewTimer', 'functions/handlers/review-timer.ts'],
    ['PlanRemedy', 'functions/handlers/plan-remedy.ts'],
    ['Compensate', 'functions/handlers/compensate.ts'],
    ['OpsApi', 'functions/handlers/ops-api.ts'],
    ['SlaMonitor', 'functions/handlers/sla-monitor.ts'],
    ['PrivacyRetentionFunction', 'functions/handlers/privacy-retention.ts'],
  ])('%s runs %s', (prefix, entry) => {
    const found = ofType('AWS::Lambda::Function').filter(([id]) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
    expect(found).toHaveLength(1);
    expect(found[0]![1].Metadata?.['aftersales:entry']).toBe(entry);
  });

  it('the review timer publishes its alerts to the encrypted OpsAlerts topic, the one the alarms notify', () => {
    const [[timerId, timer]] = ofType('AWS::Lambda::Function').filter(([id]) => /^ReviewTimer[0-9A-F]{8}$/.test(id)) as [[string, Resource]];
    const topicId = target(timer.Properties.Environment.Variables.OPS_ALERTS_TOPIC_ARN);
    expect(resources[topicId]?.Type).toBe('AWS::SNS::Topic');
    expect(resources[topicId]!.Properties.KmsMasterKeyId).toBeDefined();
    const roleId = target(timer.Properties.Role);
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: unknown) => target(r) === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'sns:Publish', Resource: { Ref: topicId } }));
    const alarmTopics = ofType('AWS::CloudWatch::Alarm').map(([, a]) => target(a.Properties.AlarmActions[0]));
    expect(new Set(alarmTopics)).toEqual(new Set([topicId]));
    expect(timerId).toBeDefined();
  });

  it('the operations API may resume a waiting review (SendTaskSuccess on the case workflow)', () => {
    const [[, api]] = ofType('AWS::Lambda::Function').filter(([id]) => /^OpsApi[0-9A-F]{8}$/.test(id)) as [[string, Resource]];
    const roleId = target(api.Properties.Role);
    const actions = ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: unknown) => target(r) === roleId))
      .flatMap(([, p]) => (p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>).flatMap((st) => [st.Action].flat()));
    expect(actions).toContain('states:SendTaskSuccess');
  });

  it('no environment variable holds a secret value: secrets are passed as *_SECRET_ARN only', () => {
    const secretIds = new Set(ofType('AWS::SecretsManager::Secret').map(([id]) => id));
    expect(secretIds.size).toBe(7);
    const secretArnVars: string[] = [];
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      for (const [name, value] of Object.entries<unknown>(fn.Properties.Environment?.Variables ?? {})) {
        const serialized = JSON.stringify(value);
        expect(serialized, `${id}.${name}`).not.toMatch(/resolve:secretsmanager|SecretString|whsec_/);
        const referencesSecret = secretIds.has(target(value));
        if (name.endsWith('_SECRET_ARN')) {
          expect(referencesSecret, `${id}.${name} is a secret's ARN`).toBe(true);
          expect(value, `${id}.${name}`).toEqual({ Ref: expect.any(String) }); // Ref of a secret is its ARN
          secretArnVars.push(name);
        } else {
          expect(referencesSecret, `${id}.${name} must not reference a secret`).toBe(false);
          expect(name, `${id}.${name}`).not.toMatch(/SECRET|PASSWORD|PRIVATE|API_KEY|TOKEN$/);
        }
      }
    }
    expect([...new Set(secretArnVars)].sort()).toEqual([
      'CARRIER_API_KEY_17TRACK_SECRET_ARN',
      'CARRIER_API_KEY_AFTERSHIP_SECRET_ARN',
      'CARRIER_API_KEY_KUAIDI100_SECRET_ARN',
      'CARRIER_WEBHOOK_SECRET_SECRET_ARN',
      'ORDER_PLATFORM_TOKEN_SECRET_ARN',
      'STATUS_LINK_SECRET_SECRET_ARN',
      'WEBHOOK_SECRET_SECRET_ARN',
    ]);
  });
});

describe('case table', () => {
  it('has pk/sk keys, PITR, SSE, deletion protection, TTL, the gsi1 status index and the gsi2 due index; it is retained', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        GlobalSecondaryIndexes: [
          Match.objectLike({
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
          }),
          Match.objectLike({
            IndexName: 'gsi2',
            KeySchema: [
              { AttributeName: 'gsi2pk', KeyType: 'HASH' },
              { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
            ],
          }),
          Match.objectLike({ IndexName: 'gsi3' }),
        ],
      }),
    });
  });

  it('has the gsi3 lookup index (order, customer, month, type, assignee, access log by operator), carrying the access-log fields', () => {
    const [, table] = ofType('AWS::DynamoDB::Table')[0]!;
    const lookup = table.Properties.GlobalSecondaryIndexes.find((i: { IndexName: string }) => i.IndexName === 'gsi3');
    expect(lookup).toEqual({
      IndexName: 'gsi3',
      KeySchema: [
        { AttributeName: 'gsi3pk', KeyType: 'HASH' },
        { AttributeName: 'gsi3sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['caseId', 'operator', 'role', 'read', 'route', 'at'] },
    });
    expect(table.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'gsi3pk', AttributeType: 'S' },
        { AttributeName: 'gsi3sk', AttributeType: 'S' },
      ]),
    );
  });

  it('the handler tests create the same indexes as the stack (tests/handlers/env.ts)', () => {
    const [, table] = ofType('AWS::DynamoDB::Table')[0]!;
    expect(CASE_TABLE.createTableInput.GlobalSecondaryIndexes).toEqual(table.Properties.GlobalSecondaryIndexes);
  });
});

describe('HTTP API', () => {
  it.each([
    ['POST /webhooks/order-platform', 'NONE', 'IngestWebhook'],
    ['ANY /ops/{proxy+}', 'JWT', 'OpsApi'],
    ['GET /surveys/{token}', 'NONE', 'SurveyApi'],
    ['POST /surveys/{token}', 'NONE', 'SurveyApi'],
    ['POST /webhooks/carriers/{provider}', 'NONE', 'CarrierWebhook'],
    ['GET /cases/{caseId}/status', 'NONE', 'StatusPage'],
    ['POST /cases/{caseId}/status', 'NONE', 'StatusPage'],
    // The console verifies its own session cookie (browsers send no Authorization header): docs/operations.md "Console".
    ['GET /console', 'NONE', 'OpsConsole'],
    ['GET /console/{proxy+}', 'NONE', 'OpsConsole'],
    ['POST /console/{proxy+}', 'NONE', 'OpsConsole'],
  ])('routes %s (authorization %s) to %s', (routeKey, authorization, fnPrefix) => {
    const routes = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey === routeKey);
    expect(routes).toHaveLength(1);
    const [, route] = routes[0]!;
    expect(route.Properties.AuthorizationType).toBe(authorization);
    const integrationId = /^integrations\/\$\{Ref:(\w+)\}$/.exec(joinToString(route.Properties.Target))?.[1];
    const integration = resources[integrationId ?? '']!;
    expect(integration.Type).toBe('AWS::ApiGatewayV2::Integration');
    expect(target(integration.Properties.IntegrationUri)).toMatch(new RegExp(`^${fnPrefix}[0-9A-F]{8}$`));
  });

  it('has exactly those routes', () => {
    expect(
      ofType('AWS::ApiGatewayV2::Route')
        .map(([, r]) => r.Properties.RouteKey)
        .sort(),
    ).toEqual([
      'ANY /ops/{proxy+}',
      'GET /cases/{caseId}/status',
      'GET /console',
      'GET /console/{proxy+}',
      'GET /surveys/{token}',
      'POST /cases/{caseId}/status',
      'POST /console/{proxy+}',
      'POST /surveys/{token}',
      'POST /webhooks/carriers/{provider}',
      'POST /webhooks/order-platform',
    ]);
  });

  it('the stage is throttled and writes access logs to a log group', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    const [[, stage]] = ofType('AWS::ApiGatewayV2::Stage') as [[string, Resource]];
    expect(stage.Properties.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(stage.Properties.DefaultRouteSettings.ThrottlingBurstLimit).toBeGreaterThan(0);
    expect(resources[target(stage.Properties.AccessLogSettings.DestinationArn)]?.Type).toBe('AWS::Logs::LogGroup');
    expect(stage.Properties.AccessLogSettings.Format).toContain('$context.requestId');
  });
});

describe('the AWS watch: dashboard and alarms (cdk-monitoring-constructs)', () => {
  type AlarmProps = Record<string, any>;
  const alarms = (): AlarmProps[] => ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  /** The one metric an alarm watches (the library writes every alarm as a Metrics list with one MetricStat). */
  const watched = (a: AlarmProps) => a.Metrics?.[0]?.MetricStat ?? {};
  const on = (namespace: string, metricName: string, dimension?: (d: { Name: string; Value: unknown }) => boolean) =>
    alarms().filter(
      (a) => watched(a).Metric?.Namespace === namespace && watched(a).Metric?.MetricName === metricName && (!dimension || (watched(a).Metric?.Dimensions ?? []).some(dimension)),
    );
  const topicId = () => ofType('AWS::SNS::Topic').find(([id]) => /^OpsAlerts[0-9A-F]{8}$/.test(id))![0];
  const byLogicalId = (prefix: string) => (d: { Value: unknown }) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(target(d.Value));

  it('a dashboard of the pipeline, with the business metrics of the Aftersales namespace', () => {
    const dashboards = ofType('AWS::CloudWatch::Dashboard').map(([, d]) => JSON.stringify(d.Properties.DashboardBody));
    expect(dashboards.length).toBeGreaterThanOrEqual(1);
    const body = dashboards.join('\n');
    for (const metric of ['CasesOpened', 'CasesClosed', 'Decisions', 'Payouts', 'NoticesSent', 'NoticesFailed', 'SlaBreached', 'CarrierLookups'])
      expect(body, metric).toContain(metric);
    for (const resource of ['Case workflow', 'Intake queue', 'Notices queue', 'HTTP API', 'SlaMonitor']) expect(body, resource).toContain(resource);
  });

  it('every alarm notifies the OpsAlerts topic (and only it), with its actions enabled', () => {
    expect(alarms().length).toBeGreaterThan(0);
    for (const a of alarms()) {
      expect(a.AlarmActions.map(target), a.AlarmName).toEqual([topicId()]);
      expect(a.ActionsEnabled, a.AlarmName).toBe(true);
    }
  });

  it.each(['IntakeDlq', 'NoticesDlq', 'NoticeDeliveryFailedEvents'])('the %s has an alarm on any visible message', (queuePrefix) => {
    const found = on('AWS/SQS', 'ApproximateNumberOfMessagesVisible', byLogicalId(queuePrefix));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it.each(['IntakeQueue', 'NoticesQueue'])('the %s has an alarm on the age of its oldest message', (queuePrefix) => {
    expect(on('AWS/SQS', 'ApproximateAgeOfOldestMessage', byLogicalId(queuePrefix))).toHaveLength(1);
  });

  it.each(['ExecutionsFailed', 'ExecutionsTimedOut'])('the case workflow alarms on %s', (metricName) => {
    const [machineId] = ofType('AWS::StepFunctions::StateMachine').find(([, m]) => m.Properties.StateMachineType === 'STANDARD')!;
    const found = on('AWS/States', metricName, (d) => d.Name === 'StateMachineArn' && target(d.Value) === machineId);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('every function has an errors, a throttles and a duration alarm', () => {
    const functionIds = ofType('AWS::Lambda::Function')
      .filter(([, f]) => f.Metadata?.['aftersales:entry'])
      .map(([id]) => id);
    expect(functionIds.length).toBeGreaterThan(15);
    for (const id of functionIds) {
      const ofFunction = (metricName: string) => on('AWS/Lambda', metricName, (d) => d.Name === 'FunctionName' && target(d.Value) === id);
      expect(ofFunction('Errors'), `${id} Errors`).toHaveLength(1);
      expect(ofFunction('Throttles'), `${id} Throttles`).toHaveLength(1);
      expect(ofFunction('Duration'), `${id} Duration`).toHaveLength(1);
    }
  });

  it("each function's alarms are named after that function, and no two functions share a name", () => {
    const functionIds = ofType('AWS::Lambda::Function')
      .filter(([, f]) => f.Metadata?.['aftersales:entry'])
      .map(([id]) => id);
    const named = functionIds.map((id) => {
      const [errors] = on('AWS/Lambda', 'Errors', (d) => d.Name === 'FunctionName' && target(d.Value) === id);
      return { id, name: /^Aftersales-(.+)-Fault-Count-/.exec(errors!.AlarmName)![1]! };
    });
    // PrivacyRetention/Function was once named just 'Function': an alarm on call that said nothing about what failed.
    expect(named.find(({ id }) => id.startsWith('PrivacyRetention'))!.name).toBe('PrivacyRetention');
    expect(new Set(named.map(({ name }) => name)).size).toBe(named.length);
    for (const { id, name } of named) expect(id, name).toContain(name);
  });

  it('the HTTP API alarms on 5xx, 4xx and latency', () => {
    const apiId = ofType('AWS::ApiGatewayV2::Api')[0]![0];
    for (const metricName of ['5xx', '4xx', 'Latency'])
      expect(
        on('AWS/ApiGateway', metricName, (d) => d.Name === 'ApiId' && target(d.Value) === apiId),
        metricName,
      ).toHaveLength(1);
  });

  it('an SLA breach (the business metric, total by service) raises a critical alarm', () => {
    const found = on('Aftersales', 'SlaBreached', (d) => d.Name === 'service' && d.Value === 'aftersales');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', AlarmName: expect.stringMatching(/Critical$/) });
  });

  it('every function publishes its metrics in the Aftersales namespace as service aftersales', () => {
    for (const [id, f] of ofType('AWS::Lambda::Function').filter(([, f]) => f.Metadata?.['aftersales:entry'])) {
      expect(f.Properties.Environment.Variables, id).toMatchObject({ POWERTOOLS_METRICS_NAMESPACE: 'Aftersales', POWERTOOLS_SERVICE_NAME: 'aftersales' });
    }
  });
});

describe('carrier tracking', () => {
  const fnNamed = (prefix: string) => {
    const found = ofType('AWS::Lambda::Function').filter(([id]) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
    expect(found, prefix).toHaveLength(1);
    return found[0]!;
  };
  const actionsOf = (fn: Resource) =>
    ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: unknown) => target(r) === target(fn.Properties.Role)))
      .flatMap(([, p]) => (p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>).flatMap((st) => [st.Action].flat()));

  it('TrackShipments runs every 15 minutes from an EventBridge rule, retried twice, and may spend 5 minutes', () => {
    const [pollerId, poller] = fnNamed('TrackShipments');
    expect(poller.Metadata?.['aftersales:entry']).toBe('functions/handlers/track-shipments.ts');
    expect(poller.Properties.Timeout).toBe(300);
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.Targets.some((t: any) => target(t.Arn) === pollerId));
    expect(rules).toHaveLength(1);
    expect(rules[0]![1].Properties.ScheduleExpression).toBe('rate(15 minutes)');
    expect(rules[0]![1].Properties.Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 2 });
    expect(actionsOf(poller)).toEqual(expect.arrayContaining(['sqs:SendMessage', 'sns:Publish', 'secretsmanager:GetSecretValue', 'dynamodb:Query']));
  });

  it('CarrierWebhook reads its own secret and queues intake events; StartCase files shipments under the same provider settings', () => {
    const [, webhook] = fnNamed('CarrierWebhook');
    const env = webhook.Properties.Environment.Variables;
    expect(resources[target(env.CARRIER_WEBHOOK_SECRET_SECRET_ARN)]?.Type).toBe('AWS::SecretsManager::Secret');
    expect(env.CARRIER_API_KEY_AFTERSHIP_SECRET_ARN).toBeUndefined();
    expect(actionsOf(webhook)).toEqual(expect.arrayContaining(['sqs:SendMessage', 'secretsmanager:GetSecretValue']));
    const [, startCase] = fnNamed('StartCase');
    const [, lookup] = fnNamed('CarrierLookup');
    for (const name of ['CARRIER_PROVIDER', 'CARRIER_API_URL', 'CARRIER_CODES']) {
      expect(startCase.Properties.Environment.Variables[name], name).toEqual(lookup.Properties.Environment.Variables[name]);
      expect(env[name], name).toEqual(lookup.Properties.Environment.Variables[name]);
    }
    expect(startCase.Properties.Environment.Variables.PROACTIVE_DETECTION).toEqual({ Ref: 'ProactiveDetection' });
  });

  it('proactive detection is a stack parameter that defaults to the policy (off in CN)', () => {
    const parameter = (template.toJSON().Parameters as Record<string, any>).ProactiveDetection;
    expect(parameter).toMatchObject({ Type: 'String', Default: 'policy', AllowedValues: ['policy', 'on', 'off'] });
  });

  it('the carrier lookup may alert operators (OpsAlerts topic) when the carrier stays down', () => {
    const [, lookup] = fnNamed('CarrierLookup');
    expect(resources[target(lookup.Properties.Environment.Variables.OPS_ALERTS_TOPIC_ARN)]?.Type).toBe('AWS::SNS::Topic');
    expect(actionsOf(lookup)).toContain('sns:Publish');
  });
});

describe('SLA (docs/sla.md)', () => {
  const fnNamed = (prefix: string) => ofType('AWS::Lambda::Function').find(([id]) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id))!;
  const actionsOf = (fnId: string) => {
    const roleId = target(resources[fnId]!.Properties.Role);
    return ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: unknown) => target(r) === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
  };

  it('an EventBridge rule runs the SLA monitor every 5 minutes, retried twice', () => {
    const [monitorId] = fnNamed('SlaMonitor');
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.Targets.some((t: any) => target(t.Arn) === monitorId));
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0]!;
    expect(rule.Properties).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED' });
    expect(rule.Properties.Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 2 });
    expect(ofType('AWS::Lambda::Permission').some(([, p]) => target(p.Properties.FunctionName) === monitorId && p.Properties.Principal === 'events.amazonaws.com')).toBe(true);
  });

  it('an EventBridge rule runs the privacy retention job every hour, retried twice; its errors raise an alarm', () => {
    const [retentionId] = fnNamed('PrivacyRetentionFunction');
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.Targets.some((t: any) => target(t.Arn) === retentionId));
    expect(rules).toHaveLength(1);
    expect(rules[0]![1].Properties).toMatchObject({ ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' });
    expect(rules[0]![1].Properties.Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 2 });
    // A scheduled function: any failed run is critical (personal data past retention may stay unredacted).
    const alarms = ofType('AWS::CloudWatch::Alarm').filter(
      ([, a]) => a.Properties.Metrics?.[0]?.MetricStat?.Metric?.MetricName === 'Errors' && target(a.Properties.Metrics[0].MetricStat.Metric.Dimensions?.[0]?.Value) === retentionId,
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]![1].Properties).toMatchObject({ Threshold: 0, AlarmName: expect.stringMatching(/Critical$/) });
  });

  it.each(['SlaMonitor', 'Classify', 'StartCase', 'OpsApi'])('%s publishes SLA alerts to the OpsAlerts topic', (prefix) => {
    const [id, fn] = fnNamed(prefix);
    const topicId = target(fn.Properties.Environment.Variables.OPS_ALERTS_TOPIC_ARN);
    expect(resources[topicId]?.Type).toBe('AWS::SNS::Topic');
    expect(actionsOf(id)).toContainEqual(expect.objectContaining({ Action: 'sns:Publish', Resource: { Ref: topicId } }));
  });

  it('the SLA monitor reads the table (due index) and has a minute to run; its errors raise an alarm', () => {
    const [id, fn] = fnNamed('SlaMonitor');
    expect(fn.Properties.Timeout).toBe(60);
    expect(fn.Properties.Environment.Variables.TABLE_NAME).toBeDefined();
    expect(actionsOf(id).flatMap((st) => [st.Action].flat())).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem']));
    // Any failed run is critical (due-soon or breach alerts may be missing).
    const alarms = ofType('AWS::CloudWatch::Alarm').filter(
      ([, a]) => a.Properties.Metrics?.[0]?.MetricStat?.Metric?.MetricName === 'Errors' && a.Properties.Metrics[0].MetricStat.Metric.Dimensions?.[0]?.Value?.Ref === id,
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]![1].Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', AlarmName: expect.stringMatching(/Critical$/) });
  });

  it('the operations API may queue the delay notice of a pause (NOTICE_QUEUE_URL, SendMessage on the notice queue)', () => {
    const [id, fn] = fnNamed('OpsApi');
    const queueId = target(fn.Properties.Environment.Variables.NOTICE_QUEUE_URL);
    expect(resources[queueId]?.Properties.FifoQueue).toBe(true);
    expect(actionsOf(id)).toContainEqual(expect.objectContaining({ Action: expect.arrayContaining(['sqs:SendMessage']), Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } }));
  });
});

describe('notice delivery', () => {
  const fnBy = (prefix: string) => {
    const found = ofType('AWS::Lambda::Function').filter(([id]) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
    expect(found, prefix).toHaveLength(1);
    return found[0]!;
  };
  it('a notice claim goes stale only after a redelivery could meet its sender still at work (else a slow send goes twice)', () => {
    const [[, queue]] = ofType('AWS::SQS::Queue').filter(([id]) => /^NoticesQueue[0-9A-F]{8}$/.test(id)) as [[string, Resource]];
    const [, notifier] = fnBy('Notifier');
    expect(STALE_CLAIM_MS / 1000).toBeGreaterThan(queue.Properties.VisibilityTimeout + notifier.Properties.Timeout);
  });

  const actionsOf = (fn: Resource) =>
    ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: unknown) => target(r) === target(fn.Properties.Role)))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
  const eventsTopic = () => {
    const [[id, resource]] = ofType('AWS::SNS::Topic').filter(([id]) => /^NoticeDeliveryEvents[0-9A-F]{8}$/.test(id)) as [[string, Resource]];
    return { id, resource };
  };

  it('delivery events arrive on a KMS-encrypted, TLS-only topic that SES and End User Messaging SMS may publish to', () => {
    const { id, resource } = eventsTopic();
    expect(resource.Properties.KmsMasterKeyId).toBeDefined();
    const policies = ofType('AWS::SNS::TopicPolicy').filter(([, p]) => p.Properties.Topics.some((t: unknown) => target(t) === id));
    const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
    const publishers = statements.filter((s) => s.Effect === 'Allow' && s.Action === 'sns:Publish').map((s) => s.Principal?.Service);
    expect(publishers.sort()).toEqual(['ses.amazonaws.com', 'sms-voice.amazonaws.com']);
    expect(statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
    const key = resources[target(resource.Properties.KmsMasterKeyId)]!;
    const keyServices = (key.Properties.KeyPolicy.Statement as Array<Record<string, any>>).flatMap((s) => [s.Principal?.Service ?? []].flat());
    expect(keyServices).toEqual(expect.arrayContaining(['ses.amazonaws.com', 'sms-voice.amazonaws.com']));
  });

  it('the SES configuration set the notifier uses sends bounces, complaints, rejects and rendering failures there', () => {
    const [notifierId, notifier] = fnBy('Notifier');
    const configurationSet = target(notifier.Properties.Environment.Variables.SES_CONFIGURATION_SET);
    const [[, destination]] = ofType('AWS::SES::ConfigurationSetEventDestination') as [[string, Resource]];
    expect(target(destination.Properties.ConfigurationSetName)).toBe(configurationSet);
    expect(destination.Properties.EventDestination).toMatchObject({ Enabled: true, SnsDestination: { TopicARN: { Ref: eventsTopic().id } } });
    expect([...destination.Properties.EventDestination.MatchingEventTypes].sort()).toEqual(['bounce', 'complaint', 'reject', 'renderingFailure']);
    expect(notifierId).toBeDefined();
  });

  it('an End User Messaging SMS configuration set (the notifier sends through it) sends failure events there', () => {
    const [, notifier] = fnBy('Notifier');
    const [[, set]] = ofType('AWS::SMSVOICE::ConfigurationSet') as [[string, Resource]];
    expect(joinToString(notifier.Properties.Environment.Variables.SMS_CONFIGURATION_SET)).toBe(joinToString(set.Properties.ConfigurationSetName));
    const [destination] = set.Properties.EventDestinations;
    expect(destination).toMatchObject({ Enabled: true, SnsDestination: { TopicArn: { Ref: eventsTopic().id } } });
    expect(destination.MatchingEventTypes).toEqual(expect.arrayContaining(['TEXT_BLOCKED', 'TEXT_INVALID', 'TEXT_UNREACHABLE', 'TEXT_CARRIER_UNREACHABLE']));
    expect(destination.MatchingEventTypes).not.toContain('TEXT_DELIVERED');
  });

  it('the DeliveryEvents function is subscribed to the topic, and may requeue notices', () => {
    const [id, fn] = fnBy('NoticeDeliveryDeliveryEvents');
    expect(fn.Metadata?.['aftersales:entry']).toBe('functions/handlers/delivery-events.ts');
    const subscriptions = ofType('AWS::SNS::Subscription').map(([, s]) => s.Properties);
    expect(subscriptions).toContainEqual(expect.objectContaining({ Protocol: 'lambda', TopicArn: { Ref: eventsTopic().id }, Endpoint: { 'Fn::GetAtt': [id, 'Arn'] } }));
    expect(actionsOf(fn).flatMap((s) => [s.Action].flat())).toContain('sqs:SendMessage');
  });

  it('a delivery event DeliveryEvents still fails on after two retries is parked in a queue kept 14 days, not dropped', () => {
    const [id] = fnBy('NoticeDeliveryDeliveryEvents');
    const [[, config]] = ofType('AWS::Lambda::EventInvokeConfig').filter(([, c]) => c.Properties.FunctionName.Ref === id) as [[string, Resource]];
    expect(config.Properties.MaximumRetryAttempts).toBe(2);
    const queue = resources[target(config.Properties.DestinationConfig.OnFailure.Destination)]!;
    expect(queue.Type).toBe('AWS::SQS::Queue');
    expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
  });

  it('a rule runs the deferred-notice dispatcher every 5 minutes, with retries', () => {
    const [id, fn] = fnBy('NoticeDeliveryDispatchDeferredNotices');
    expect(fn.Metadata?.['aftersales:entry']).toBe('functions/handlers/dispatch-deferred-notices.ts');
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => r.Properties.Targets.some((t: any) => target(t.Arn) === id));
    expect(rules).toHaveLength(1);
    expect(rules[0]![1].Properties).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED' });
    expect(rules[0]![1].Properties.Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 2 });
  });

  it('the notifier gets quiet hours, the order platform pages and the status link secret as configuration', () => {
    const [, notifier] = fnBy('Notifier');
    const env = notifier.Properties.Environment.Variables;
    for (const [variable, parameter] of [
      ['SMS_QUIET_HOURS', 'SmsQuietHours'],
      ['EVIDENCE_UPLOAD_URL', 'EvidenceUploadUrl'],
      ['REMEDY_CHOICE_URL', 'RemedyChoiceUrl'],
      ['SMS_ORIGINATION_IDENTITY', 'SmsOriginationIdentity'],
    ]) {
      expect(env[variable!], variable).toEqual({ Ref: parameter });
    }
    const parameters = template.toJSON().Parameters as Record<string, { Default?: string }>;
    expect(parameters.SmsQuietHours?.Default).toBe('21:00-08:00');
    expect(parameters.EvidenceUploadUrl?.Default).toContain('{requestId}');
    expect(parameters.RemedyChoiceUrl?.Default).toContain('{choice}');
    // The notices queue's maxReceiveCount: the notifier records a notice as undeliverable on its last attempt.
    const [[, queue]] = ofType('AWS::SQS::Queue').filter(([id]) => /^NoticesQueue[0-9A-F]{8}$/.test(id)) as [[string, Resource]];
    expect(env.NOTICE_MAX_RECEIVES).toBe(String(queue.Properties.RedrivePolicy.maxReceiveCount));
    expect(env.STATUS_LINK_SECRET_SECRET_ARN).toBeDefined();
  });
});

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalTopology } from '../../local/cfn/types.js';
import { caseStateMachine } from '../../local/pipeline.js';
import { requestedEvent } from '../../scripts/example-cases.js';
import { isSettled, startHarness, type Harness } from './harness.js';

/**
 * Cases in flight across a deploy. Step Functions runs an execution to its end on the definition it started with,
 * while the functions it calls (and the Express steps it starts) are already this release's. Here the local engine
 * runs the previous release's case workflow (fixtures/case-workflow-6384ee3.asl.json: the Standard definition
 * synthesized at commit 6384ee3, before the survey reminder and the confirmation were cut to one step each) against
 * this release's functions and steps, and then this release's definition, for the paths those cuts changed.
 */
type AslMachine = { States: Record<string, { Retry?: Array<{ ErrorEquals: string[]; MaxAttempts: number }> }> };

let h: Harness;
let current: object;
let previous: object;

/** The fixture's placeholders (`${Ref:Id}`, `${GetAtt:Id.Arn}`) resolved as the local runtime resolves the template. */
function resolvePrevious(topology: LocalTopology): object {
  const text = readFileSync(new URL('./fixtures/case-workflow-6384ee3.asl.json', import.meta.url), 'utf8');
  const resolved = text.replace(/\$\{(Ref|GetAtt):([\w:]+?)(?:\.Arn)?\}/g, (placeholder, _kind: string, id: string) => {
    if (id === 'AWS::Partition') return 'aws';
    const value = topology.functions[id]?.arn ?? topology.queues[id]?.url ?? topology.stateMachines[id]?.arn;
    if (!value) throw new Error(`${placeholder}: not in this release's template (a logical id changed?)`);
    return value;
  });
  return JSON.parse(resolved) as object;
}

const deploy = (definition: object) => h.pipeline.stepFunctions.updateStateMachine({ stateMachineArn: caseStateMachine(h.pipeline.topology).arn, definition });

function history(caseId: string) {
  const [execution] = h.pipeline.stepFunctions
    .listExecutions({ stateMachineArn: caseStateMachine(h.pipeline.topology).arn, maxResults: 1000 })
    .executions!.filter((e) => e.name === caseId);
  return h.pipeline.stepFunctions.getExecutionHistory({ executionArn: execution!.executionArn!, maxResults: 1000 }).events ?? [];
}

/** The states the case's execution entered, in order (a retry enters no state again). */
const path = (caseId: string): string[] =>
  history(caseId)
    .filter((e) => e.type?.endsWith('StateEntered'))
    .map((e) => e.stateEnteredEventDetails!.name!);

/** The errors the case's execution's tasks failed with, in order (every attempt, retries included). */
const taskErrors = (caseId: string): string[] =>
  history(caseId)
    .filter((e) => e.type === 'TaskFailed' || e.type === 'LambdaFunctionFailed')
    .map((e) => String(e.taskFailedEventDetails?.error ?? e.lambdaFunctionFailedEventDetails?.error));

/** How many times the task of `state` was scheduled (1 + its retries) the last time the execution entered it. */
function attemptsIn(caseId: string, state: string): number {
  const events = history(caseId);
  const entered = events.findLastIndex((e) => e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name === state);
  const exited = events.findIndex((e, i) => i > entered && e.type?.endsWith('StateEntered'));
  return events.slice(entered, exited === -1 ? undefined : exited).filter((e) => e.type === 'TaskScheduled').length;
}

const sent = (view: Record<string, any>, milestone: string) => view.notices.filter((n: any) => n.milestone === milestone && n.status === 'sent');

beforeAll(async () => {
  h = await startHarness({ SURVEY_REMINDER_SECONDS: '2', SURVEY_EXPIRY_SECONDS: '6' });
  current = caseStateMachine(h.pipeline.topology).definition as object;
  previous = resolvePrevious(h.pipeline.topology);
});
afterAll(async () => {
  await h?.stop();
});

async function unansweredSurvey(email: string) {
  const event = requestedEvent({ caseType: 'missing_part', locale: 'en', email, channels: ['email'] });
  const caseId = String((await h.platform.send(event)).body.caseId);
  const view = await h.ops.waitFor(caseId, isSettled, 60_000);
  expect(view).toMatchObject({ status: 'closed', outcome: 'approved' });
  expect(view.timeline.find((e: any) => e.event === 'case_closed')?.detail).toMatchObject({ reason: 'survey_expired' });
  const final = await h.ops.waitFor(caseId, (v) => sent(v, 'survey_reminder').length === 1, 10_000);
  expect(sent(final, 'survey_invitation')).toHaveLength(1);
  expect(final.notices.filter((n: any) => n.milestone === 'survey_reminder')).toHaveLength(1);
  return caseId;
}

async function failedCompensation() {
  h.pipeline.orderPlatform.failNextCompletions(1);
  const caseId = String((await h.platform.send(requestedEvent({ caseType: 'missing_part', locale: 'en', channels: ['email'] }))).body.caseId);
  const view = await h.ops.waitFor(caseId, isSettled, 60_000);
  expect(view).toMatchObject({ status: 'needs_attention', failure: { error: 'CompensationFailed' }, compensation: { status: 'failed' } });
  expect(view.timeline.filter((e: any) => e.event === 'step_failed').map((e: any) => e.detail)).toEqual([{ error: 'CompensationFailed' }]);
  // Never told it was resolved.
  expect(view.notices.filter((n: any) => n.milestone === 'resolved')).toEqual([]);
  return caseId;
}

describe("an execution started on the previous release's definition, with this release's functions", () => {
  beforeAll(() => deploy(previous));

  it('an unanswered survey is reminded once (by its own notice step) and closes survey_expired', async () => {
    const caseId = await unansweredSurvey('previous.release@example.com');
    expect(path(caseId).slice(-4)).toEqual(['Survey', 'NotifySurveyReminder', 'SurveyReminded', 'CloseSurveyExpired']);
  });

  it('a compensation the platform reports failed ends in front of an operator as CompensationFailed, as it did', async () => {
    const caseId = await failedCompensation();
    // Its wait failed with the error on each attempt (its catch-all retrier, States.TaskFailed, matched it: every
    // retry registered again and met the failure already on the case), and its Choice after the confirmation never
    // ran: the catch-all recorded it, once.
    const retrier = (previous as AslMachine).States.AwaitCompensation!.Retry!.find((r) => r.ErrorEquals.includes('States.TaskFailed'))!;
    expect(retrier.MaxAttempts).toBe(3);
    expect(taskErrors(caseId)).toEqual(Array(1 + retrier.MaxAttempts).fill('CompensationFailed'));
    expect(attemptsIn(caseId, 'AwaitCompensation')).toBe(1 + retrier.MaxAttempts);
    expect(path(caseId).slice(-3)).toEqual(['AwaitCompensation', 'RecordFailure', 'CaseNeedsAttention']);
  });
});

describe("this release's definition", () => {
  beforeAll(() => deploy(current));

  it('an unanswered survey is reminded once by SurveyReminded itself and closes survey_expired', async () => {
    const caseId = await unansweredSurvey('this.release@example.com');
    expect(path(caseId).slice(-3)).toEqual(['Survey', 'SurveyReminded', 'CloseSurveyExpired']);
    expect(path(caseId)).toEqual(['Intake', 'Route', 'AwaitCompensation', 'NotifyConfirmed', 'WaitBeforeSurvey', 'Survey', 'SurveyReminded', 'CloseSurveyExpired']);
  });

  it('a compensation the platform reports failed ends the wait as CompensationFailed, recorded at once', async () => {
    const caseId = await failedCompensation();
    // Not retried: the platform said so; one failure, one attempt, recorded.
    expect(taskErrors(caseId)).toEqual(['CompensationFailed']);
    expect(attemptsIn(caseId, 'AwaitCompensation')).toBe(1);
    expect(path(caseId).slice(-3)).toEqual(['AwaitCompensation', 'RecordFailure', 'CaseNeedsAttention']);
  });
});

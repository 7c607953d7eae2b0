import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import type { CaseRecord } from '../../functions/domain/case-record.js';
import { SatisfactionStore } from '../../functions/adapters/satisfaction-store.js';
import { SurveyStore } from '../../functions/adapters/survey-store.js';
import { localDateOf } from '../../functions/domain/working-days.js';
import { WaitStore } from '../../functions/adapters/wait-store.js';
import { CaseWorkflow } from '../../functions/adapters/workflow.js';
import { signal as deliverSignal } from '../../functions/use-cases/case-signals.js';
import { newSurveyToken, openSurvey, remindSurvey } from '../../functions/use-cases/steps/open-survey.js';
import { oneMarket } from '../markets.js';
import { addWaitForTokenMachine, eventually, importFresh, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase, unique } from './fixtures.js';

/**
 * The survey step, both as this release's workflow calls it (Survey opens it; SurveyReminded reminds and waits on) and
 * as a workflow started before it does (Survey the same; the reminder a notice task of its own, then await-event).
 */
let env: HandlerEnv;
let survey: (payload: unknown) => Promise<unknown>;
let queueUrl: string;
let cases: CaseStore;
let waits: WaitStore;
const machines = { open: '', remind: '' };

const waitItem = async (caseId: string) =>
  (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: 'WAIT#survey' }, ConsistentRead: true }))).Item;

async function queued() {
  const out = await env.sqs!.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  for (const m of out.Messages ?? []) await env.sqs!.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
  return (out.Messages ?? []).map((m) => JSON.parse(m.Body!) as Record<string, unknown>);
}

function start(machine: keyof typeof machines, input: Record<string, unknown>) {
  const { executionArn } = env.sfn!.service.startExecution({
    stateMachineArn: machines[machine],
    name: `${String(input.caseId)}-${randomUUID().slice(0, 8)}`,
    input: JSON.stringify(input),
  });
  return executionArn!;
}

const registered = (caseId: string, notToken?: string) =>
  eventually(
    async () => {
      const token = (await waitItem(caseId))?.taskToken as string | undefined;
      return token && token !== notToken ? token : undefined;
    },
    5000,
    'the survey task token',
  );

/** A case whose parcel was shipped five days ago by a carrier of its own, so that carrier's counts are this case's alone. */
async function shippedCase(trackingNumber: string, record: Partial<CaseRecord>) {
  const carrier = unique('ct');
  const shippedAt = new Date(Date.now() - 5 * 86_400_000).toISOString();
  const { caseId } = await seedCase(env.db, { record: { ...record, shipment: { carrier, trackingNumber, shippedAt, promisedBy: shippedAt } } });
  return { caseId, carrier };
}

/** The survey use cases' dependencies when a test calls them itself: no workflow, notices dropped; `replace` swaps a store. */
const stepDeps = (replace: { cases?: CaseStore; surveys?: SurveyStore } = {}) => ({
  cases,
  waits,
  workflow: {} as never,
  surveys: new SurveyStore(env.db, TABLE_NAME),
  notices: { send: async () => undefined } as never,
  satisfaction: new SatisfactionStore(env.db, TABLE_NAME),
  markets: oneMarket(),
  ...replace,
});

beforeAll(async () => {
  env = await startHandlerEnv({ sfn: true, sqs: true });
  queueUrl = (await env.sqs!.send(new CreateQueueCommand({ QueueName: 'survey-test.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }))).QueueUrl!;
  cases = new CaseStore(env.db, TABLE_NAME);
  waits = new WaitStore(env.db, TABLE_NAME);
  survey = (await importFresh(() => import('../../functions/handlers/survey.js'), { NOTICE_QUEUE_URL: queueUrl })).handler as (payload: unknown) => Promise<unknown>;
  const token = { 'caseId.$': '$.caseId', 'taskToken.$': '$$.Task.Token' };
  machines.open = addWaitForTokenMachine(env.sfn!.service, 'Survey', { ...token, expirySeconds: 3600 }, (payload) => survey(payload));
  machines.remind = addWaitForTokenMachine(env.sfn!.service, 'SurveyReminded', { ...token, stage: 'reminder', 'round.$': '$.round' }, (payload) => survey(payload));
});

afterAll(async () => {
  await env?.close();
});

describe('survey: the Survey step (every release calls it so)', () => {
  it('opens the survey once: a link, the invitation, the case awaiting_survey with its token parked', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'resolved', outcome: 'approved', remedy: 'refund' } });
    const executionArn = start('open', { caseId });
    await registered(caseId);
    const opened = (await cases.get(caseId))!;
    expect(opened).toMatchObject({ status: 'awaiting_survey', waitingFor: 'survey', surveyToken: expect.any(String), surveyExpiresAt: expect.any(String) });
    // The invitation carries the link's expiry, so the notifier need not read the survey for it.
    expect(await queued()).toEqual([{ caseId, milestone: 'survey_invitation', surveyExpiresAt: opened.surveyExpiresAt }]);
    env.sfn!.service.stopExecution({ executionArn });
  });
});

describe('survey: the invitation is counted once, by the write that sent the survey', () => {
  it('a retried step: one survey on the case, one invitation counted, its bucket kept on the survey, no marker', async () => {
    const { caseId, carrier } = await shippedCase('CT1', { status: 'resolved', outcome: 'approved', remedy: 'refund' });
    const first = start('open', { caseId });
    const parked = await registered(caseId);
    const token = (await cases.get(caseId))!.surveyToken!;
    // Step Functions retries the step (the first attempt's token is dead): it parks its own token, counts nothing.
    env.sfn!.service.stopExecution({ executionArn: first });
    const retried = start('open', { caseId });
    await registered(caseId, parked);
    env.sfn!.service.stopExecution({ executionArn: retried });
    await queued();
    const today = localDateOf(new Date(), 'Asia/Shanghai');
    expect((await new SatisfactionStore(env.db, TABLE_NAME).totals('carrier', today, today)).get(carrier)).toMatchObject({ invited: 1 });
    expect((await cases.get(caseId))!.surveyToken).toBe(token);
    expect((await new SurveyStore(env.db, TABLE_NAME).get(token))?.invitedIn).toEqual({ day: today, type: 'return', carrier, remedy: 'refund', market: 'CN' });
    const marker = await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: 'SATISFACTION#invited' }, ConsistentRead: true }));
    expect(marker.Item).toBeUndefined();
  });
});

describe('survey: a case that drew its survey token at intake (kept with the facts, from 5 December)', () => {
  const rawItem = async (caseId: string, sk: string) =>
    (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk }, ConsistentRead: true }))).Item!;
  const seeded = async (trackingNumber: string) => {
    const surveyLinkToken = newSurveyToken();
    const { caseId, carrier } = await shippedCase(trackingNumber, { status: 'resolved', outcome: 'approved', remedy: 'refund', surveyLinkToken });
    return { caseId, carrier, surveyLinkToken };
  };
  const invited = async (carrier: string, day: string) => (await new SatisfactionStore(env.db, TABLE_NAME).totals('carrier', day, day)).get(carrier)?.invited;

  it('opens the survey with that token: the case item carries no link, the invitation is counted once, a retry counts nothing', async () => {
    const { caseId, carrier, surveyLinkToken } = await seeded('CT4');
    const first = start('open', { caseId });
    const parked = await registered(caseId);
    env.sfn!.service.stopExecution({ executionArn: first });
    const retried = start('open', { caseId });
    await registered(caseId, parked);
    env.sfn!.service.stopExecution({ executionArn: retried });
    // Each attempt queues the invitation (the FIFO queue and the notice slot keep it to one notice).
    // Both carry the survey's own expiry (the retry's read from the survey it finds), so the notifier reads no survey;
    // the two bodies are the same, and the FIFO queue's deduplication keeps one.
    const { expiresAt } = (await new SurveyStore(env.db, TABLE_NAME).get(surveyLinkToken))!;
    expect(await queued()).toEqual([{ caseId, milestone: 'survey_invitation', surveyExpiresAt: expiresAt }]);
    const item = await rawItem(caseId, 'CASE');
    expect(item).toMatchObject({ status: 'awaiting_survey', waitingFor: 'survey' });
    expect(item).not.toHaveProperty('surveyToken');
    expect(item).not.toHaveProperty('surveyExpiresAt');
    expect((await rawItem(caseId, 'CASE#FACTS')).surveyLinkToken).toBe(surveyLinkToken);
    expect(await new SurveyStore(env.db, TABLE_NAME).get(surveyLinkToken)).toMatchObject({ caseId, expiresAt: expect.any(String) });
    expect(await invited(carrier, localDateOf(new Date(), 'Asia/Shanghai'))).toBe(1);
    expect((await cases.view(caseId))!.timeline.filter((e) => e.event === 'survey_sent')).toHaveLength(1);
  });

  it('an attempt that stopped after creating the survey: the retry keeps that survey and counts its invitation once, in its bucket', async () => {
    const { caseId, carrier, surveyLinkToken } = await seeded('CT5');
    const surveys = new SurveyStore(env.db, TABLE_NAME);
    const yesterday = localDateOf(new Date(Date.now() - 86_400_000), 'Asia/Shanghai');
    const invitedIn = { day: yesterday, type: 'return', carrier, remedy: 'refund', market: 'CN' } as const;
    const earlier = {
      token: surveyLinkToken,
      caseId,
      locale: 'zh-CN',
      createdAt: new Date(Date.now() - 86_400_000).toISOString(),
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      invitedIn,
    };
    await surveys.create(earlier);
    const deps = stepDeps({ surveys });
    await openSurvey(deps, caseId, 'task-token', 7200, new Date()).catch(() => undefined);
    expect(await cases.get(caseId)).toMatchObject({ status: 'awaiting_survey', surveyLinkToken });
    expect(await surveys.get(surveyLinkToken)).toMatchObject({ createdAt: earlier.createdAt, expiresAt: earlier.expiresAt, invitedIn });
    expect(await invited(carrier, yesterday)).toBe(1);
    // Once opened, another attempt counts nothing.
    await openSurvey(deps, caseId, 'task-token-2', 7200, new Date()).catch(() => undefined);
    expect(await invited(carrier, yesterday)).toBe(1);
  });

  it('a case showing awaiting_survey without its survey gets the survey, so the link it is sent works; nothing is counted', async () => {
    const { caseId, carrier, surveyLinkToken } = await seeded('CT6');
    await cases.update(caseId, { status: 'awaiting_survey', waitingFor: 'survey' });
    const surveys = new SurveyStore(env.db, TABLE_NAME);
    const deps = stepDeps({ surveys });
    await openSurvey(deps, caseId, 'task-token', 7200, new Date()).catch(() => undefined);
    expect(await surveys.get(surveyLinkToken)).toMatchObject({ caseId });
    expect(await invited(carrier, localDateOf(new Date(), 'Asia/Shanghai'))).toBeUndefined();
  });
});

describe('survey: a step failing right after the write that sent the survey', () => {
  // Regression: the invitation was counted after the timeline entry; a throttle there failed the step and its retry,
  // finding the token, counted nothing, for good. It is counted right after the write now.
  it('has counted the invitation already (the retry, finding the token, counts nothing)', async () => {
    const { caseId, carrier } = await shippedCase('CT3', { status: 'resolved', outcome: 'approved', remedy: 'refund' });
    const flaky = Object.assign(Object.create(cases) as CaseStore, {
      appendTimeline: async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
    });
    const deps = stepDeps({ cases: flaky });
    await expect(openSurvey(deps, caseId, 'task-token', 3600, new Date())).rejects.toThrow('Rate exceeded');
    expect(await cases.get(caseId)).toMatchObject({ status: 'awaiting_survey', surveyToken: expect.any(String) });
    const today = localDateOf(new Date(), 'Asia/Shanghai');
    expect((await new SatisfactionStore(env.db, TABLE_NAME).totals('carrier', today, today)).get(carrier)).toMatchObject({ invited: 1 });
  });
});

describe('survey: reads of the case', () => {
  it('opening and reminding each read the case twice: at the start, and after the token is parked (the status is known from the first)', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'resolved', outcome: 'approved', remedy: 'refund' } });
    let reads = 0;
    let writes = 0;
    const counting = Object.assign(Object.create(cases) as CaseStore, {
      require: (id: string) => {
        reads += 1;
        return cases.require(id);
      },
      update: (...args: Parameters<CaseStore['update']>) => {
        writes += 1;
        return cases.update(...args);
      },
    });
    const deps = stepDeps({ cases: counting });
    await openSurvey(deps, caseId, 'task-token-1', 3600, new Date());
    expect({ reads, writes }).toEqual({ reads: 2, writes: 1 });
    expect(await cases.get(caseId)).toMatchObject({ status: 'awaiting_survey', waitingFor: 'survey' });
    expect(await waitItem(caseId)).toMatchObject({ taskToken: 'task-token-1' });
    reads = 0;
    writes = 0;
    await remindSurvey(deps, caseId, 'task-token-2', 0, new Date());
    expect({ reads, writes }).toEqual({ reads: 2, writes: 0 });
    expect(await waitItem(caseId)).toMatchObject({ taskToken: 'task-token-2' });
  });
});

describe('survey: a case already showing awaiting_survey without a link', () => {
  it('still gets its link; the invitation is left uncounted rather than risk counting it twice', async () => {
    const { caseId, carrier } = await shippedCase('CT2', { status: 'awaiting_survey', outcome: 'approved', remedy: 'refund' });
    const executionArn = start('open', { caseId });
    await registered(caseId);
    env.sfn!.service.stopExecution({ executionArn });
    await queued();
    expect(await cases.get(caseId)).toMatchObject({ status: 'awaiting_survey', surveyToken: expect.any(String) });
    const today = localDateOf(new Date(), 'Asia/Shanghai');
    expect((await new SatisfactionStore(env.db, TABLE_NAME).totals('carrier', today, today)).get(carrier)).toBeUndefined();
  });
});

describe('survey: SurveyReminded (stage reminder) reminds once and waits on', () => {
  it('sends the reminder of its round, then parks a new token the answer resumes', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'resolved', outcome: 'approved', remedy: 'refund' } });
    const opened = start('open', { caseId });
    const first = await registered(caseId);
    await queued();
    // The Survey step timed out at the reminder time (its token is dead), and SurveyReminded runs.
    env.sfn!.service.stopExecution({ executionArn: opened });
    const reminded = start('remind', { caseId, round: 0 });
    await registered(caseId, first);
    expect(await queued()).toEqual([{ caseId, milestone: 'survey_reminder', round: 0 }]);
    await deliverSignal({ waits, workflow: new CaseWorkflow(env.sfn!.client, undefined) }, caseId, 'survey', { signal: 'answered', rating: 5 });
    const done = await env.sfn!.service.waitForExecution(reminded, 5000);
    expect(JSON.parse(done.output!)).toEqual({ signal: 'answered', rating: 5 });
  });

  it('an answer that came between the two waits is not reminded of, and resumes the wait at once', async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_survey', survey: { rating: 2, answeredAt: new Date().toISOString() } } });
    const done = await env.sfn!.service.waitForExecution(start('remind', { caseId, round: 0 }), 5000);
    expect(JSON.parse(done.output!)).toEqual({ signal: 'answered', rating: 2 });
    expect(await queued()).toEqual([]);
    expect(await waitItem(caseId)).not.toHaveProperty('taskToken');
  });

  it('refuses a payload that is neither an opening nor a reminder', async () => {
    const { caseId } = await seedCase(env.db);
    await expect(survey({ caseId, taskToken: 'AQx' })).rejects.toMatchObject({ name: expect.stringMatching(/ZodError$/) });
    await expect(survey({ caseId, taskToken: 'AQx', stage: 'expiry' })).rejects.toMatchObject({ name: expect.stringMatching(/ZodError$/) });
  });
});

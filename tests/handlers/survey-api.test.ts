import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { FollowUpStore } from '../../functions/adapters/follow-up-store.js';
import { OpsAlerts } from '../../functions/adapters/ops-alerts.js';
import { SatisfactionStore } from '../../functions/adapters/satisfaction-store.js';
import { SurveyStore } from '../../functions/adapters/survey-store.js';
import { WaitStore } from '../../functions/adapters/wait-store.js';
import { localDateOf } from '../../functions/domain/working-days.js';
import { readConfig, surveyApiConfig } from '../../functions/config/functions.js';
import { addWaitForTokenMachine, apiEvent, closedPort, STACK_TRACE, startHandlerEnv, TABLE_NAME, withEnv, type HandlerEnv, taskTokenRegistered } from './env.js';
import { seedCase } from './fixtures.js';

type Handler = typeof import('../../functions/handlers/survey-api.js')['handler'];

let env: HandlerEnv;
let handler: Handler;
let createHandler: typeof import('../../functions/handlers/survey-api.js')['createHandler'];
let surveys: SurveyStore;
let waits: WaitStore;
let cases: CaseStore;
let machineArn: string;

const newToken = () => randomBytes(24).toString('base64url');

/** A resolved case with an open survey link (what the survey step creates). */
async function openSurvey(opts: { locale?: 'zh-CN' | 'en' | 'de'; expiresInMs?: number; carrier?: string } = {}) {
  const token = newToken();
  const record = { status: 'awaiting_survey', outcome: 'approved', remedy: 'refund', waitingFor: 'survey', surveyToken: token, locale: opts.locale ?? 'zh-CN' } as const;
  const { caseId } = await seedCase(env.db, {
    record: opts.carrier
      ? { ...record, shipment: { carrier: opts.carrier, trackingNumber: 'SF1', shippedAt: new Date().toISOString(), promisedBy: new Date().toISOString() } }
      : record,
  });
  const now = Date.now();
  await surveys.create({
    token,
    caseId,
    locale: opts.locale ?? 'zh-CN',
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + (opts.expiresInMs ?? 3_600_000)).toISOString(),
  });
  return { token, caseId };
}

/** Starts the one-step workflow that parks its task token in the WaitStore as kind 'survey', like the survey step. */
async function waitingExecution(caseId: string) {
  const { executionArn } = env.sfn!.service.startExecution({ stateMachineArn: machineArn, name: caseId, input: JSON.stringify({ caseId }) });
  await taskTokenRegistered(env, caseId, 'survey');
  return executionArn!;
}

async function call(method: 'GET' | 'POST', token: string, opts: { body?: string; contentType?: string; accept?: string; rawPath?: string } = {}) {
  const headers: Record<string, string> = {};
  if (opts.contentType) headers['content-type'] = opts.contentType;
  headers.accept = opts.accept ?? 'text/html,application/xhtml+xml';
  const res = (await handler(
    apiEvent({
      method,
      path: opts.rawPath ?? `/surveys/${token}`,
      routeKey: `${method} /surveys/{token}`,
      headers,
      pathParameters: { token },
      ...(opts.body !== undefined ? { body: opts.body } : {}),
    }),
  )) as APIGatewayProxyStructuredResultV2;
  const body = String(res.body ?? '');
  expect(body).not.toMatch(STACK_TRACE);
  return { status: res.statusCode, headers: res.headers ?? {}, body };
}

const postJson = (token: string, answer: unknown) =>
  call('POST', token, { body: JSON.stringify(answer), contentType: 'application/json', accept: 'application/json' }).then((r) => ({
    ...r,
    json: JSON.parse(r.body) as Record<string, any>,
  }));
const postForm = (token: string, fields: Record<string, string>) =>
  call('POST', token, { body: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' });

beforeAll(async () => {
  env = await startHandlerEnv({ sfn: true });
  surveys = new SurveyStore(env.db, TABLE_NAME);
  waits = new WaitStore(env.db, TABLE_NAME);
  cases = new CaseStore(env.db, TABLE_NAME);
  machineArn = addWaitForTokenMachine(env.sfn!.service, 'SurveyWait', { 'caseId.$': '$.caseId', 'taskToken.$': '$$.Task.Token' }, async (payload) => {
    await waits.registerToken(String(payload.caseId), 'survey', String(payload.taskToken), new Date().toISOString());
    return { surveyOpened: true };
  });
  // Built from an explicit configuration (the test table, default market, alerts kept in the table only).
  createHandler = (await import('../../functions/handlers/survey-api.js')).createHandler;
  handler = createHandler(readConfig(surveyApiConfig, { TABLE_NAME }));
});

afterAll(async () => {
  await env?.close();
});

describe('survey-api: GET /surveys/{token}', () => {
  it('200 with the form as HTML, in the survey’s language, posting back to the same path', async () => {
    const { token } = await openSurvey();
    const res = await call('GET', token);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).toMatch(/^<!doctype html><html lang="zh-CN">/);
    expect(res.body).toContain(`<form method="post" action="/surveys/${token}">`);
    for (const n of [1, 2, 3, 4, 5]) expect(res.body).toContain(`name="rating" value="${n}"`);
    expect(res.body).toContain('请评价本次售后服务');

    const en = await openSurvey({ locale: 'en' });
    const english = await call('GET', en.token);
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('How did we do?');

    const de = await openSurvey({ locale: 'de' });
    const german = await call('GET', de.token);
    expect(german.body).toContain('<html lang="de">');
    expect(german.body).toContain('<h1>Wie zufrieden waren Sie?</h1>');
    expect(german.body).toContain('Wie zufrieden sind Sie insgesamt?');
    expect(german.body).toContain('<button type="submit">Absenden</button>');
  });

  it('in German, a missing overall score is named and a low score is told someone will call', async () => {
    const { token } = await openSurvey({ locale: 'de' });
    const missing = await postForm(token, { speed: '2' });
    expect(missing.status).toBe(422);
    expect(missing.body).toContain('Bitte wählen Sie eine Gesamtbewertung von 1 bis 5.');
    const low = await postForm(token, { rating: '1', comment: 'Zu langsam' });
    expect(low.status).toBe(200);
    expect(low.body).toContain('Vielen Dank! Ihre Rückmeldung hilft uns, besser zu werden.');
    expect(low.body).toContain('Ein Mitglied unseres Teams meldet sich bei Ihnen');
  });

  it('escapes the path it echoes into the page', async () => {
    const { token } = await openSurvey();
    const res = await call('GET', token, { rawPath: `/stage"><script>alert(1)</script>/surveys/${token}` });
    expect(res.status).toBe(200);
    expect(res.body).not.toContain('<script>');
    expect(res.body).toContain(`action="/stage&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;/surveys/${token}"`);
  });

  it('a page saying why for an unknown or malformed (404), answered or expired (410) link, without the form', async () => {
    const expired = await openSurvey({ expiresInMs: -60_000 });
    const answered = await openSurvey();
    expect((await postJson(answered.token, { rating: 3 })).status).toBe(200);
    const cases: Array<[string, number, string]> = [
      [newToken(), 404, '该问卷链接无效'],
      ['short', 404, '该问卷链接无效'],
      ['has spaces and/slashes-0123456789', 404, '该问卷链接无效'],
      [expired.token, 410, '该问卷已截止'],
      [answered.token, 410, '您已提交过本问卷'],
    ];
    for (const [token, status, text] of cases) {
      const res = await call('GET', token);
      expect(res.status, token).toBe(status);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.body).toContain(text);
      expect(res.body).not.toContain('<form');
    }
  });
});

describe('survey-api: POST /surveys/{token}', () => {
  it('a JSON answer is recorded once and resumes the waiting workflow step with {signal: answered, rating}', async () => {
    const { token, caseId } = await openSurvey();
    const executionArn = await waitingExecution(caseId);

    const res = await postJson(token, { rating: 5, comment: 'Fast & friendly <3' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'recorded', followUp: false });

    const done = await env.sfn!.service.waitForExecution(executionArn, 5000);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ signal: 'answered', rating: 5 });

    expect(await surveys.get(token)).toMatchObject({ rating: 5, comment: 'Fast & friendly <3', answeredAt: expect.any(String) });
    expect((await cases.get(caseId))?.survey).toMatchObject({ rating: 5 });
    const view = await cases.view(caseId);
    expect(view!.timeline.map((e) => e.event)).toContain('survey_answered');
    // Token and signal were consumed: a later wait of the same kind starts afresh.
    const wait = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: 'WAIT#survey' }, ConsistentRead: true }))).Item;
    expect(wait?.taskToken).toBeUndefined();
    expect(wait?.pendingSignal).toBeUndefined();
  });

  it('a form-encoded answer (the page’s own form) gets the thank-you page and resumes the workflow', async () => {
    const { token, caseId } = await openSurvey();
    const executionArn = await waitingExecution(caseId);
    const res = await postForm(token, { rating: '4', comment: '还不错' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('感谢您的评价');
    const done = await env.sfn!.service.waitForExecution(executionArn, 5000);
    expect(JSON.parse(done.output!)).toEqual({ signal: 'answered', rating: 4 });
    expect(await surveys.get(token)).toMatchObject({ rating: 4, comment: '还不错' });
  });

  it('an answer that comes before the step waits is kept for it (the signal waits in the WaitStore)', async () => {
    const { token, caseId } = await openSurvey();
    expect((await postJson(token, { rating: 2 })).status).toBe(200);
    const wait = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: 'WAIT#survey' }, ConsistentRead: true }))).Item;
    expect(wait?.pendingSignal).toEqual({ signal: 'answered', rating: 2 });
  });

  it('422 for a rating of 0, 6, "x", 4.5 or none, as JSON and as a form; the link stays usable', async () => {
    const { token } = await openSurvey();
    for (const rating of [0, 6, 'x', 4.5, '', undefined]) {
      const res = await postJson(token, rating === undefined ? {} : { rating });
      expect(res.status, String(rating)).toBe(422);
      expect(res.json.error).toBe('invalid_answer');
    }
    for (const rating of ['0', '6', 'x', '']) {
      const res = await postForm(token, { rating });
      expect(res.status, rating).toBe(422);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('role="alert"');
      expect(res.body).toContain('<form');
    }
    const tooLong = await postJson(token, { rating: 3, comment: 'x'.repeat(1001) });
    expect(tooLong.status).toBe(422);
    const notJson = await call('POST', token, { body: '{rating: 5', contentType: 'application/json', accept: 'application/json' });
    expect(notJson.status).toBe(422);

    expect((await surveys.get(token))?.answeredAt).toBeUndefined();
    expect((await postJson(token, { rating: '3' })).status).toBe(200);
  });

  // Regression (was a bug): functions/handlers/survey-api.ts answerSchema uses z.coerce.number(), so a JSON boolean `true` becomes 1
  // (and `[5]` becomes 5): a non-numeric rating is recorded as a score instead of being refused with 422.
  it('422 for a JSON rating that is not a number (true, [5])', async () => {
    const { token } = await openSurvey();
    expect((await postJson(token, { rating: true })).status).toBe(422);
    expect((await postJson(token, { rating: [5] })).status).toBe(422);
  });

  it('404 survey_not_found, 410 survey_expired and 410 survey_answered (JSON codes; form: the page saying why)', async () => {
    const expired = await openSurvey({ expiresInMs: -1000 });
    const answered = await openSurvey();
    expect((await postForm(answered.token, { rating: '5' })).status).toBe(200);
    const cases: Array<[string, number, string, string]> = [
      [newToken(), 404, 'survey_not_found', '该问卷链接无效'],
      [expired.token, 410, 'survey_expired', '该问卷已截止'],
      [answered.token, 410, 'survey_answered', '您已提交过本问卷'],
    ];
    for (const [token, status, code, text] of cases) {
      const json = await postJson(token, { rating: 1 });
      expect(json.status, token).toBe(status);
      expect(json.json.error).toBe(code);
      const form = await postForm(token, { rating: '1' });
      expect(form.status).toBe(status);
      expect(form.body).toContain(text);
    }
    // The first answer stands.
    expect(await surveys.get(answered.token)).toMatchObject({ rating: 5 });
    expect((await surveys.get(expired.token))?.answeredAt).toBeUndefined();
  });

  // Regression (was a bug): functions/use-cases/answer-survey.ts marks the survey answered (surveys.answer) before it resumes the workflow
  // (signal → SendTaskSuccess). When SendTaskSuccess fails (Step Functions throttled or unreachable), the request
  // fails, but the link is already used up: the customer's retry gets 410 and nothing ever resumes the waiting step,
  // so the case later closes as survey_expired (and close-case overwrites case.survey with {expiredAt}).
  it('an answer whose resume failed can be sent again and then resumes the workflow', async () => {
    const { token, caseId } = await openSurvey();
    const executionArn = await waitingExecution(caseId);
    try {
      const restore = withEnv({ AWS_ENDPOINT_URL_SFN: `http://127.0.0.1:${await closedPort()}`, AWS_MAX_ATTEMPTS: '1' });
      try {
        // The same configuration; its Step Functions client, made now, reaches the closed port (the SDK's own variables).
        const sfnDown = createHandler(readConfig(surveyApiConfig, { TABLE_NAME }));
        const event = apiEvent({ method: 'POST', path: `/surveys/${token}`, headers: { 'content-type': 'application/json' }, pathParameters: { token }, body: '{"rating":5}' });
        const first = await sfnDown(event).catch(() => ({ statusCode: 500 }));
        expect(first.statusCode).not.toBe(200);
      } finally {
        restore();
      }
      const retry = await postJson(token, { rating: 5 });
      expect(retry.status).toBe(200);
      const done = await env.sfn!.service.waitForExecution(executionArn, 3000);
      expect(JSON.parse(done.output!)).toEqual({ signal: 'answered', rating: 5 });
    } finally {
      env.sfn!.service.stopExecution({ executionArn });
    }
  });
});

describe('survey-api: the four questions, the follow-up and the counters', () => {
  const followUps = () => new FollowUpStore(env.db, TABLE_NAME);
  const satisfaction = () => new SatisfactionStore(env.db, TABLE_NAME);
  const today = () => localDateOf(new Date(), 'Asia/Shanghai');

  it('the form asks overall (required), speed, resolution and attitude (optional) as labelled 1-5 radio groups, and a comment', async () => {
    const { token } = await openSurvey({ locale: 'en' });
    const { body } = await call('GET', token);
    const fieldsets = body.match(/<fieldset[\s\S]*?<\/fieldset>/g) ?? [];
    expect(fieldsets).toHaveLength(4);
    for (const [fieldset, name, legend, required] of [
      [fieldsets[0]!, 'rating', 'Overall, how satisfied are you?', true],
      [fieldsets[1]!, 'speed', 'How quickly we responded', false],
      [fieldsets[2]!, 'resolution', 'How well we solved the problem', false],
      [fieldsets[3]!, 'attitude', 'How our team treated you', false],
    ] as const) {
      expect(fieldset).toContain(`<legend>${legend}`);
      for (const n of [1, 2, 3, 4, 5]) {
        // Every radio has its own label.
        expect(fieldset).toContain(`<label for="${name}-${n}"><input type="radio" name="${name}" value="${n}" id="${name}-${n}"${required ? ' required' : ''}>${n}</label>`);
      }
      expect(fieldset.includes('(optional)')).toBe(!required);
    }
    expect(body).toContain('<label for="comment">');
    expect(body).toContain('<textarea id="comment" name="comment" maxlength="1000">');
    expect(body).not.toMatch(/<script/i);
  });

  it('a form missing the overall score, or with an aspect of 0, is shown again with the answers kept and the problem next to it', async () => {
    const { token } = await openSurvey({ locale: 'en' });
    const missing = await postForm(token, { speed: '4', comment: 'Too slow <b>really</b>' });
    expect(missing.status).toBe(422);
    expect(missing.body).toContain('role="alert"');
    expect(missing.body).toContain('Please choose an overall rating from 1 to 5.');
    expect(missing.body).toContain('<fieldset aria-describedby="rating-hint rating-error">');
    expect(missing.body).toContain('id="speed-4" checked>');
    expect(missing.body).toContain('>Too slow &lt;b&gt;really&lt;/b&gt;</textarea>');
    const zero = await postForm(token, { rating: '3', attitude: '0' });
    expect(zero.status).toBe(422);
    expect(zero.body).toContain('Ratings are whole numbers from 1 to 5.');
    expect((await postJson(token, { rating: 3, speed: 6 })).status).toBe(422);
    expect((await surveys.get(token))?.answeredAt).toBeUndefined();
  });

  it('stores every score on the survey and the case (the comment only on the survey) and counts the answer once', async () => {
    const carrier = `carrier-${randomBytes(4).toString('hex')}`;
    const { token, caseId } = await openSurvey({ carrier });
    const res = await postForm(token, { rating: '4', speed: '5', resolution: '3', attitude: '', comment: '快' });
    expect(res.status).toBe(200);
    expect(await surveys.get(token)).toMatchObject({ rating: 4, speed: 5, resolution: 3, comment: '快' });
    expect((await surveys.get(token))?.attitude).toBeUndefined();
    const record = await cases.get(caseId);
    expect(record?.survey).toEqual({ rating: 4, speed: 5, resolution: 3, answeredAt: expect.any(String) });
    expect(record?.followUp).toBeUndefined();
    const view = await cases.view(caseId);
    expect(view!.timeline.find((e) => e.event === 'survey_answered')?.detail).toEqual({ rating: 4, speed: 5, resolution: 3 });
    expect(JSON.stringify(view!.timeline)).not.toContain('快');

    const counts = (await satisfaction().totals('carrier', today(), today())).get(carrier);
    expect(counts).toMatchObject({ answered: 1, sums: { overall: 4, speed: 5, resolution: 3, attitude: 0 }, counts: { overall: 1, speed: 1, resolution: 1, attitude: 0 } });
    expect(counts?.overallHistogram).toEqual([0, 0, 0, 1, 0]);
    // Sent again: the first answer stands and nothing is counted twice.
    expect((await postForm(token, { rating: '1' })).status).toBe(410);
    expect((await satisfaction().totals('carrier', today(), today())).get(carrier)?.answered).toBe(1);
  });

  it('a low overall score opens one follow-up task: on the case, in the open list with the comment, and as an ops alert', async () => {
    const { token, caseId } = await openSurvey({ locale: 'en' });
    const res = await postForm(token, { rating: '2', attitude: '1', comment: 'Nobody answered my calls.' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('Thank you!');
    expect(res.body).toContain('A member of our team will contact you');

    const record = await cases.get(caseId);
    expect(record?.followUp).toEqual({
      status: 'open',
      reason: 'low_score',
      overall: 2,
      openedAt: record?.survey && 'answeredAt' in record.survey ? record.survey.answeredAt : '',
    });
    const listed = (await followUps().listOpen(1000)).filter((t) => t.caseId === caseId);
    expect(listed).toEqual([
      expect.objectContaining({ caseId, overall: 2, caseType: 'return', orderId: record!.orderId, customerId: 'cust-88231', comment: 'Nobody answered my calls.' }),
    ]);
    const alerts = (await new OpsAlerts(env.db, TABLE_NAME).recent(100)).filter((a) => a.caseId === caseId);
    expect(alerts).toEqual([expect.objectContaining({ kind: 'survey_low_score', detail: { overall: 2, type: 'return' } })]);
    // The alert names the case and the score, never the customer's words.
    expect(alerts[0]!.message).not.toContain('Nobody');
    const events = (await cases.view(caseId))!.timeline.map((e) => e.event);
    expect(events.filter((e) => e === 'follow_up_opened')).toHaveLength(1);
  });

  it('an overall 3 opens no follow-up', async () => {
    const { token, caseId } = await openSurvey();
    const res = await postJson(token, { rating: 3, speed: 1, resolution: 1, attitude: 1 });
    expect(res.json).toEqual({ status: 'recorded', followUp: false });
    expect((await cases.get(caseId))?.followUp).toBeUndefined();
    expect((await followUps().listOpen(1000)).some((t) => t.caseId === caseId)).toBe(false);
  });

  it('an answer recorded but not followed through (a crash after the first write) is completed when the customer sends it again', async () => {
    const carrier = `carrier-${randomBytes(4).toString('hex')}`;
    const { token, caseId } = await openSurvey({ carrier });
    const executionArn = await waitingExecution(caseId);
    // Only the survey item was written, as if the function died right after it.
    expect(await surveys.answer(token, { overall: 1, comment: 'first' }, new Date())).toBe(true);
    const again = await postJson(token, { rating: 5, comment: 'second' });
    expect(again.json).toEqual({ status: 'recorded', followUp: true });
    const done = await env.sfn!.service.waitForExecution(executionArn, 5000);
    expect(JSON.parse(done.output!)).toEqual({ signal: 'answered', rating: 1 });
    expect((await cases.get(caseId))?.survey).toMatchObject({ rating: 1 });
    expect((await cases.get(caseId))?.followUp).toMatchObject({ status: 'open', overall: 1 });
    expect((await followUps().listOpen(1000)).find((t) => t.caseId === caseId)?.comment).toBe('first');
    expect((await satisfaction().totals('carrier', today(), today())).get(carrier)).toMatchObject({ answered: 1, sums: { overall: 1 } });
  });
});

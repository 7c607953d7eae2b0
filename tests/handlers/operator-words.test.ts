/**
 * The operator's words reach the customer: a decision made through the ops API (functions/handlers/ops-api.ts) on a
 * case whose ManualReview step waits, then the notice the notifier (functions/handlers/notifier.ts) actually sends,
 * read back from the SES v2 emulator's store and the SMS emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { WaitStore } from '../../functions/adapters/wait-store.js';
import type { Locale } from '../../functions/domain/case.js';
import { opsApiConfig, readConfig } from '../../functions/config/functions.js';
import { callOpsApi, importFresh, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase } from './fixtures.js';
import { deliverNotices, emailsTo, freshContact, NOTIFIER_ENV, noticeRecord, type NotifierHandler } from './notice-helpers.js';
import { addManualReviewMachine, sentToManualReview, startManualReview } from './manual-review.js';

type OpsHandler = typeof import('../../functions/handlers/ops-api.js')['handler'];

const OPS_TOKEN = 'ops-token-for-operator-words-tests';
const AGENT = { name: 'jane', role: 'agent' };
let env: HandlerEnv;
let ops: OpsHandler;
let notifier: NotifierHandler;
let cases: CaseStore;
let waits: WaitStore;
let reviewMachine: string;

/** A case in manual review whose ManualReview step waits for the operator, for a customer with email and SMS. */
async function waitingForReview(locale: Locale) {
  const contact = { ...freshContact(), locale, channels: ['email', 'sms'] as Array<'email' | 'sms'> };
  const seeded = await seedCase(env.db, { record: sentToManualReview({ locale }), contact });
  const executionArn = await startManualReview(env, reviewMachine, seeded.caseId);
  return { caseId: seeded.caseId, contact, executionArn };
}

async function decide(caseId: string, decision: 'reject' | 'request_evidence', reason: string, executionArn: string) {
  const res = await callOpsApi(ops, OPS_TOKEN, 'POST', `/ops/cases/${caseId}/decision`, { operator: AGENT, body: JSON.stringify({ decision, reason }) });
  expect(res.status).toBe(202);
  const done = await env.sfn!.service.waitForExecution(executionArn, 5000);
  // The workflow learns which way the operator went, never what they wrote.
  expect(JSON.parse(done.output!)).toEqual({ signal: decision });
  expect(`${done.input}${done.output}`).not.toContain(reason.slice(0, 12));
}

beforeAll(async () => {
  env = await startHandlerEnv({ sfn: true, ses: true, sms: true });
  cases = new CaseStore(env.db, TABLE_NAME);
  waits = new WaitStore(env.db, TABLE_NAME);
  notifier = (await importFresh(() => import('../../functions/handlers/notifier.js'), NOTIFIER_ENV)).handler;
  // After importFresh, which resets the module registry: the decision routes the handler loads on first use must share
  // its modules (who authenticated the request is kept in ops-auth.ts), as they do in one Lambda.
  ops = (await import('../../functions/handlers/ops-api.js')).createHandler(readConfig(opsApiConfig, { TABLE_NAME }));
  reviewMachine = addManualReviewMachine(env, cases, waits);
});

afterAll(async () => {
  await env?.close();
});

describe('the operator’s words in the notice sent', () => {
  it.each([
    [
      'en',
      'Your photos show <b>liquid</b> under the keys & "water" marks; liquid damage is not covered.',
      'Your photos show &lt;b&gt;liquid&lt;/b&gt; under the keys &amp; &quot;water&quot; marks',
      'Our team’s note:',
      'Our team\'s note: "Your photos show <b>liquid</b>',
    ],
    [
      'zh-CN',
      '照片显示键帽下有<b>进液</b>痕迹 & “水渍”，进液损坏不在保修范围内。',
      '照片显示键帽下有&lt;b&gt;进液&lt;/b&gt;痕迹 &amp; “水渍”',
      '售后专员的说明：',
      '专员说明：“照片显示键帽下有<b>进液</b>',
    ],
  ] as const)('reject (%s): the email quotes the reason, escaped in HTML; the SMS an excerpt', async (locale, reason, escaped, by, smsExcerpt) => {
    const { caseId, contact, executionArn } = await waitingForReview(locale);
    await decide(caseId, 'reject', reason, executionArn);
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'decided'))).toEqual({ batchItemFailures: [] });

    const [email] = await emailsTo(env, contact.email);
    expect(email!.body.html).toContain(escaped);
    expect(email!.body.html).not.toContain('<b>liquid</b>');
    expect(email!.body.html).not.toContain('<b>进液</b>');
    expect(email!.body.text).toContain(by);
    expect(email!.body.text).toContain(reason);
    expect(`${email!.subject}${email!.body.text}`).not.toContain('manual_rejected');
    const [sms] = env.sms!.messages({ to: contact.phone });
    expect(sms!.body).toContain(caseId);
    expect(sms!.body).toContain(smsExcerpt);
  });

  it.each([
    ['en', 'Please send a clear photo of the serial number on the bottom of the keyboard.', 'Our team’s note:', 'we need: "Please send a clear photo'],
    ['zh-CN', '请补拍键盘底部序列号的清晰照片。', '售后专员的说明：', '需补充材料：“请补拍键盘底部序列号的清晰照片。”'],
  ] as const)('request_evidence (%s): the email and the SMS say what the operator asks for', async (locale, reason, by, smsExcerpt) => {
    const { caseId, contact, executionArn } = await waitingForReview(locale);
    await decide(caseId, 'request_evidence', reason, executionArn);
    expect(await deliverNotices(notifier, noticeRecord(caseId, 'evidence_needed', { dueInSeconds: 3 * 86_400 }))).toEqual({ batchItemFailures: [] });

    const [email] = await emailsTo(env, contact.email);
    expect(email!.body.html).toContain(reason);
    expect(email!.body.text).toContain(`${by}\n  ${reason}`);
    const [sms] = env.sms!.messages({ to: contact.phone });
    expect(sms!.body).toContain(smsExcerpt);
  });
});

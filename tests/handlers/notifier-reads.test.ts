import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { dateFormats } from '../../functions/domain/notices/format.js';
import { importFresh, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase } from './fixtures.js';
import { deliverNotices, emailsTo, freshContact, NOTIFIER_ENV, noticeItem, noticeRecord, type NotifierHandler } from './notice-helpers.js';

/**
 * The notifier reads a case's notices once per notice: the consistent read it makes to look for held SMS goes to the
 * claim (ClaimOptions.read), which then does not read the slot again. Without it each notice costs one more Query.
 */
let env: HandlerEnv;
let handler: NotifierHandler;
type SlotReader = Record<'read', (caseId: string, slot: string) => Promise<unknown>>;
let slotReads: MockInstance<SlotReader['read']>;
let caseReads: MockInstance;

beforeAll(async () => {
  env = await startHandlerEnv({ ses: true, sms: true });
  // Quiet hours off (NOTIFIER_ENV): an SMS is never held for them, so the notifier looks for held SMS in the table.
  handler = (await importFresh(() => import('../../functions/handlers/notifier.js'), NOTIFIER_ENV)).handler;
  // The store class the fresh handler module was built with (importFresh reset the module cache before loading it).
  const { NoticeStore } = await import('../../functions/adapters/notice-store.js');
  // The claim's own consistent Query of the slot's items (private: what a claim without a handed-over read does).
  slotReads = vi.spyOn(NoticeStore.prototype as unknown as SlotReader, 'read');
  caseReads = vi.spyOn(NoticeStore.prototype, 'caseNotices');
});

afterAll(async () => {
  slotReads?.mockRestore();
  caseReads?.mockRestore();
  await env?.close();
});

const callsFor = (spy: MockInstance, caseId: string) => spy.mock.calls.filter(([id]) => id === caseId).length;

/** The survey link's expiry as an English email to a Shanghai contact shows it. */
const shownExpiry = (expiresAt: string) => dateFormats('en', 'Asia/Shanghai').dateTime(expiresAt);
const emailText = (mail: { body: { html?: string; text?: string } }) => mail.body.text ?? mail.body.html ?? '';

/** A case waiting on its survey (link token drawn at intake), its contact English in Shanghai on `channels`. */
async function surveyCase(token: string, channels: ReadonlyArray<'email' | 'sms'> = ['email']) {
  const to = freshContact();
  const { caseId } = await seedCase(env.db, {
    record: { status: 'awaiting_survey', waitingFor: 'survey', outcome: 'approved', remedy: 'refund', surveyLinkToken: token },
    contact: { ...to, channels: [...channels], locale: 'en', timeZone: 'Asia/Shanghai' },
  });
  return { caseId, to };
}

/** The survey item as the survey step opens it, expiring `expiresAt`. */
async function openedSurvey(token: string, caseId: string, expiresAt: string) {
  const { SurveyStore } = await import('../../functions/adapters/survey-store.js');
  await new SurveyStore(env.db, TABLE_NAME).createOnce({ token, caseId, locale: 'en', createdAt: new Date().toISOString(), expiresAt });
}

/** Runs `test` with the survey store's reads spied on (restored after). */
async function withSurveyReads(test: (surveyReads: MockInstance) => Promise<void>) {
  const { SurveyStore } = await import('../../functions/adapters/survey-store.js');
  const surveyReads = vi.spyOn(SurveyStore.prototype, 'get');
  try {
    await test(surveyReads);
  } finally {
    surveyReads.mockRestore();
  }
}

describe('notifier: DynamoDB reads per notice', () => {
  it('a fresh notice on email and SMS outside quiet hours: one read of the case’s notices, none of the slot', async () => {
    const to = freshContact();
    const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email', 'sms'] } });
    expect(await deliverNotices(handler, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
    expect(await emailsTo(env, to.email)).toHaveLength(1);
    expect(env.sms!.messages({ to: to.phone })).toHaveLength(1);
    expect(await noticeItem(env, caseId, 'received', 'sms')).toMatchObject({ status: 'sent' });
    expect(callsFor(caseReads, caseId)).toBe(1);
    expect(callsFor(slotReads, caseId)).toBe(0);
  });

  it('a survey invitation that carries its link expiry: the survey item is not read (issue 13, read calls per case)', async () => {
    await withSurveyReads(async (surveyReads) => {
      // A token drawn at intake and no survey item: the expiry can only come from the message.
      const { caseId, to } = await surveyCase('tok_' + 'x'.repeat(28));
      const surveyExpiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
      expect(await deliverNotices(handler, noticeRecord(caseId, 'survey_invitation', { surveyExpiresAt }))).toEqual({ batchItemFailures: [] });
      const emails = await emailsTo(env, to.email);
      expect(emails).toHaveLength(1);
      expect(emailText(emails[0]!)).toContain(`open until ${shownExpiry(surveyExpiresAt)}.`);
      expect(surveyReads).not.toHaveBeenCalled();
    });
  });

  it('a survey invitation queued by the released version (dc65987, no expiry on it): the survey item is read once for it', async () => {
    await withSurveyReads(async (surveyReads) => {
      const token = 'tok_' + 'y'.repeat(28);
      const { caseId, to } = await surveyCase(token);
      // The survey as that version's survey step opened it; its invitation names the case and milestone only.
      const expiresAt = new Date(Date.now() + 5 * 86_400_000).toISOString();
      await openedSurvey(token, caseId, expiresAt);
      surveyReads.mockClear();
      expect(await deliverNotices(handler, noticeRecord(caseId, 'survey_invitation'))).toEqual({ batchItemFailures: [] });
      const emails = await emailsTo(env, to.email);
      expect(emails).toHaveLength(1);
      expect(emailText(emails[0]!)).toContain(`open until ${shownExpiry(expiresAt)}.`);
      expect(surveyReads.mock.calls).toEqual([[token]]);
    });
  });

  it.each([
    ['email', ['email']],
    ['email and SMS', ['email', 'sms']],
  ] as const)(
    'a survey reminder on %s after an invitation that carried its expiry: found on the invitation’s stored message, no survey read, and the case’s notices read once (the claim decides on that read)',
    async (_, channels) => {
      await withSurveyReads(async (surveyReads) => {
        // A token drawn at intake and no survey item: the reminder's expiry can only come from the invitation.
        const { caseId, to } = await surveyCase('tok_' + 'r'.repeat(28), channels);
        const surveyExpiresAt = new Date(Date.now() + 6 * 86_400_000).toISOString();
        expect(await deliverNotices(handler, noticeRecord(caseId, 'survey_invitation', { surveyExpiresAt }))).toEqual({ batchItemFailures: [] });
        caseReads.mockClear();
        slotReads.mockClear();
        expect(await deliverNotices(handler, noticeRecord(caseId, 'survey_reminder', { round: 0 }))).toEqual({ batchItemFailures: [] });
        const emails = await emailsTo(env, to.email);
        expect(emails).toHaveLength(2);
        expect(emails.map(emailText).filter((text) => text.includes(`The survey closes on ${shownExpiry(surveyExpiresAt)}.`))).toHaveLength(1);
        if (channels.includes('sms' as never)) expect(env.sms!.messages({ to: to.phone })).toHaveLength(2);
        expect(await noticeItem(env, caseId, 'survey_reminder', 'email')).toMatchObject({ status: 'sent' });
        expect(surveyReads).not.toHaveBeenCalled();
        expect(callsFor(caseReads, caseId)).toBe(1);
        expect(callsFor(slotReads, caseId)).toBe(0);
      });
    },
  );

  it('a survey reminder whose channel another delivery claims between its read of the case’s notices and its claim: the claim’s write fails, a fresh read finds it taken, and the reminder goes once', async () => {
    const { NoticeStore } = await import('../../functions/adapters/notice-store.js');
    const claimSlot = NoticeStore.prototype.claimSlot;
    // A token drawn at intake and no survey item: the reminder's expiry comes from the invitation, in the read it hands on.
    const { caseId, to } = await surveyCase('tok_' + 'c'.repeat(28));
    const surveyExpiresAt = new Date(Date.now() + 6 * 86_400_000).toISOString();
    expect(await deliverNotices(handler, noticeRecord(caseId, 'survey_invitation', { surveyExpiresAt }))).toEqual({ batchItemFailures: [] });
    let competed = false;
    const claims = vi.spyOn(NoticeStore.prototype, 'claimSlot').mockImplementation(async function (this: InstanceType<typeof NoticeStore>, ...args) {
      const [id, slot, , , options] = args;
      if (id === caseId && slot === 'survey_reminder' && options?.read && !competed) {
        competed = true;
        // A redelivery of the same reminder, handled whole (claimed and sent) after the read handed over here.
        expect(await deliverNotices(handler, noticeRecord(caseId, 'survey_reminder', { round: 0 }))).toEqual({ batchItemFailures: [] });
      }
      return claimSlot.apply(this, args);
    });
    try {
      slotReads.mockClear();
      expect(await deliverNotices(handler, noticeRecord(caseId, 'survey_reminder', { round: 0 }))).toEqual({ batchItemFailures: [] });
    } finally {
      claims.mockRestore();
    }
    expect(competed).toBe(true);
    const reminders = (await emailsTo(env, to.email)).map(emailText).filter((text) => text.includes(`The survey closes on ${shownExpiry(surveyExpiresAt)}.`));
    expect(reminders).toHaveLength(1);
    expect(await noticeItem(env, caseId, 'survey_reminder', 'email')).toMatchObject({ status: 'sent' });
    // The handed-over read showed the channel free; its write failed, and only the fresh read of the slot found it sent.
    expect(callsFor(slotReads, caseId)).toBe(1);
  });

  it('a survey reminder after an invitation queued by an earlier release (no expiry on its message): the survey item is read, and the claim reads afresh', async () => {
    await withSurveyReads(async (surveyReads) => {
      const token = 'tok_' + 'o'.repeat(28);
      const { caseId, to } = await surveyCase(token);
      const expiresAt = new Date(Date.now() + 4 * 86_400_000).toISOString();
      await openedSurvey(token, caseId, expiresAt);
      expect(await deliverNotices(handler, noticeRecord(caseId, 'survey_invitation'))).toEqual({ batchItemFailures: [] });
      surveyReads.mockClear();
      caseReads.mockClear();
      slotReads.mockClear();
      expect(await deliverNotices(handler, noticeRecord(caseId, 'survey_reminder', { round: 0 }))).toEqual({ batchItemFailures: [] });
      const emails = await emailsTo(env, to.email);
      expect(emails.map(emailText).filter((text) => text.includes(`The survey closes on ${shownExpiry(expiresAt)}.`))).toHaveLength(1);
      expect(surveyReads.mock.calls).toEqual([[token]]);
      // The read of the case's notices came before the survey read, so the claim does not decide on it: it reads its slot.
      expect(callsFor(caseReads, caseId)).toBe(1);
      expect(callsFor(slotReads, caseId)).toBe(1);
    });
  });
});

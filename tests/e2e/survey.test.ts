import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateOf } from '../../functions/domain/working-days.js';
import { requestedEvent } from '../../scripts/example-cases.js';
import { isSettled, startHarness, type Harness } from './harness.js';

/** The survey's reminder and expiry through the whole local runtime: the same state machine as in AWS. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ SURVEY_REMINDER_SECONDS: '2', SURVEY_EXPIRY_SECONDS: '8' });
});
afterAll(async () => {
  await h?.stop();
});

const sent = (view: Record<string, any>, milestone: string) => view.notices.filter((n: any) => n.milestone === milestone && n.status === 'sent');

describe('an unanswered survey', () => {
  it('is reminded once at the reminder time, then expires and the case closes; it counts as invited, not answered', async () => {
    const event = requestedEvent({ caseType: 'missing_part', locale: 'en', email: 'quiet.customer@example.com', channels: ['email'] });
    const caseId = String((await h.platform.send(event)).body.caseId);
    const view = await h.ops.waitFor(caseId, isSettled, 60_000);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved', survey: { expiredAt: expect.any(String) } });
    expect(view.timeline.find((e: any) => e.event === 'case_closed')?.detail).toMatchObject({ reason: 'survey_expired' });
    // The reminder went out after the invitation, once, before the case closed.
    await h.ops.waitFor(caseId, (v) => sent(v, 'survey_reminder').length === 1, 10_000);
    const final = (await h.ops.getCase(caseId)).body;
    expect(sent(final, 'survey_invitation')).toHaveLength(1);
    expect(sent(final, 'survey_reminder')[0].at > sent(final, 'survey_invitation')[0].at).toBe(true);
    expect(final.followUp).toBeUndefined();

    const today = localDateOf(new Date(), 'Asia/Shanghai');
    const report = await fetch(`${h.pipeline.urls.api}/ops/reports/satisfaction?from=${today}&to=${today}&groupBy=remedy`, {
      headers: { authorization: `Bearer ${h.pipeline.config.opsToken}` },
    });
    const groups = ((await report.json()) as { groups: Array<Record<string, any>> }).groups;
    expect(groups.find((g) => g.key === 'reship')).toMatchObject({ invited: 1, answered: 0, responseRate: 0 });
  });
});

describe('a survey answered after the reminder', () => {
  it('resumes the reminded wait and closes the case as completed, with the rating', async () => {
    const event = requestedEvent({ caseType: 'missing_part', locale: 'en', email: 'late.customer@example.com', channels: ['email'] });
    const caseId = String((await h.platform.send(event)).body.caseId);
    await h.ops.waitFor(caseId, (v) => sent(v, 'survey_reminder').length === 1, 60_000);
    const invitation = (await h.emails('late.customer@example.com')).find((m) => m.subject.startsWith('How did we do'));
    const link = /https?:\/\/\S+\/surveys\/[A-Za-z0-9_-]+/.exec(invitation?.body.text ?? '')?.[0];
    const answer = await fetch(link!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rating: 5, speed: 4 }) });
    expect(answer.status).toBe(200);
    const view = await h.ops.waitFor(caseId, isSettled, 30_000);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved', survey: { rating: 5, speed: 4 } });
    expect(view.timeline.find((e: any) => e.event === 'case_closed')?.detail).toMatchObject({ reason: 'completed' });
  });
});

/**
 * The customer's pages in a real browser: Debian's Chromium driven by playwright-core (no browser download) against
 * the whole local runtime. A case runs to its survey; the customer opens the status page from a signed link, answers
 * the survey with a low score, and sees the thank-you page; operators then find the follow-up task and the score in
 * the satisfaction report, and record the call-back.
 *
 * Without /usr/bin/chromium the suite is skipped with a loud message, unless REQUIRE_BROWSER=1 (CI), where it fails.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateOf } from '../../functions/domain/working-days.js';
import { requestedEvent } from '../../scripts/example-cases.js';
import { isSettled, startHarness, type Harness } from '../e2e/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  const message = `\n*** ${CHROMIUM} is missing: the browser tests cannot run. Install Debian's chromium (apt-get install -y chromium). ***\n`;
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(message);
  console.warn(message);
}

let h: Harness;
let context: BrowserContext;
let userDataDir: string;
const EMAIL = 'browser.customer@example.com';

/** An operator's request to the ops API of the local runtime. */
async function ops(method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await fetch(`${h.pipeline.urls.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${h.pipeline.config.opsToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

/** The status link, as the customer's latest email gives it (every notice carries one). */
async function statusLink(caseId: string): Promise<string> {
  const mails = await h.emails(EMAIL);
  const links = mails.map((m) => new RegExp(`https?://\\S+/cases/${caseId}/status\\?token=[\\w.%-]+`).exec(m.body.text ?? '')?.[0]).filter(Boolean);
  expect(links.length, "the customer's emails carry the status link").toBeGreaterThan(0);
  return links.at(-1)!;
}

describe.skipIf(!available)('the customer’s pages in Chromium', () => {
  beforeAll(async () => {
    // The survey stays open long enough to be answered by a (slow, shared) browser.
    h = await startHarness({ SURVEY_EXPIRY_SECONDS: '900', SURVEY_REMINDER_SECONDS: '600' });
    userDataDir = mkdtempSync(join(tmpdir(), 'aftersales-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      locale: 'en-US',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await context?.close();
    await h?.stop();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('status page, low-score survey, thank-you page, follow-up task and the score in the satisfaction report', async () => {
    const event = requestedEvent({ caseType: 'missing_part', locale: 'en', email: EMAIL, channels: ['email'] });
    const caseId = String((await h.platform.send(event)).body.caseId);
    await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_survey' && v.notices.some((n: any) => n.milestone === 'survey_invitation'), 60_000);
    const invitation = (await h.emails(EMAIL)).find((m) => m.subject.startsWith('How did we do'));
    const surveyLink = /https?:\/\/\S+\/surveys\/[A-Za-z0-9_-]+/.exec(invitation?.body.text ?? '')?.[0];
    expect(surveyLink, 'the invitation email carries the survey link').toBeDefined();
    const page: Page = await context.newPage();

    // The status page: where the case stands, in the customer's language, nothing personal.
    const status = await page.goto(await statusLink(caseId));
    expect(status?.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your after-sales request');
    expect(await page.locator('dd').first().textContent()).toBe(caseId);
    expect(await page.locator('ol.progress li[aria-current="step"]').textContent()).toBe('Done');
    expect(await page.locator('ol.progress li.done').allTextContents()).toEqual(['Request received', 'Review', 'Putting it right']);
    expect(await page.locator('p.box').first().textContent()).toContain('Your request is resolved.');
    expect(await page.content()).not.toContain(EMAIL);

    // The survey: low scores, a comment, sent with the button; the thank-you page follows.
    await page.goto(surveyLink!);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('How did we do?');
    await page
      .getByRole('group', { name: /Overall, how satisfied are you/ })
      .getByLabel('2', { exact: true })
      .check();
    await page
      .getByRole('group', { name: /How quickly we responded/ })
      .getByLabel('1', { exact: true })
      .check();
    await page
      .getByRole('group', { name: /How well we solved the problem/ })
      .getByLabel('3', { exact: true })
      .check();
    await page
      .getByRole('group', { name: /How our team treated you/ })
      .getByLabel('2', { exact: true })
      .check();
    await page.getByLabel(/Anything you would like to tell us/).fill('The part took two weeks and nobody told me why.');
    await Promise.all([page.waitForURL(surveyLink!), page.getByRole('button', { name: 'Send' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Thank you! Your answer helps us do better.');
    expect(await page.locator('main p').textContent()).toContain('A member of our team will contact you');

    // The low score opened a follow-up task, and the case closed with the scores.
    const view = await h.ops.waitFor(caseId, isSettled, 30_000);
    expect(view).toMatchObject({ status: 'closed', outcome: 'approved', survey: { rating: 2, speed: 1, resolution: 3, attitude: 2 }, followUp: { status: 'open', overall: 2 } });
    const open = await ops('GET', '/ops/follow-ups');
    expect(open.json.followUps).toEqual([expect.objectContaining({ caseId, overall: 2, caseType: 'missing_part', comment: 'The part took two weeks and nobody told me why.' })]);
    expect((await ops('GET', '/ops/alerts')).json.alerts).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'survey_low_score', caseId })]));

    // The score is in today's satisfaction report (local days, Asia/Shanghai).
    const today = localDateOf(new Date(), 'Asia/Shanghai');
    const report = await ops('GET', `/ops/reports/satisfaction?from=${today}&to=${today}&groupBy=type`);
    expect(report.status).toBe(200);
    expect(report.json.groups).toEqual([
      expect.objectContaining({ key: 'missing_part', invited: 1, answered: 1, responseRate: 1, averages: { overall: 2, speed: 1, resolution: 3, attitude: 2 } }),
    ]);
    expect(report.json.total).toMatchObject({ invited: 1, answered: 1, averages: { overall: 2 }, previous: { invited: 0 }, change: { responseRate: null } });

    // The operator records the call-back: the task closes and stays on the case.
    const recorded = await ops('POST', `/ops/cases/${caseId}/follow-up`, { outcome: 'reached', note: 'Apologised and explained the delay.' });
    expect(recorded.status).toBe(200);
    expect((await ops('GET', '/ops/follow-ups')).json.followUps).toEqual([]);
    expect((await ops('GET', `/ops/cases/${caseId}`)).json.followUp).toMatchObject({ status: 'closed', outcome: 'reached', by: 'ops-token' });

    // The link is used up; the status page shows the case complete.
    await page.goto(surveyLink!);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You have already answered this survey. Thank you!');
    await page.goto(await statusLink(caseId));
    expect(await page.locator('p.box').first().textContent()).toBe('Your request is complete.');
    expect(await page.locator('ol.progress li.done').count()).toBe(4);
  });

  it('a tampered status link shows an error page and nothing of the case', async () => {
    const page = await context.newPage();
    const response = await page.goto(`${h.pipeline.urls.api}/cases/AS-ZZZZZZZZZZZZ/status?token=1.forged`);
    expect(response?.status()).toBe(403);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/This link is not valid/);
    expect(await page.locator('ol').count()).toBe(0);
  });
});

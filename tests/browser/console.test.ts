/**
 * The operations console in a real browser (Debian's Chromium through playwright-core) against the whole local
 * runtime: an agent signs in, finds a case waiting for review in the queue, opens it, sees its photo and items,
 * approves it and sees it move on; a viewer sees no decision buttons; a case is found by its order id and exported as
 * cases.csv; the SLA board and the reports page are read.
 *
 * Without /usr/bin/chromium the suite is skipped with a loud message, unless REQUIRE_BROWSER=1 (CI), where it fails.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requestedEvent } from '../../scripts/example-cases.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { chromiumAvailable, CHROMIUM, openBrowser, signInToConsole, startPhotoServer } from './console-browser.js';

const available = chromiumAvailable();
if (!available) {
  const message = `\n*** ${CHROMIUM} is missing: the browser tests cannot run. Install Debian's chromium (apt-get install -y chromium). ***\n`;
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(message);
  console.warn(message);
}
vi.setConfig({ testTimeout: 120_000 });

let h: Harness;
let photos: Awaited<ReturnType<typeof startPhotoServer>>;
const browsers: Array<Awaited<ReturnType<typeof openBrowser>>> = [];

/** A return above the policy's ¥500 approval threshold, with a photo: it waits for an operator's review. */
async function returnInReview(): Promise<{ caseId: string; orderId: string }> {
  const event = requestedEvent({ caseType: 'return', locale: 'en', evidence: [{ kind: 'photo', url: `${photos.url}/dent.png` }] });
  event.data.order.items[0]!.unitPrice = 64900;
  const res = await h.platform.send(event);
  expect(res.status).toBe(202);
  const caseId = String(res.body.caseId);
  await h.ops.waitFor(caseId, (v) => v.status === 'awaiting_review', 60_000);
  return { caseId, orderId: event.data.order.orderId };
}

async function signedIn(token: string): Promise<Page> {
  const browser = await openBrowser();
  browsers.push(browser);
  const page = await browser.context.newPage();
  await signInToConsole(page, h.pipeline.urls.api, token);
  return page;
}

const statusOnPage = async (page: Page) => (await page.locator('dt:text-is("Status") + dd').textContent())?.trim();

describe.skipIf(!available)('the operations console in Chromium', () => {
  beforeAll(async () => {
    photos = await startPhotoServer();
    h = await startHarness({ REVIEW_REMINDER_SECONDS: '600', REVIEW_ESCALATION_SECONDS: '1200' });
  });

  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await h?.stop();
    await photos?.close();
  });

  it('an agent signs in, opens a case from the review queue, sees its photo and items, approves it, and the case moves on', async () => {
    const { caseId } = await returnInReview();
    const page = await signedIn('dev-agent-token');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Review queue');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: caseId }) });
    expect(await row.getByRole('cell').nth(2).textContent()).toBe('return');
    // The case's market (the zone on hover), then its value; its decision target in that market's zone, offset shown.
    // Its text names the zone too (visually hidden: on screen the code alone, one pixel wide at most for the rest).
    expect(await row.getByRole('cell').nth(3).textContent()).toBe('CN (Asia/Shanghai)');
    expect(await row.getByRole('cell').nth(3).locator('abbr').textContent()).toBe('CN');
    expect(await row.getByRole('cell').nth(3).locator('abbr').getAttribute('title')).toBe('Asia/Shanghai');
    expect((await row.getByRole('cell').nth(3).locator('.visually-hidden').boundingBox())!.width).toBeLessThanOrEqual(1);
    expect(await row.getByRole('cell').nth(4).textContent()).toBe('CN¥649.00');
    expect(await row.getByRole('cell').nth(6).textContent()).toMatch(/^[A-Z][a-z]{2} \d+, \d\d:\d\d UTC\+8 /);

    await row.getByRole('button', { name: 'Claim' }).click();
    await page.getByText('You hold this case now.').waitFor();
    await page
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: caseId }) })
      .getByRole('link', { name: caseId })
      .click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Case ${caseId}`);

    const photo = page.getByRole('img', { name: 'Evidence photo 1' });
    await photo.waitFor();
    await expect
      .poll(() =>
        photo.evaluate((img) => {
          const image = img as unknown as { complete: boolean; naturalWidth: number };
          return image.complete && image.naturalWidth;
        }),
      )
      .toBe(96);
    const items = page.getByRole('table').first();
    expect(await items.getByRole('cell', { name: 'Electric kettle' }).count()).toBe(1);
    expect(await statusOnPage(page)).toBe('awaiting_review');

    await page.getByLabel('Reason (internal, on the timeline)').fill('Within the return window; item value checked.');
    await Promise.all([page.waitForURL(/done=approve/), page.getByRole('button', { name: 'Approve', exact: true }).click()]);
    expect(await page.getByRole('status').textContent()).toBe('Approved: the case moves on.');
    await h.ops.waitFor(caseId, (v) => v.status !== 'awaiting_review', 30_000);
    await page.reload();
    expect(await statusOnPage(page)).not.toBe('awaiting_review');
    expect(await page.getByRole('button', { name: 'Approve', exact: true }).count()).toBe(0);
    expect(await page.getByRole('cell', { name: 'operator_approve' }).count()).toBe(1);
    expect(await page.getByRole('cell', { name: 'operator:dev-agent' }).count()).toBeGreaterThan(0);
  });

  it('a viewer sees the case but no decision buttons', async () => {
    const { caseId } = await returnInReview();
    const page = await signedIn('dev-viewer-token');
    await page.getByRole('link', { name: caseId }).click();
    await page.getByRole('img', { name: 'Evidence photo 1' }).waitFor();
    for (const name of ['Approve', 'Reject', 'Request evidence', 'Claim', 'Pause', 'Resume', 'Confirm', 'Record follow-up']) {
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    }
    expect(await page.getByRole('link', { name: 'Reports' }).count()).toBe(0);
  });

  it('a case is found by its order id and its CSV export downloads as cases.csv', async () => {
    const { caseId, orderId } = await returnInReview();
    const page = await signedIn('dev-viewer-token');
    await page.getByRole('link', { name: 'Search' }).click();
    await page.getByLabel('Order id').fill(orderId);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: caseId }).waitFor();
    const exportLink = page.getByRole('link', { name: 'Export CSV' });
    expect(await exportLink.getAttribute('href')).toBe(`/console/search.csv?orderId=${orderId}`);
    // A plain link (a cut export answers a page instead): a whole export still downloads as cases.csv, the page stays.
    expect(await exportLink.getAttribute('download')).toBeNull();
    const [download] = await Promise.all([page.waitForEvent('download'), exportLink.click()]);
    expect(download.suggestedFilename()).toBe('cases.csv');
    const csv = await readFile(await download.path(), 'utf8');
    expect(csv.split('\r\n')[1]).toContain(caseId);
    await page.getByRole('link', { name: caseId }).waitFor();
  });

  it('the SLA board lists breached, due-soon and unknown due dates', async () => {
    const page = await signedIn('dev-agent-token');
    await page.getByRole('link', { name: 'SLA board' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('SLA board');
    const headings = await page.getByRole('heading', { level: 2 }).allTextContents();
    expect(headings.map((text) => text.replace(/ \(\d+\)$/, ''))).toEqual(['Breached', 'Due soon', 'Due date unknown', 'Paused']);
  });

  it('a supervisor opens the reports page and reads the carrier scorecard', async () => {
    // A parcel the platform announced: the scorecard's denominator for its carrier (SF).
    const { order, customer } = requestedEvent({ caseType: 'damaged', trackingNumber: `SIM-DELIVERED-SCORE${Date.now()}` }).data;
    expect((await h.platform.send({ type: 'shipment.created', data: { order, customer } })).status).toBe(202);

    const page = await signedIn('dev-supervisor-token');
    await page.getByRole('link', { name: 'Reports' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Reports');
    expect(await page.getByRole('heading', { name: 'Satisfaction' }).count()).toBe(1);
    // The carrier scorecard: damage, loss and delay per carrier, as a table and an SVG chart.
    const scorecard = page.locator('section', { has: page.getByRole('heading', { name: 'Carrier scorecard' }) });
    await expect.poll(async () => (await page.reload(), scorecard.getByRole('table').count()), { timeout: 30_000 }).toBe(1);
    expect(await scorecard.getByRole('row').filter({ hasText: 'SF' }).count()).toBeGreaterThan(0);
    expect(await scorecard.locator('svg[role="img"]').count()).toBeGreaterThan(0);
  });
});

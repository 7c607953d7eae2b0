/**
 * Screenshots of every console page, for the README and docs/operations.md: starts the local runtime on a throw-away
 * data directory, sends a few cases (some waiting for review with a photo, one past its service due time (the local clock moved on)), signs in
 * with Debian's Chromium as the local supervisor and writes docs/console/<page>.png (laptop size, and the queue and
 * a case at phone size, and the queue in Chinese).
 *
 *   npm run preview:console        (tsx scripts/preview-console.ts; needs /usr/bin/chromium)
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { DEV_OPS_TOKEN, DEV_WEBHOOK_SECRET } from '../local/config.js';
import { DEFAULT_OPS_USERS } from '../local/operators.js';
import { startLocalPipeline } from '../local/pipeline.js';
import { chromiumAvailable, CHROMIUM, openBrowser, signInToConsole, startPhotoServer } from '../tests/browser/console-browser.js';
import { requestedEvent } from './example-cases.js';
import { OpsClient, OrderPlatformClient } from './webhook-client.js';

const OUT = resolve(import.meta.dirname, '..', 'docs', 'console');
if (!chromiumAvailable()) {
  console.error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium).`);
  process.exit(1);
}

const dataDir = mkdtempSync(join(tmpdir(), 'aftersales-preview-console-'));
const photos = await startPhotoServer();
const pipeline = await startLocalPipeline({
  port: 0,
  dataDir,
  logLevel: 'CRITICAL',
  webhookSecret: DEV_WEBHOOK_SECRET,
  opsToken: DEV_OPS_TOKEN,
  opsUsers: DEFAULT_OPS_USERS.map((user) => ({ ...user })),
  timings: { REVIEW_REMINDER_SECONDS: '20', REVIEW_ESCALATION_SECONDS: '3600', RETURN_WAIT_SECONDS: '3600' },
});
const api = pipeline.urls.api;
const platform = new OrderPlatformClient(api, DEV_WEBHOOK_SECRET);
const ops = new OpsClient(api, DEV_OPS_TOKEN);
const supervisorToken = DEFAULT_OPS_USERS.find((u) => u.role === 'supervisor')!.token;

async function send(event: ReturnType<typeof requestedEvent>, until: (view: Record<string, any>) => boolean): Promise<string> {
  const caseId = String((await platform.send(event)).body.caseId);
  await ops.waitFor(caseId, until, 90_000);
  return caseId;
}

try {
  console.log(`local runtime at ${api}; sending example cases…`);
  const inReview = (price: number, tier: 'gold' | 'vip' | 'standard') => {
    const event = requestedEvent({ caseType: 'return', locale: 'en', tier, evidence: [{ kind: 'photo', url: `${photos.url}/dent.png` }] });
    event.data.order.items[0]!.unitPrice = price;
    return event;
  };
  const first = await send(inReview(64900, 'vip'), (v) => v.status === 'awaiting_review');
  await send(inReview(129900, 'gold'), (v) => v.status === 'awaiting_review');
  await send(inReview(58800, 'standard'), (v) => v.status === 'awaiting_review');
  // A German order: the lists show each case's times in its own market's zone, its market beside them.
  const german = inReview(12900, 'gold');
  Object.assign(german.data.order, { market: 'DE', currency: 'EUR' });
  await send(german, (v) => v.status !== 'received');
  // A return approved, its parcel received: the service clock runs; ten days later it is past due.
  const late = requestedEvent({ caseType: 'return', locale: 'en' });
  const lateId = await send(late, (v) => v.status === 'awaiting_return');
  await platform.send({ type: 'return.received', data: { requestId: late.data.requestId, receivedAt: new Date().toISOString() } });
  await ops.waitFor(lateId, (v) => Boolean(v.sla?.dueAt), 60_000);
  // Seven working days (CN calendar) are well within twenty calendar days; the schedules run once at the move.
  await fetch(`${api}/local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: 20 * 86_400_000 }) });
  for (let tries = 0; tries < 30; tries += 1) {
    const listed = (await (await fetch(`${api}/ops/cases?sla=breached`, { headers: { authorization: `Bearer ${DEV_OPS_TOKEN}` } })).json()) as { cases: Array<{ caseId: string }> };
    if (listed.cases.some((c) => c.caseId === lateId)) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  // The lost parcel was announced first (shipment.created), so the reports' carrier scorecard has a row for its carrier.
  const lost = requestedEvent({ caseType: 'lost', locale: 'en', trackingNumber: 'SIM-LOST-PREVIEW' });
  await platform.send({ type: 'shipment.created', data: { order: lost.data.order, customer: lost.data.customer } });
  await send(lost, (v) => v.status !== 'received');

  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const shoot = async (page: Page, name: string, fullPage = false) => {
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage });
    console.log(`docs/console/${name}.png`);
  };

  const laptop = await openBrowser({ viewport: { width: 1280, height: 860 } });
  const page = await laptop.context.newPage();
  await page.goto(`${api}/console`);
  await page.getByLabel('Operator token').waitFor();
  await shoot(page, 'sign-in');
  await signInToConsole(page, api, supervisorToken);
  await shoot(page, 'queue');
  await page.goto(`${api}/console/cases/${first}`);
  await page.getByRole('img', { name: 'Evidence photo 1' }).waitFor();
  await shoot(page, 'case', true);
  await page.goto(`${api}/console/search?type=return`);
  await shoot(page, 'search');
  await page.goto(`${api}/console/sla`);
  await shoot(page, 'sla');
  await page.goto(`${api}/console/alerts`);
  await shoot(page, 'alerts');
  await page.goto(`${api}/console/follow-ups`);
  await shoot(page, 'follow-ups');
  await page.goto(`${api}/console/reports`);
  await page.getByRole('heading', { name: 'Carrier scorecard' }).waitFor();
  await shoot(page, 'reports', true);
  await page.goto(`${api}/console/language?to=zh-CN&back=/console`);
  await shoot(page, 'queue.zh-CN');
  await laptop.close();

  const phone = await openBrowser({ viewport: { width: 390, height: 844 } });
  const small = await phone.context.newPage();
  await signInToConsole(small, api, supervisorToken);
  await shoot(small, 'queue.phone');
  await small.goto(`${api}/console/cases/${first}`);
  await shoot(small, 'case.phone');
  await phone.close();
} finally {
  await pipeline.stop();
  await photos.close();
  rmSync(dataDir, { recursive: true, force: true });
}
// Timers of the runtime's emulators may outlive stop(); the screenshots are written, so end here.
process.exit(0);

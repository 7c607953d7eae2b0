/**
 * `npm run demo`: sends one signed case of each type to a running `npm start` and prints where each ended.
 * Environment: API_URL (default http://127.0.0.1:3000), WEBHOOK_SECRET and OPS_TOKEN (local defaults).
 */
import { parseKeyRing } from '../functions/domain/key-ring.js';
import { DEV_OPS_TOKEN, DEV_WEBHOOK_SECRET } from '../local/config.js';
import { requestedEvent, type ExampleOptions } from './example-cases.js';
import { OpsClient, OrderPlatformClient } from './webhook-client.js';

const apiUrl = process.env.API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const platform = new OrderPlatformClient(apiUrl, parseKeyRing(process.env.WEBHOOK_SECRET ?? DEV_WEBHOOK_SECRET).current);
const ops = new OpsClient(apiUrl, process.env.OPS_TOKEN ?? DEV_OPS_TOKEN);

const cases: Array<{ label: string; options: ExampleOptions; shipsBack?: boolean }> = [
  { label: 'lost parcel', options: { caseType: 'lost', trackingNumber: 'SIM-LOST-DEMO1' } },
  { label: 'late delivery (3 working days)', options: { caseType: 'delayed', trackingNumber: 'SIM-LATE3-DEMO2' } },
  { label: 'return (no reason, 7 days)', options: { caseType: 'return', locale: 'en' }, shipsBack: true },
  { label: 'exchange', options: { caseType: 'exchange' }, shipsBack: true },
  { label: 'repair', options: { caseType: 'repair', expedited: true }, shipsBack: true },
  { label: 'damaged, with photo', options: { caseType: 'damaged', evidence: [{ kind: 'photo', url: 'https://img.example.com/damage.jpg' }] } },
  { label: 'quality problem', options: { caseType: 'quality' }, shipsBack: true },
  { label: 'missing part', options: { caseType: 'missing_part', locale: 'en', channels: ['email'] } },
  { label: 'lost, carrier API down then back', options: { caseType: 'lost', trackingNumber: 'SIM-DOWN2-LOST-DEMO3' } },
  { label: 'return of a perishable (refused)', options: { caseType: 'return', category: 'perishable' } },
];

type Ended = { label: string; caseId: string; seconds: number } | { label: string; refused: string };

async function run(entry: (typeof cases)[number]): Promise<Ended> {
  const sentAt = Date.now();
  const event = requestedEvent(entry.options);
  const accepted = await platform.send(event);
  if (accepted.status !== 202) return { label: entry.label, refused: `${accepted.status} ${JSON.stringify(accepted.body)}` };
  const caseId = String(accepted.body.caseId);
  if (entry.shipsBack) {
    await ops.waitFor(caseId, (c) => c.status === 'awaiting_return' || c.status === 'closed');
    // No return.received: the carrier's tracking (simulator pushes, polls) shows the parcel delivered to the service
    // center a few seconds later, and the case resumes by itself.
    await platform.send({ type: 'return.shipped', data: { requestId: event.data.requestId, carrier: 'SF', trackingNumber: `SIM-RETURN3-${caseId.slice(-4)}` } });
  }
  await ops.waitFor(caseId, (c) => c.status === 'closed' || c.status === 'needs_attention', 90_000);
  return { label: entry.label, caseId, seconds: Math.round((Date.now() - sentAt) / 1000) };
}

/**
 * Notices go out through a FIFO queue after the step that asks for them, so they trail the close (by half a minute on a
 * busy machine). The cases are read once no case has had a new notice for five seconds (at most two minutes): the
 * queue is drained by then, and the counts are the same from one run to the next.
 */
async function settledViews(caseIds: string[]): Promise<Map<string, Record<string, any>>> {
  const views = new Map<string, Record<string, any>>();
  const deadline = Date.now() + 120_000;
  let total = -1;
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    for (const caseId of caseIds) {
      const { status, body } = await ops.getCase(caseId);
      if (status === 200) views.set(caseId, body);
    }
    const now = [...views.values()].reduce((sum, view) => sum + view.notices.length, 0);
    if (now !== total) [total, stableSince] = [now, Date.now()];
    else if (Date.now() - stableSince >= 5_000) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return views;
}

const started = Date.now();
console.log(`Sending ${cases.length} example cases to ${apiUrl} …`);
const results = await Promise.allSettled(cases.map(run));
const ended = results.flatMap((r) => (r.status === 'fulfilled' && 'caseId' in r.value ? [r.value] : []));
const closedIn = Math.round((Date.now() - started) / 1000);
const views = await settledViews(ended.map((e) => e.caseId));
for (const result of results) {
  if (result.status === 'rejected') console.log(`failed: ${(result.reason as Error).message}`);
  else if ('refused' in result.value) console.log(`${result.value.label}: refused ${result.value.refused}`);
  else {
    const { label, caseId, seconds } = result.value;
    const v = views.get(caseId) ?? {};
    const detail = `${v.remedy ? `  remedy=${v.remedy}` : ''}${v.decision?.reasonCode ? `  reason=${v.decision.reasonCode}` : ''}`;
    console.log(`${label.padEnd(36)} ${caseId}  ${String(seconds).padStart(3)} s  ${v.status}/${v.outcome ?? '-'}${detail}  notices=${v.notices?.length ?? '?'}`);
  }
}
console.log(
  `\nAll closed within ${closedIn} s (each line: seconds from its webhook to its close); notices (email and SMS) counted once the last had gone out, ${Math.round((Date.now() - started) / 1000)} s after the start.`,
);
console.log(
  `\nOpen a case in the ops API (as the local viewer; other operators are printed by npm start): curl -H 'Authorization: Bearer dev-viewer-token' ${apiUrl}/ops/cases/<caseId>`,
);

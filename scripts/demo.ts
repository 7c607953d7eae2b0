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

async function run(entry: (typeof cases)[number]) {
  const sentAt = Date.now();
  const event = requestedEvent(entry.options);
  const accepted = await platform.send(event);
  if (accepted.status !== 202) return `${entry.label}: refused ${accepted.status} ${JSON.stringify(accepted.body)}`;
  const caseId = String(accepted.body.caseId);
  if (entry.shipsBack) {
    await ops.waitFor(caseId, (c) => c.status === 'awaiting_return' || c.status === 'closed');
    // No return.received: the carrier's tracking (simulator pushes, polls) shows the parcel delivered to the service
    // center a few seconds later, and the case resumes by itself.
    await platform.send({ type: 'return.shipped', data: { requestId: event.data.requestId, carrier: 'SF', trackingNumber: `SIM-RETURN3-${caseId.slice(-4)}` } });
  }
  const ended = await ops.waitFor(caseId, (c) => c.status === 'closed' || c.status === 'needs_attention', 90_000);
  const seconds = Math.round((Date.now() - sentAt) / 1000);
  const final = await settledNotices(caseId, ended);
  return `${entry.label.padEnd(36)} ${caseId}  ${String(seconds).padStart(3)} s  ${final.status}/${final.outcome ?? '-'}${final.remedy ? `  remedy=${final.remedy}` : ''}${final.decision?.reasonCode ? `  reason=${final.decision.reasonCode}` : ''}  notices=${final.notices.length}`;
}

/**
 * The notices of a case go out through a queue, a moment after the step that asks for them: the count is read once it
 * has stood still for five seconds (or after 60), so it is the same from one run to the next, even on a busy machine.
 */
async function settledNotices(caseId: string, view: Record<string, any>): Promise<Record<string, any>> {
  const deadline = Date.now() + 60_000;
  let last = view;
  let stableSince = Date.now();
  while (Date.now() < deadline && Date.now() - stableSince < 5_000) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { status, body } = await ops.getCase(caseId);
    if (status !== 200) continue;
    if (body.notices.length !== last.notices.length) stableSince = Date.now();
    last = body;
  }
  return last;
}

const started = Date.now();
console.log(`Sending ${cases.length} example cases to ${apiUrl} …`);
const results = await Promise.allSettled(cases.map(run));
for (const result of results) console.log(result.status === 'fulfilled' ? result.value : `failed: ${(result.reason as Error).message}`);
console.log(`\nDone in ${Math.round((Date.now() - started) / 1000)} s. Each line: seconds from the webhook to the close, status/outcome, the remedy or refusal reason, and the notices the customer got (email and SMS), counted once they stopped coming.`);
console.log(`\nOpen a case in the ops API (as the local viewer; other operators are printed by npm start): curl -H 'Authorization: Bearer dev-viewer-token' ${apiUrl}/ops/cases/<caseId>`);

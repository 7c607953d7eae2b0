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
  const final = await ops.waitFor(caseId, (c) => c.status === 'closed' || c.status === 'needs_attention', 90_000);
  return `${entry.label.padEnd(36)} ${caseId}  ${final.status}/${final.outcome ?? '-'}${final.remedy ? `  remedy=${final.remedy}` : ''}${final.decision?.reasonCode ? `  reason=${final.decision.reasonCode}` : ''}  notices=${final.notices.length}`;
}

console.log(`Sending ${cases.length} example cases to ${apiUrl} …`);
const results = await Promise.allSettled(cases.map(run));
for (const result of results) console.log(result.status === 'fulfilled' ? result.value : `failed: ${(result.reason as Error).message}`);
console.log(`\nOpen a case in the ops API (as the local viewer; other operators are printed by npm start): curl -H 'Authorization: Bearer dev-viewer-token' ${apiUrl}/ops/cases/<caseId>`);

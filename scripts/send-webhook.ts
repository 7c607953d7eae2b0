/**
 * `npm run webhook -- <file.json>`: signs an order-platform event per Standard Webhooks and sends it to a running
 * `npm start`, as the platform would. The file holds the event (`{"type", "timestamp"?, "data"}`); in its strings
 * `{{now}}` becomes the current time, `{{now-3d}}` three days ago (ISO 8601), `{{unique}}` the same fresh id
 * throughout the file (so one file sent twice is two requests; without it, the second is a duplicate).
 * `-` reads the event from standard input. Environment: API_URL or PORT (default 3000), WEBHOOK_SECRET (local default).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseKeyRing } from '../functions/domain/key-ring.js';
import { DEV_WEBHOOK_SECRET } from '../local/config.js';
import { OrderPlatformClient } from './webhook-client.js';

const DAY_MS = 86_400_000;

/** Fills the placeholders of every string in the event. */
export function fillPlaceholders(text: string, now: Date, unique: string): string {
  return text.replace(/\{\{(now(?:-(\d+)d)?|unique)\}\}/g, (_, name: string, days?: string) =>
    name === 'unique' ? unique : new Date(now.getTime() - Number(days ?? 0) * DAY_MS).toISOString(),
  );
}

async function main(args: string[]): Promise<number> {
  const file = args[0];
  if (!file || args.length > 1) {
    console.error('usage: npm run webhook -- <event.json | ->   (e.g. npm run webhook -- docs/examples/lost-parcel.json)');
    return 2;
  }
  const raw = readFileSync(file === '-' ? 0 : file, 'utf8');
  const body = fillPlaceholders(raw, new Date(), randomUUID().slice(0, 8));
  let event: { type?: unknown; timestamp?: unknown; data?: unknown };
  try {
    event = JSON.parse(body) as typeof event;
  } catch (error) {
    console.error(`${file} is not JSON: ${(error as Error).message}`);
    return 2;
  }
  if (typeof event.type !== 'string' || event.data === undefined) {
    console.error(`${file} must hold an event: {"type": "aftersales.requested", "data": {…}} (docs/webhook-contract.md)`);
    return 2;
  }
  const apiUrl = process.env.API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  const platform = new OrderPlatformClient(apiUrl, parseKeyRing(process.env.WEBHOOK_SECRET ?? DEV_WEBHOOK_SECRET).current);
  const sent = await platform
    .send({ type: event.type, ...(typeof event.timestamp === 'string' ? { timestamp: event.timestamp } : {}), data: event.data })
    .catch((error: unknown) => {
      console.error(`cannot reach ${apiUrl} (${(error as Error).message}): is npm start running there? (PORT / API_URL)`);
      return undefined;
    });
  if (!sent) return 1;
  console.log(`POST ${apiUrl}/webhooks/order-platform → ${sent.status}`);
  console.log(JSON.stringify(sent.body));
  if (typeof sent.body.caseId === 'string') {
    console.log(`\nFollow the case: curl -s -H 'Authorization: Bearer dev-viewer-token' ${apiUrl}/ops/cases/${sent.body.caseId}`);
  }
  return sent.status >= 200 && sent.status < 300 ? 0 : 1;
}

// Run as a script, not when a test imports fillPlaceholders.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) process.exitCode = await main(process.argv.slice(2));

// 17TRACK Tracking API v2.4 dialect of the carrier simulator: the same SIM-... timelines as `track_info` objects in
// 17TRACK's `{ code, data: { accepted, rejected } }` envelope, so the real 17TRACK adapter
// (functions/adapters/carriers/seventeen-track.ts) runs against the simulator. Shapes: the gettrackinfo/register
// samples of https://api.17track.net/en/doc?version=v2.4 (as in tests/fixtures/carriers/17track/).
import { createHash } from 'node:crypto';
import type { Checkpoint, TrackingResponse } from './carrier-scenarios.js';
import type { TrackingStatus } from './tracking-status.js';

export const SEVENTEEN_TRACK_SIM_BASE = '/track/v2.4/';

/** Error codes 17TRACK documents for a number in a request (`rejected[].error`). */
export const SEVENTEEN_TRACK_ERRORS = {
  alreadyRegistered: { code: -18019901, message: 'The tracking number is already registered.' },
  notRegistered: { code: -18019902, message: 'The tracking number is not registered, please register first.' },
  invalidKey: { code: -18010002, message: 'Invalid security key.' },
  // retrack (v2.2 reference's sample; tests/fixtures/carriers/17track/retrack*.json)
  retrackNotStopped: { code: -18019904, message: 'Retrack is not allowed. You can only retrack stopped number.' },
  retrackOnce: { code: -18019905, message: 'Retrack is not allowed. You can only retrack each number once.' },
} as const;

const STATUSES: Record<TrackingStatus, { status: string; sub_status: string }> = {
  pending: { status: 'NotFound', sub_status: 'NotFound_Other' },
  info_received: { status: 'InfoReceived', sub_status: 'InfoReceived' },
  in_transit: { status: 'InTransit', sub_status: 'InTransit_Other' },
  out_for_delivery: { status: 'OutForDelivery', sub_status: 'OutForDelivery_Other' },
  failed_attempt: { status: 'DeliveryFailure', sub_status: 'DeliveryFailure_Other' },
  available_for_pickup: { status: 'AvailableForPickup', sub_status: 'AvailableForPickup_Other' },
  delivered: { status: 'Delivered', sub_status: 'Delivered_Other' },
  exception: { status: 'Exception', sub_status: 'Exception_Other' },
  returned_to_sender: { status: 'Exception', sub_status: 'Exception_Returned' },
  expired: { status: 'Expired', sub_status: 'Expired_Other' },
};
const LOST = { status: 'Exception', sub_status: 'Exception_Lost' };

/** Shanghai wall-clock time with its offset, as 17TRACK's `time_iso`. */
function shanghaiIso(instant: string): string {
  return `${new Date(Date.parse(instant) + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

function eventOf(c: Checkpoint, lost: boolean) {
  const s = lost && c.status === 'exception' ? LOST : STATUSES[c.status];
  return {
    time_iso: shanghaiIso(c.time),
    time_utc: c.time.replace(/\.\d{3}Z$/, 'Z'),
    time_raw: { date: null, time: null, timezone: null },
    description: c.message,
    description_translation: null,
    location: c.location,
    stage: s.status === 'InTransit' ? 'Arrival' : s.status,
    sub_status: s.sub_status,
    address: { country: 'CN', state: null, city: null, street: null, postal_code: null, coordinates: { longitude: null, latitude: null } },
  };
}

/** A fabricated SIM timeline as a 17TRACK `track_info` (events newest first, as 17TRACK lists them). */
export function toSeventeenTrackInfo(timeline: TrackingResponse) {
  const lost = timeline.status === 'exception' && timeline.exceptionCode === 'lost';
  const latest = lost ? LOST : STATUSES[timeline.status];
  const events = [...timeline.checkpoints].reverse().map((c) => eventOf(c, lost));
  return {
    shipping_info: { shipper_address: { country: 'CN' }, recipient_address: { country: 'CN' } },
    latest_status: { ...latest, sub_status_descr: null },
    latest_event: events[0] ?? null,
    time_metrics: null,
    milestone: timeline.deliveredAt ? [{ key_stage: 'Delivered', time_iso: shanghaiIso(timeline.deliveredAt), time_utc: timeline.deliveredAt }] : [],
    misc_info: null,
    tracking: { providers_hash: 0, providers: [{ provider: { key: 0, name: 'SIM', alias: 'SIM', tel: null, homepage: null, country: 'CN' }, events }] },
  };
}

/** A number accepted in a request (register: without track_info; gettrackinfo: with it). */
export function accepted(number: string, carrier: number, trackInfo?: unknown) {
  return { number, carrier, param: null, tag: null, ...(trackInfo === undefined ? { origin: 1 } : { track_info: trackInfo }) };
}

export function rejected(number: string, error: { code: number; message: string }) {
  return { number, error };
}

/** What the 17TRACK route needs from the simulator: its lookup rules, its timelines, its clock. */
export interface SeventeenTrackContext {
  apiKey?: string;
  /** Counts a lookup; undefined: not a SIM number; throws SimulatorDown while the carrier is down. */
  resolve(trackingNumber: string): unknown;
  /** The number's timeline now, as if registered at `registeredAt`. */
  timeline(trackingNumber: string, carrier: string, registeredAt: Date): TrackingResponse | undefined;
  /** Whether 17TRACK stops following this number (it pushes TRACKING_STOPPED until restarted). */
  stopped(trackingNumber: string): boolean;
  now(): Date;
}

/**
 * Registered numbers, keyed upper-case: 17TRACK only tracks (and pushes for) registered numbers. `retrackedAt`: a
 * stopped number restarted by retrack (17TRACK allows it once per number); it is followed and pushed again.
 */
export type SeventeenTrackRegistry = Map<string, { number: string; carrier: number; registeredAt: Date; retrackedAt?: Date }>;

/**
 * POST /track/v2.4/register and /track/v2.4/gettrackinfo with a JSON array of `{ number, carrier }`: per number,
 * `accepted` or `rejected` with 17TRACK's error. A number that is no SIM scenario registers, then reads as
 * `NotFound_InvalidCode`, the way 17TRACK answers a number its carrier does not know. POST /track/v2.4/retrack
 * restarts a number 17TRACK stopped following (`ctx.stopped`), once; one still followed is refused with -18019904.
 */
export function seventeenTrackRoute(
  ctx: SeventeenTrackContext,
  registry: SeventeenTrackRegistry,
  path: 'register' | 'gettrackinfo' | 'retrack',
  token: string | undefined,
  body: unknown,
) {
  if (ctx.apiKey !== undefined && token !== ctx.apiKey)
    return { status: 401, body: { code: SEVENTEEN_TRACK_ERRORS.invalidKey.code, data: { errors: [SEVENTEEN_TRACK_ERRORS.invalidKey] } } };
  const items = Array.isArray(body) ? (body as Array<{ number?: unknown; carrier?: unknown }>) : [];
  const data = { accepted: [] as unknown[], rejected: [] as unknown[] };
  for (const item of items) {
    const number = typeof item.number === 'string' ? item.number.trim() : '';
    const carrier = Number(item.carrier ?? 0);
    const key = number.toUpperCase();
    const known = registry.get(key);
    if (path === 'register') {
      if (known) data.rejected.push(rejected(number, SEVENTEEN_TRACK_ERRORS.alreadyRegistered));
      else {
        registry.set(key, { number, carrier, registeredAt: ctx.now() });
        data.accepted.push(accepted(number, carrier));
      }
      continue;
    }
    if (!known) {
      data.rejected.push(rejected(number, SEVENTEEN_TRACK_ERRORS.notRegistered));
      continue;
    }
    if (path === 'retrack') {
      if (known.retrackedAt) data.rejected.push(rejected(number, SEVENTEEN_TRACK_ERRORS.retrackOnce));
      else if (!ctx.stopped(known.number)) data.rejected.push(rejected(number, SEVENTEEN_TRACK_ERRORS.retrackNotStopped));
      else {
        known.retrackedAt = ctx.now();
        data.accepted.push({ number, carrier: known.carrier });
      }
      continue;
    }
    const resolved = ctx.resolve(number);
    const timeline = resolved === undefined ? undefined : ctx.timeline(number, String(carrier), known.registeredAt);
    data.accepted.push(accepted(number, known.carrier, timeline ? toSeventeenTrackInfo(timeline) : invalidCodeInfo()));
  }
  return { status: 200, body: { code: 0, data } };
}

/** What 17TRACK shows for a number its carrier does not know (tests/fixtures/carriers/17track/invalid-code.json). */
export function invalidCodeInfo() {
  return {
    shipping_info: { shipper_address: { country: null }, recipient_address: { country: null } },
    latest_status: { status: 'NotFound', sub_status: 'NotFound_InvalidCode', sub_status_descr: null },
    latest_event: null,
    time_metrics: null,
    milestone: [],
    misc_info: null,
    tracking: { providers_hash: 0, providers: [] },
  };
}

/** 17TRACK webhook signature: hex(SHA-256(raw body + "/" + security key)). */
export function seventeenTrackSign(rawBody: string, key: string): string {
  return createHash('sha256').update(`${rawBody}/${key}`, 'utf8').digest('hex');
}

// AfterShip Tracking API (2026-07) dialect of the carrier simulator: the same SIM-... timelines rendered as
// AfterShip tracking objects in AfterShip's { meta, data } envelope, so the real AfterShip adapter
// (functions/adapters/carriers/aftership.ts) can run against the simulator. Shapes: docs/carrier-tracking.md.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { CalendarDate } from './china-workdays.js';
import type { Checkpoint, TimelineInput, TrackingResponse } from './carrier-scenarios.js';
import { sendJson } from './http.js';
import type { TrackingStatus } from './tracking-status.js';

export const AFTERSHIP_SIM_VERSION = '2026-07';
export const AFTERSHIP_TRACKINGS_PATH = `/tracking/${AFTERSHIP_SIM_VERSION}/trackings`;

/** What a POST /trackings stored: the simulator "tracks" a number only after it was created, as AfterShip does. */
export interface AfterShipRecord {
  trackingNumber: string;
  slug: string;
  shippedAt: Date;
  promisedBy: CalendarDate;
  createdAt: Date;
}

/** What a created tracking's timeline is fabricated from, as of `now`: SIM-RETURN counts from its creation. */
export function afterShipTimelineInput(record: AfterShipRecord, now: Date): TimelineInput {
  return { trackingNumber: record.trackingNumber, carrier: record.slug, shippedAt: record.shippedAt, promisedBy: record.promisedBy, registeredAt: record.createdAt, now };
}

const TAGS: Record<TrackingStatus, { tag: string; subtag: string; message: string }> = {
  pending: { tag: 'Pending', subtag: 'Pending_001', message: 'No information yet' },
  info_received: { tag: 'InfoReceived', subtag: 'InfoReceived_001', message: 'Info Received' },
  in_transit: { tag: 'InTransit', subtag: 'InTransit_001', message: 'In Transit' },
  out_for_delivery: { tag: 'OutForDelivery', subtag: 'OutForDelivery_001', message: 'Out for Delivery' },
  failed_attempt: { tag: 'AttemptFail', subtag: 'AttemptFail_001', message: 'Failed Attempt' },
  available_for_pickup: { tag: 'AvailableForPickup', subtag: 'AvailableForPickup_001', message: 'Available for pickup' },
  delivered: { tag: 'Delivered', subtag: 'Delivered_001', message: 'Delivered' },
  exception: { tag: 'Exception', subtag: 'Exception_001', message: 'Exception' },
  returned_to_sender: { tag: 'Exception', subtag: 'Exception_011', message: 'Returned to sender' },
  expired: { tag: 'Expired', subtag: 'Expired_001', message: 'Expired' },
};
const LOST = { tag: 'Exception', subtag: 'Exception_013', message: 'Shipment lost' };

/** Shanghai wall-clock time with its offset, the way AfterShip renders a checkpoint in the scan's zone. */
export function shanghaiIso(instant: Date | string): string {
  const ms = new Date(instant).getTime() + 8 * 3600_000;
  return `${new Date(ms).toISOString().slice(0, 19)}+08:00`;
}

function tagOf(status: TrackingStatus, lost: boolean) {
  return lost ? LOST : TAGS[status];
}

function checkpointOf(c: Checkpoint, slug: string, lost: boolean, createdAt: Date) {
  const t = tagOf(c.status, lost && c.status === 'exception');
  return {
    created_at: createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    slug,
    checkpoint_time: shanghaiIso(c.time),
    location: c.location,
    city: null,
    state: null,
    zip: null,
    country_region: 'CHN',
    country_region_name: 'China',
    message: c.message,
    tag: t.tag,
    subtag: t.subtag,
    subtag_message: t.message,
    raw_tag: null,
  };
}

function timelineTag(timeline: TrackingResponse) {
  const lost = timeline.status === 'exception' && timeline.exceptionCode === 'lost';
  return { lost, t: tagOf(timeline.status, lost) };
}

/**
 * What a push compares to tell a changed tracking (tag, subtag, number of checkpoints), read off the timeline: the
 * same text as `${tag}/${subtag}/${checkpoints.length}` of toAfterShipTracking's object, without rendering it.
 */
export function afterShipFingerprint(timeline: TrackingResponse): string {
  const { t } = timelineTag(timeline);
  return `${t.tag}/${t.subtag}/${timeline.checkpoints.length}`;
}

/** A fabricated SIM timeline as an AfterShip tracking object (the fields the API documents; the rest omitted). */
export function toAfterShipTracking(timeline: TrackingResponse, record: AfterShipRecord, now: Date) {
  const { lost, t } = timelineTag(timeline);
  const pickedUp = timeline.checkpoints.find((c) => c.status === 'in_transit');
  const utc = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    id: createHash('md5').update(`${record.slug}/${record.trackingNumber}`).digest('hex'),
    legacy_id: createHash('md5').update(record.trackingNumber).digest('hex').slice(0, 24),
    created_at: utc(record.createdAt),
    updated_at: utc(now),
    tracking_number: record.trackingNumber,
    slug: record.slug,
    active: timeline.status !== 'delivered',
    title: record.trackingNumber,
    tag: t.tag,
    subtag: t.subtag,
    subtag_message: t.message,
    return_to_sender: false,
    origin_country_region: 'CHN',
    destination_country_region: 'CHN',
    tracking_ship_date: shanghaiIso(record.shippedAt),
    order_promised_delivery_date: record.promisedBy,
    shipment_pickup_date: pickedUp ? shanghaiIso(pickedUp.time) : null,
    shipment_delivery_date: timeline.deliveredAt ? shanghaiIso(timeline.deliveredAt) : null,
    latest_estimated_delivery: timeline.estimatedDelivery
      ? { type: 'specific', source: 'Carrier EDD', datetime: shanghaiIso(timeline.estimatedDelivery), datetime_min: null, datetime_max: null, revise_reason: null }
      : null,
    tracked_count: 1,
    checkpoints: timeline.checkpoints.map((c) => checkpointOf(c, record.slug, lost, record.createdAt)),
  };
}

export type AfterShipTrackingBody = ReturnType<typeof toAfterShipTracking>;

const META_TYPES: Record<number, string> = { 200: 'OK', 201: 'Created', 400: 'BadRequest', 401: 'Unauthorized', 404: 'NotFound', 429: 'TooManyRequests', 503: 'InternalError' };

/** Sends AfterShip's envelope: `{ meta: { code, message, type }, data }`; meta.code is 4xxx for business errors. */
export function sendAfterShip(res: ServerResponse, httpStatus: number, metaCode: number, message: string, data: unknown = {}, headers: Record<string, string> = {}): void {
  sendJson(res, httpStatus, { meta: { code: metaCode, message, type: META_TYPES[httpStatus] ?? 'BadRequest' }, data }, headers);
}

/** Thrown inside the AfterShip route; rendered with sendAfterShip. */
export class AfterShipError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly metaCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

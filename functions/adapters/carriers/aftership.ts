// AfterShip Tracking API (version 2026-07) behind the carrier port. Mapping and sources: docs/carrier-tracking.md.
import * as z from 'zod/mini';
import type { Checkpoint, TrackingSnapshot, TrackingStatus } from '../../domain/carrier-verdict.js';
import type { CarrierTracker, TrackingQuery } from '../carrier-tracker.js';
import { checkpointZone, naiveTimeInZone } from './checkpoint-zone.js';
import { CarrierAuthError, ProviderUnavailableError, TrackingNotFoundError } from './errors.js';
import { chronological, compact, lastTime, providerCarrierCode, requestJson, toUtcIso, withSlash, type FetchFn, type ProviderHttp } from './support.js';

export const AFTERSHIP_API_VERSION = '2026-07';

export interface AfterShipConfig {
  /** https://api.aftership.com (or the local simulator's URL). */
  baseUrl: string;
  apiKey: string;
  /** Pipeline carrier code -> AfterShip courier slug, e.g. { SF: 'sf-express' }. */
  slugs: Readonly<Record<string, string>>;
  timeoutMs?: number;
  fetch?: FetchFn;
  /**
   * Offset for checkpoint times AfterShip gives without one when the checkpoint does not say where it is (otherwise
   * its own zone is used: checkpoint-zone.ts). Default +08:00.
   */
  naiveTimeOffset?: string;
  now?: () => Date;
}

/** AfterShip `tag` -> canonical status. Exception_010/011 (returning / returned to sender) are refined below. */
export const AFTERSHIP_TAGS: Readonly<Record<string, TrackingStatus>> = {
  Pending: 'pending',
  InfoReceived: 'info_received',
  InTransit: 'in_transit',
  OutForDelivery: 'out_for_delivery',
  AttemptFail: 'failed_attempt',
  AvailableForPickup: 'available_for_pickup',
  Delivered: 'delivered',
  Exception: 'exception',
  Expired: 'expired',
};
const RETURN_SUBTAGS = new Set(['Exception_010', 'Exception_011']);
/** Exception_013 "Shipment lost: delivery of the package failed as it got lost" is the only subtag read as lost. */
export const AFTERSHIP_LOST_SUBTAG = 'Exception_013';

const nullableString = z.optional(z.nullable(z.string()));
const AfterShipCheckpointSchema = z.looseObject({
  checkpoint_time: nullableString,
  message: nullableString,
  location: nullableString,
  city: nullableString,
  state: nullableString,
  country_region_name: nullableString,
  country_region: nullableString,
  // The same, as AfterShip's older API versions (and its published samples) name them.
  country_iso3: nullableString,
  country_name: nullableString,
  tag: nullableString,
  subtag: nullableString,
});
export const AfterShipTrackingSchema = z.looseObject({
  tracking_number: z.string(),
  slug: nullableString,
  tag: z.string(),
  subtag: nullableString,
  shipment_delivery_date: nullableString,
  checkpoints: z.optional(z.nullable(z.array(AfterShipCheckpointSchema))),
});
export type AfterShipTracking = z.infer<typeof AfterShipTrackingSchema>;

const EnvelopeSchema = z.looseObject({
  meta: z.looseObject({ code: z.number(), message: nullableString, type: nullableString }),
  data: z.optional(z.unknown()),
});
const TrackingListSchema = z.looseObject({ trackings: z.optional(z.nullable(z.array(z.unknown()))) });

function statusOf(tag: string | null | undefined, subtag: string | null | undefined): TrackingStatus {
  if (subtag && RETURN_SUBTAGS.has(subtag)) return 'returned_to_sender';
  // A tag this adapter does not know yet confirms neither delivery nor loss.
  return (tag && AFTERSHIP_TAGS[tag]) || 'exception';
}

/**
 * `checkpoint_time` is the checkpoint's local time (AfterShip: "provided by the carrier"); without an offset it is read
 * in the zone of the checkpoint's place, and only when nothing says where it is at `naiveTimeOffset`.
 */
function checkpointTime(c: z.infer<typeof AfterShipCheckpointSchema>, naiveTimeOffset: string): string | undefined {
  const raw = c.checkpoint_time?.trim();
  if (!raw) return undefined;
  const zone = checkpointZone(c);
  return (zone && naiveTimeInZone(raw, zone)) || toUtcIso(raw, naiveTimeOffset);
}

/** An AfterShip tracking object (API or webhook `msg`) in the canonical vocabulary. */
export function afterShipSnapshot(tracking: AfterShipTracking, naiveTimeOffset = '+08:00'): TrackingSnapshot {
  const status = statusOf(tracking.tag, tracking.subtag);
  const checkpoints = chronological(
    (tracking.checkpoints ?? []).flatMap((c): Checkpoint[] => {
      const time = checkpointTime(c, naiveTimeOffset);
      if (!time) return [];
      const location = c.location?.trim() || compact([c.city, c.state, c.country_region_name ?? c.country_name]);
      return [{ time, status: statusOf(c.tag, c.subtag), message: c.message ?? '', ...(location ? { location } : {}) }];
    }),
  );
  const lastEventAt = lastTime(checkpoints);
  let deliveredAt: string | undefined;
  if (status === 'delivered') {
    deliveredAt = checkpoints.findLast((c) => c.status === 'delivered')?.time ?? toUtcIso(tracking.shipment_delivery_date, naiveTimeOffset) ?? lastEventAt;
  }
  return {
    status,
    lost: status === 'exception' && tracking.subtag === AFTERSHIP_LOST_SUBTAG,
    ...(deliveredAt ? { deliveredAt } : {}),
    ...(lastEventAt ? { lastEventAt } : {}),
    checkpoints,
  };
}

/**
 * Looks the shipment up with GET /trackings?tracking_numbers=&slug= (2024-04 and later have no "get by slug and
 * number"); when the account does not track it yet, creates it (POST /trackings) and reads the created tracking,
 * which is Pending until AfterShip's first fetch from the carrier.
 */
export class AfterShipTracker implements CarrierTracker {
  private readonly http: ProviderHttp;
  private readonly base: URL;
  private readonly naiveTimeOffset: string;

  constructor(private readonly config: AfterShipConfig) {
    this.http = { provider: 'AfterShip', fetch: config.fetch ?? fetch, timeoutMs: config.timeoutMs ?? 5000, now: config.now ?? (() => new Date()) };
    this.base = new URL(`tracking/${AFTERSHIP_API_VERSION}/`, withSlash(config.baseUrl));
    this.naiveTimeOffset = config.naiveTimeOffset ?? '+08:00';
  }

  async track(query: TrackingQuery): Promise<TrackingSnapshot> {
    const slug = providerCarrierCode(this.config.slugs, query.carrier, 'AfterShip');
    const found = await this.find(slug, query.trackingNumber);
    if (found) return afterShipSnapshot(found, this.naiveTimeOffset);
    const created = await this.create(slug, query);
    if (created) return afterShipSnapshot(created, this.naiveTimeOffset);
    // Someone created it between our GET and POST (meta 4003): it exists now.
    const raced = await this.find(slug, query.trackingNumber);
    if (raced) return afterShipSnapshot(raced, this.naiveTimeOffset);
    throw new Error('AfterShip reported the tracking as existing but does not list it');
  }

  private headers(): Record<string, string> {
    return { 'as-api-key': this.config.apiKey, 'Content-Type': 'application/json', Accept: 'application/json' };
  }

  private async find(slug: string, trackingNumber: string): Promise<AfterShipTracking | undefined> {
    const url = new URL('trackings', this.base);
    url.searchParams.set('tracking_numbers', trackingNumber);
    url.searchParams.set('slug', slug);
    const reply = await requestJson(this.http, url, { method: 'GET', headers: this.headers() });
    const envelope = this.envelope(reply.body);
    if (reply.status !== 200 || envelope.meta.code !== 200) this.fail(envelope.meta, reply.status);
    const list = TrackingListSchema.safeParse(envelope.data);
    if (!list.success) throw new Error('AfterShip answered a tracking list of an unexpected shape');
    for (const item of list.data.trackings ?? []) {
      const tracking = AfterShipTrackingSchema.safeParse(item);
      if (!tracking.success) throw new Error('AfterShip answered a tracking of an unexpected shape');
      const sameNumber = tracking.data.tracking_number.toUpperCase() === trackingNumber.toUpperCase();
      if (sameNumber && (!tracking.data.slug || tracking.data.slug === slug)) return tracking.data;
    }
    return undefined;
  }

  /** The created tracking, or undefined when AfterShip says it already exists. */
  private async create(slug: string, query: TrackingQuery): Promise<AfterShipTracking | undefined> {
    const body: Record<string, string> = { tracking_number: query.trackingNumber, slug };
    if (query.shippedAt) body.tracking_ship_date = query.shippedAt;
    if (query.promisedBy) body.order_promised_delivery_date = query.promisedBy;
    const reply = await requestJson(this.http, new URL('trackings', this.base), { method: 'POST', headers: this.headers(), body: JSON.stringify(body) });
    const envelope = this.envelope(reply.body);
    if (envelope.meta.code === 4003) return undefined;
    if (reply.status >= 300 || (envelope.meta.code !== 200 && envelope.meta.code !== 201)) this.fail(envelope.meta, reply.status);
    const tracking = AfterShipTrackingSchema.safeParse(envelope.data);
    if (!tracking.success) throw new Error('AfterShip answered a created tracking of an unexpected shape');
    return tracking.data;
  }

  private envelope(body: unknown): z.infer<typeof EnvelopeSchema> {
    const parsed = EnvelopeSchema.safeParse(body);
    if (!parsed.success) throw new Error('AfterShip answered without its { meta, data } envelope');
    return parsed.data;
  }

  /** Maps AfterShip's meta codes (4xxx on HTTP 400/404) to the port's errors. */
  private fail(meta: { code: number; message?: string | null }, httpStatus: number): never {
    const detail = `AfterShip meta ${meta.code}${meta.message ? `: ${meta.message}` : ''}`;
    switch (meta.code) {
      case 4004: // Tracking does not exist.
      case 4005: // The value of tracking_number is invalid.
      case 4010: // The value of slug is invalid.
      case 4012: // Bad courier: cannot import this number for this carrier.
      case 4017: // The format of tracking_number is invalid.
        throw new TrackingNotFoundError(detail);
      case 401:
      case 403:
        throw new CarrierAuthError(detail);
      case 429:
        throw new ProviderUnavailableError(detail);
      default:
        if (meta.code >= 500) throw new ProviderUnavailableError(detail);
        throw new Error(`${detail} (HTTP ${httpStatus})`);
    }
  }
}

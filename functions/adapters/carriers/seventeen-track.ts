// 17TRACK Tracking API v2.4 behind the carrier port. Mapping and sources: docs/carrier-tracking.md.
import * as z from 'zod/mini';
import type { Checkpoint, TrackingSnapshot, TrackingStatus } from '../../domain/carrier-verdict.js';
import type { CarrierTracker, RetrackOutcome, TrackingQuery } from '../carrier-tracker.js';
import { CarrierAuthError, ProviderUnavailableError, TrackingNotFoundError } from './errors.js';
import { chronological, compact, providerCarrierCode, requestJson, toUtcIso, withSlash, type FetchFn, type ProviderHttp } from './support.js';

export const SEVENTEEN_TRACK_API_VERSION = 'v2.4';

export interface SeventeenTrackConfig {
  /** https://api.17track.net */
  baseUrl: string;
  /** The account's security key, sent as the `17token` header (and the key webhook signatures use). */
  apiKey: string;
  /** Pipeline carrier code -> 17TRACK carrier key from its carrier list, e.g. { SF: 100012 }. */
  carriers: Readonly<Record<string, number>>;
  timeoutMs?: number;
  fetch?: FetchFn;
  now?: () => Date;
}

/** `latest_status.status` (and the prefix of every `sub_status`) -> canonical status. */
export const SEVENTEEN_TRACK_STATUSES: Readonly<Record<string, TrackingStatus>> = {
  NotFound: 'pending',
  InfoReceived: 'info_received',
  InTransit: 'in_transit',
  Expired: 'expired',
  AvailableForPickup: 'available_for_pickup',
  OutForDelivery: 'out_for_delivery',
  DeliveryFailure: 'failed_attempt',
  Delivered: 'delivered',
  Exception: 'exception',
};
/** Event `stage` values (milestone key stages) that are not main statuses. */
const STAGES: Readonly<Record<string, TrackingStatus>> = {
  PickedUp: 'in_transit',
  Departure: 'in_transit',
  Arrival: 'in_transit',
  Returning: 'returned_to_sender',
  Returned: 'returned_to_sender',
};
const RETURN_SUB_STATUSES = new Set(['Exception_Returning', 'Exception_Returned']);
/** "Package lost due to various circumstances": the only sub-status read as lost. */
export const SEVENTEEN_TRACK_LOST_SUB_STATUS = 'Exception_Lost';

/** "The tracking number is invalid for the carrier": the number is wrong, not merely without information yet. */
export const SEVENTEEN_TRACK_INVALID_SUB_STATUS = 'NotFound_InvalidCode';

/** 17TRACK error codes (the `code` of a request, or of a rejected number). */
const AUTH_CODES = new Set([-18010001, -18010002, -18010004, -18010005, -18019908]);
const TRY_LATER_CODES = new Set([-18010003, -18019907]);
const NOT_FOUND_CODES = new Set([-18019903, -18019910]);
const NOT_REGISTERED = -18019902;
const ALREADY_REGISTERED = -18019901;
const NO_INFO_YET = -18019909;
/** retrack: "Only stopped numbers can be re-tracked" / "Each tracking number can only be re-tracked once". */
const RETRACK_NOT_STOPPED = -18019904;
const RETRACK_ONLY_ONCE = -18019905;

const ns = z.optional(z.nullable(z.string()));
const EventSchema = z.looseObject({
  time_iso: ns,
  time_utc: ns,
  description: ns,
  location: ns,
  stage: ns,
  sub_status: ns,
  address: z.optional(z.nullable(z.looseObject({ city: ns, state: ns, country: ns }))),
});
export const SeventeenTrackInfoSchema = z.looseObject({
  latest_status: z.optional(z.nullable(z.looseObject({ status: ns, sub_status: ns }))),
  latest_event: z.optional(z.nullable(EventSchema)),
  milestone: z.optional(z.nullable(z.array(z.looseObject({ key_stage: ns, time_iso: ns, time_utc: ns })))),
  tracking: z.optional(z.nullable(z.looseObject({ providers: z.optional(z.nullable(z.array(z.looseObject({ events: z.optional(z.nullable(z.array(EventSchema))) })))) }))),
});
export type SeventeenTrackInfo = z.infer<typeof SeventeenTrackInfoSchema>;
type Event = z.infer<typeof EventSchema>;

const ErrorSchema = z.looseObject({ code: z.number(), message: ns });
const ReplySchema = z.looseObject({
  code: z.number(),
  data: z.optional(
    z.nullable(
      z.looseObject({
        accepted: z.optional(z.nullable(z.array(z.looseObject({ number: z.string(), carrier: z.optional(z.nullable(z.number())), track_info: z.optional(z.unknown()) })))),
        rejected: z.optional(z.nullable(z.array(z.looseObject({ number: z.string(), error: z.optional(z.nullable(ErrorSchema)) })))),
        errors: z.optional(z.nullable(z.array(ErrorSchema))),
      }),
    ),
  ),
});

function mainStatus(status: string | null | undefined, subStatus: string | null | undefined): TrackingStatus | undefined {
  if (subStatus && RETURN_SUB_STATUSES.has(subStatus)) return 'returned_to_sender';
  const main = status || subStatus?.split('_')[0];
  return main ? SEVENTEEN_TRACK_STATUSES[main] : undefined;
}

function eventTime(event: { time_utc?: string | null; time_iso?: string | null }): string | undefined {
  return toUtcIso(event.time_utc, 'Z') ?? toUtcIso(event.time_iso, '+08:00');
}

function checkpointOf(event: Event): Checkpoint | undefined {
  const time = eventTime(event);
  if (!time) return undefined;
  const status = mainStatus(undefined, event.sub_status) ?? (event.stage ? (SEVENTEEN_TRACK_STATUSES[event.stage] ?? STAGES[event.stage]) : undefined) ?? 'in_transit';
  const location = event.location?.trim() || compact([event.address?.city, event.address?.state, event.address?.country]);
  return { time, status, message: event.description ?? '', ...(location ? { location } : {}) };
}

/** A 17TRACK `track_info` (gettrackinfo or webhook) in the canonical vocabulary; no track_info yet means pending. */
export function seventeenTrackSnapshot(trackInfo: SeventeenTrackInfo | null | undefined): TrackingSnapshot {
  if (!trackInfo) return { status: 'pending', lost: false, checkpoints: [] };
  const latest = trackInfo.latest_status;
  // An unknown main status confirms neither delivery nor loss.
  const status = latest ? (mainStatus(latest.status, latest.sub_status) ?? 'exception') : 'pending';
  const seen = new Set<string>();
  const events = (trackInfo.tracking?.providers ?? []).flatMap((p) => p.events ?? []);
  const checkpoints = chronological(
    events.flatMap((e) => {
      const c = checkpointOf(e);
      const key = c && `${c.time}|${c.message}`;
      if (!c || seen.has(key!)) return [];
      seen.add(key!);
      return [c];
    }),
  );
  const lastEventAt = checkpoints.at(-1)?.time ?? (trackInfo.latest_event ? eventTime(trackInfo.latest_event) : undefined);
  let deliveredAt: string | undefined;
  if (status === 'delivered') {
    const milestone = trackInfo.milestone?.find((m) => m.key_stage === 'Delivered');
    deliveredAt = checkpoints.findLast((c) => c.status === 'delivered')?.time ?? (milestone ? eventTime(milestone) : undefined) ?? lastEventAt;
  }
  return {
    status,
    lost: status === 'exception' && latest?.sub_status === SEVENTEEN_TRACK_LOST_SUB_STATUS,
    ...(deliveredAt ? { deliveredAt } : {}),
    ...(lastEventAt ? { lastEventAt } : {}),
    checkpoints,
  };
}

type Lookup = { accepted: true; trackInfo: unknown } | { accepted: false; code: number; message: string };

/**
 * gettrackinfo first (free for registered numbers); a number 17TRACK does not track yet (-18019902) is
 * registered (one quota) and read again. Until 17TRACK's first sync the answer is a pending snapshot.
 */
export class SeventeenTrackTracker implements CarrierTracker {
  private readonly http: ProviderHttp;
  private readonly base: URL;

  constructor(private readonly config: SeventeenTrackConfig) {
    this.http = { provider: '17TRACK', fetch: config.fetch ?? fetch, timeoutMs: config.timeoutMs ?? 5000, now: config.now ?? (() => new Date()) };
    this.base = new URL(`track/${SEVENTEEN_TRACK_API_VERSION}/`, withSlash(config.baseUrl));
  }

  async track(query: TrackingQuery): Promise<TrackingSnapshot> {
    const carrier = providerCarrierCode(this.config.carriers, query.carrier, '17TRACK');
    let lookup = await this.getTrackInfo(query.trackingNumber, carrier);
    if (!lookup.accepted && lookup.code === NOT_REGISTERED) {
      await this.register(query.trackingNumber, carrier);
      lookup = await this.getTrackInfo(query.trackingNumber, carrier);
    }
    if (!lookup.accepted) {
      if (lookup.code === NO_INFO_YET || lookup.code === NOT_REGISTERED) return { status: 'pending', lost: false, checkpoints: [] };
      throw this.errorFor(lookup.code, lookup.message);
    }
    const info = lookup.trackInfo == null ? undefined : SeventeenTrackInfoSchema.safeParse(lookup.trackInfo);
    if (info && !info.success) throw new Error('17TRACK answered a track_info of an unexpected shape');
    if (info?.data.latest_status?.sub_status === SEVENTEEN_TRACK_INVALID_SUB_STATUS) {
      throw new TrackingNotFoundError('17TRACK: the tracking number is invalid for this carrier (NotFound_InvalidCode)');
    }
    return seventeenTrackSnapshot(info?.data);
  }

  /**
   * POST retrack `[{ number, carrier }]` (17TRACK "Restart tracking"): a stopped number is followed (and pushed) again.
   * 17TRACK restarts each number once; one it still follows is `tracking`. Documented in the API's v2.2 reference
   * (retrack is unchanged in v2.4); fixtures tests/fixtures/carriers/17track/retrack*.json.
   */
  async retrack(query: TrackingQuery): Promise<RetrackOutcome> {
    const carrier = providerCarrierCode(this.config.carriers, query.carrier, '17TRACK');
    const data = await this.call('retrack', query.trackingNumber, carrier);
    const same = (n: string) => n.toUpperCase() === query.trackingNumber.toUpperCase();
    if (data?.accepted?.some((a) => same(a.number))) return 'restarted';
    const error = data?.rejected?.find((r) => same(r.number))?.error;
    if (error?.code === RETRACK_NOT_STOPPED) return 'tracking';
    if (error?.code === RETRACK_ONLY_ONCE) return 'refused';
    if (error) throw this.errorFor(error.code, error.message);
    throw new Error('17TRACK retrack answered neither accepted nor rejected for the number');
  }

  private async call(path: 'gettrackinfo' | 'register' | 'retrack', number: string, carrier: number) {
    const reply = await requestJson(this.http, new URL(path, this.base), {
      method: 'POST',
      headers: { '17token': this.config.apiKey, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify([{ number, carrier }]),
    });
    const parsed = ReplySchema.safeParse(reply.body);
    if (!parsed.success) throw new Error(`17TRACK ${path} answered an unexpected body (HTTP ${reply.status})`);
    const body = parsed.data;
    if (body.code !== 0) {
      const error = body.data?.errors?.[0];
      throw this.errorFor(error?.code ?? body.code, error?.message ?? `request code ${body.code}`);
    }
    return body.data;
  }

  private async getTrackInfo(number: string, carrier: number): Promise<Lookup> {
    const data = await this.call('gettrackinfo', number, carrier);
    const accepted = data?.accepted?.find((a) => a.number.toUpperCase() === number.toUpperCase());
    if (accepted) return { accepted: true, trackInfo: accepted.track_info };
    const rejected = data?.rejected?.find((r) => r.number.toUpperCase() === number.toUpperCase());
    if (rejected?.error) return { accepted: false, code: rejected.error.code, message: rejected.error.message ?? '' };
    throw new Error('17TRACK gettrackinfo answered neither accepted nor rejected for the number');
  }

  private async register(number: string, carrier: number): Promise<void> {
    const data = await this.call('register', number, carrier);
    const rejected = data?.rejected?.find((r) => r.number.toUpperCase() === number.toUpperCase());
    if (rejected?.error && rejected.error.code !== ALREADY_REGISTERED) throw this.errorFor(rejected.error.code, rejected.error.message ?? '');
  }

  private errorFor(code: number, message: string | null | undefined): Error {
    const detail = `17TRACK error ${code}${message ? `: ${message}` : ''}`;
    if (AUTH_CODES.has(code)) return new CarrierAuthError(detail);
    if (TRY_LATER_CODES.has(code)) return new ProviderUnavailableError(detail);
    if (NOT_FOUND_CODES.has(code)) return new TrackingNotFoundError(detail);
    return new Error(detail);
  }
}

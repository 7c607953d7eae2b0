// Provider push (webhook) bodies: verify the signature as each provider documents it, then parse into snapshots.
// Pure functions: no clock, no I/O. Sources and algorithms: docs/carrier-tracking.md.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import type { TrackingSnapshot } from '../../domain/carrier-verdict.js';
import { AfterShipTrackingSchema, afterShipSnapshot } from './aftership.js';
import { Kuaidi100ResultSchema, kuaidi100Snapshot } from './kuaidi100.js';
import type { TrackingProvider } from './routing.js';
import { SEVENTEEN_TRACK_INVALID_SUB_STATUS, SeventeenTrackInfoSchema, seventeenTrackSnapshot } from './seventeen-track.js';
import { pipelineCarrierCode } from './support.js';

export type PushProvider = Exclude<TrackingProvider, 'simulator'>;

export interface PushUpdate {
  /** The pipeline's carrier code when `carrierCodes` maps the provider's code back, else the provider's own code. */
  carrier?: string;
  trackingNumber: string;
  snapshot: TrackingSnapshot;
  /**
   * Kuaidi100 corrected the carrier (`autoCheck` 1, `comNew`): the pipeline's code for the corrected carrier, to look
   * the parcel up with from now on. The update itself still names the carrier the shipment was watched under.
   */
  correctedCarrier?: string;
}

/**
 * A push that says something about the watch rather than the parcel: the provider stopped following the number
 * (17TRACK `TRACKING_STOPPED`), or does not know it (17TRACK `NotFound_InvalidCode`).
 */
export interface PushIssue {
  reason: 'tracking_stopped' | 'tracking_not_found';
  carrier?: string;
  trackingNumber: string;
}

export type PushResult = { ok: true; updates: PushUpdate[]; issues?: PushIssue[] } | { ok: false; reason: 'invalid_signature' | 'malformed' };

/** HTTP headers (any case) or, for Kuaidi100, the already-decoded form fields. */
export type HeadersOrForm = Readonly<Record<string, string | string[] | undefined>>;

export interface PushOptions {
  /** The adapter's carrier map (pipeline code -> provider code), to name the pipeline's carrier in updates. */
  carrierCodes?: Readonly<Record<string, string | number>>;
  /** Offset for AfterShip checkpoint times without one. Default +08:00. */
  naiveTimeOffset?: string;
}

/**
 * - aftership: header `aftership-hmac-sha256` = base64(HMAC-SHA256(raw body, webhook secret)).
 * - 17track:   header `sign` = hex(SHA-256(raw body + "/" + security key)).
 * - kuaidi100: form field `sign` = MD5(param + salt), compared case-insensitively (Kuaidi100 signs upper-case hex).
 * The signature is checked on the raw bytes before anything is parsed; an empty secret never verifies.
 */
export function verifyAndParsePush(provider: PushProvider, rawBody: string, headersOrForm: HeadersOrForm, secret: string, options: PushOptions = {}): PushResult {
  switch (provider) {
    case 'aftership':
      return afterShipPush(rawBody, headersOrForm, secret, options);
    case '17track':
      return seventeenTrackPush(rawBody, headersOrForm, secret, options);
    case 'kuaidi100':
      return kuaidi100Push(rawBody, headersOrForm, secret, options);
  }
}

// --- AfterShip ---------------------------------------------------------------------------------------------

export function afterShipSignature(rawBody: string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody, 'utf8').digest('base64');
}

const AfterShipWebhookSchema = z.looseObject({ event: z.string(), msg: z.optional(z.unknown()) });

function afterShipPush(rawBody: string, headers: HeadersOrForm, secret: string, options: PushOptions): PushResult {
  const signature = field(headers, 'aftership-hmac-sha256');
  if (!secret || !signature || !safeEqual(signature.trim(), afterShipSignature(rawBody, secret))) return invalid();
  const body = AfterShipWebhookSchema.safeParse(parseJson(rawBody));
  if (!body.success) return malformed();
  // tracking_update carries the tracking in `msg`; edd_revise and tracking_pending_time carry no status change.
  if (body.data.event !== 'tracking_update') return { ok: true, updates: [] };
  const tracking = AfterShipTrackingSchema.safeParse(body.data.msg);
  if (!tracking.success) return malformed();
  const slug = tracking.data.slug ?? undefined;
  return {
    ok: true,
    updates: [
      {
        ...carrierOf(slug, options),
        trackingNumber: tracking.data.tracking_number,
        snapshot: afterShipSnapshot(tracking.data, options.naiveTimeOffset),
      },
    ],
  };
}

// --- 17TRACK -----------------------------------------------------------------------------------------------

export function seventeenTrackSignature(rawBody: string, key: string): string {
  return createHash('sha256').update(`${rawBody}/${key}`, 'utf8').digest('hex');
}

const SeventeenTrackWebhookSchema = z.looseObject({
  event: z.string(),
  data: z.optional(z.nullable(z.looseObject({ number: z.string(), carrier: z.optional(z.nullable(z.union([z.number(), z.string()]))), track_info: z.optional(z.unknown()) }))),
});

function seventeenTrackPush(rawBody: string, headers: HeadersOrForm, secret: string, options: PushOptions): PushResult {
  const signature = field(headers, 'sign');
  if (!secret || !signature || !safeEqual(signature.trim().toLowerCase(), seventeenTrackSignature(rawBody, secret))) return invalid();
  const body = SeventeenTrackWebhookSchema.safeParse(parseJson(rawBody));
  if (!body.success) return malformed();
  const { event, data } = body.data;
  if (event !== 'TRACKING_UPDATED' && event !== 'TRACKING_STOPPED') return { ok: true, updates: [] };
  if (!data) return malformed();
  const carrier = data.carrier ?? undefined;
  // TRACKING_STOPPED: 17TRACK no longer follows the number (and will push nothing more): nothing about the parcel,
  // but the watch must fall back to polling and an operator must know.
  if (event === 'TRACKING_STOPPED') return { ok: true, updates: [], issues: [{ reason: 'tracking_stopped', ...carrierOf(carrier, options), trackingNumber: data.number }] };
  const info = data.track_info == null ? undefined : SeventeenTrackInfoSchema.safeParse(data.track_info);
  if (info && !info.success) return malformed();
  // The number is invalid for the carrier: a tracking issue, not a parcel that is merely "pending".
  if (info?.data.latest_status?.sub_status === SEVENTEEN_TRACK_INVALID_SUB_STATUS) {
    return { ok: true, updates: [], issues: [{ reason: 'tracking_not_found', ...carrierOf(carrier, options), trackingNumber: data.number }] };
  }
  return {
    ok: true,
    updates: [{ ...carrierOf(carrier, options), trackingNumber: data.number, snapshot: seventeenTrackSnapshot(info?.data) }],
  };
}

// --- Kuaidi100 ---------------------------------------------------------------------------------------------

export function kuaidi100PushSignature(param: string, salt: string): string {
  return createHash('md5')
    .update(param + salt, 'utf8')
    .digest('hex')
    .toUpperCase();
}

const ns = z.optional(z.nullable(z.string()));
const Kuaidi100PushSchema = z.looseObject({ status: ns, autoCheck: ns, comOld: ns, comNew: ns, lastResult: z.optional(z.nullable(z.unknown())) });

function kuaidi100Push(rawBody: string, form: HeadersOrForm, secret: string, options: PushOptions): PushResult {
  // The push is an application/x-www-form-urlencoded POST with `sign` and `param`; fields a framework already
  // decoded may be passed in place of headers.
  const decoded = new URLSearchParams(rawBody);
  const param = field(form, 'param') ?? decoded.get('param') ?? undefined;
  const signature = field(form, 'sign') ?? decoded.get('sign') ?? undefined;
  if (!secret || !signature || param === undefined || !safeEqual(signature.trim().toUpperCase(), kuaidi100PushSignature(param, secret))) return invalid();
  const body = Kuaidi100PushSchema.safeParse(parseJson(param));
  if (!body.success) return malformed();
  const result = Kuaidi100ResultSchema.safeParse(body.data.lastResult);
  if (!result.success || !result.data.nu) return malformed();
  // status=abort with no trace ("3天查询无记录"): Kuaidi100 gave up, there is no parcel state to report.
  if (!result.data.data?.length && body.data.status === 'abort') return { ok: true, updates: [] };
  // autoCheck=1: Kuaidi100 found the number belongs to another company (comNew) than the one subscribed (comOld, also
  // lastResult.com in its published sample). The shipment is the one watched under comOld; comNew is looked up from now on.
  const { autoCheck, comOld, comNew } = body.data;
  const corrected = autoCheck === '1' && comNew && comNew !== comOld;
  const watchedCom = (corrected && comOld) || result.data.com || undefined;
  const correctedCarrier = corrected ? carrierOf(comNew, options).carrier : undefined;
  return {
    ok: true,
    updates: [{ ...carrierOf(watchedCom, options), trackingNumber: result.data.nu, snapshot: kuaidi100Snapshot(result.data), ...(correctedCarrier ? { correctedCarrier } : {}) }],
  };
}

// --- helpers -----------------------------------------------------------------------------------------------

function carrierOf(providerCode: string | number | undefined, options: PushOptions): { carrier?: string } {
  if (providerCode === undefined || providerCode === '') return {};
  return { carrier: pipelineCarrierCode(options.carrierCodes, providerCode) ?? String(providerCode) };
}

function field(record: HeadersOrForm, name: string): string | undefined {
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

/** Constant-time for equal lengths; different lengths are unequal without comparing content. */
function safeEqual(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const invalid = (): PushResult => ({ ok: false, reason: 'invalid_signature' });
const malformed = (): PushResult => ({ ok: false, reason: 'malformed' });

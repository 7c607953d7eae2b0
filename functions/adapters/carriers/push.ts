// Provider push (webhook) bodies: verify the signature as each provider documents it, then parse into snapshots.
// Pure functions: no clock, no I/O. Sources and algorithms: docs/carrier-tracking.md.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import type { TrackingSnapshot } from '../../domain/carrier-verdict.js';
import { AfterShipTrackingSchema, afterShipSnapshot } from './aftership.js';
import { Kuaidi100ResultSchema, kuaidi100Snapshot } from './kuaidi100.js';
import type { TrackingProvider } from './routing.js';
import { SeventeenTrackInfoSchema, seventeenTrackSnapshot } from './seventeen-track.js';
import { pipelineCarrierCode } from './support.js';

export type PushProvider = Exclude<TrackingProvider, 'simulator'>;

export interface PushUpdate {
  /** The pipeline's carrier code when `carrierCodes` maps the provider's code back, else the provider's own code. */
  carrier?: string;
  trackingNumber: string;
  snapshot: TrackingSnapshot;
}

export type PushResult = { ok: true; updates: PushUpdate[] } | { ok: false; reason: 'invalid_signature' | 'malformed' };

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
export function verifyAndParsePush(
  provider: PushProvider,
  rawBody: string,
  headersOrForm: HeadersOrForm,
  secret: string,
  options: PushOptions = {},
): PushResult {
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
  data: z.optional(
    z.nullable(z.looseObject({ number: z.string(), carrier: z.optional(z.nullable(z.union([z.number(), z.string()]))), track_info: z.optional(z.unknown()) })),
  ),
});

function seventeenTrackPush(rawBody: string, headers: HeadersOrForm, secret: string, options: PushOptions): PushResult {
  const signature = field(headers, 'sign');
  if (!secret || !signature || !safeEqual(signature.trim().toLowerCase(), seventeenTrackSignature(rawBody, secret))) return invalid();
  const body = SeventeenTrackWebhookSchema.safeParse(parseJson(rawBody));
  if (!body.success) return malformed();
  // TRACKING_STOPPED only says 17TRACK stopped following the number: nothing about the parcel.
  if (body.data.event !== 'TRACKING_UPDATED') return { ok: true, updates: [] };
  if (!body.data.data) return malformed();
  const info = body.data.data.track_info == null ? undefined : SeventeenTrackInfoSchema.safeParse(body.data.data.track_info);
  if (info && !info.success) return malformed();
  const carrier = body.data.data.carrier ?? undefined;
  return {
    ok: true,
    updates: [{ ...carrierOf(carrier, options), trackingNumber: body.data.data.number, snapshot: seventeenTrackSnapshot(info?.data) }],
  };
}

// --- Kuaidi100 ---------------------------------------------------------------------------------------------

export function kuaidi100PushSignature(param: string, salt: string): string {
  return createHash('md5').update(param + salt, 'utf8').digest('hex').toUpperCase();
}

const Kuaidi100PushSchema = z.looseObject({ status: z.optional(z.nullable(z.string())), lastResult: z.optional(z.nullable(z.unknown())) });

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
  return {
    ok: true,
    updates: [{ ...carrierOf(result.data.com ?? undefined, options), trackingNumber: result.data.nu, snapshot: kuaidi100Snapshot(result.data) }],
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

// What the three provider adapters share: one HTTP call with the fault mapping, time parsing, carrier codes.
import type { Checkpoint } from '../../domain/carrier-verdict.js';
import { canonicalCarrier } from '../../domain/carriers.js';
import { CarrierAuthError, ProviderUnavailableError, TrackingNotFoundError } from './errors.js';

export type FetchFn = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface ProviderHttp {
  /** Shown in error messages, e.g. "AfterShip". */
  provider: string;
  fetch: FetchFn;
  timeoutMs: number;
  now: () => Date;
}

export interface JsonReply {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * Sends one request. Network errors and timeouts, HTTP 429 and 5xx become ProviderUnavailableError (with the
 * Retry-After the provider gave); 401/403 become CarrierAuthError. Any other status is returned with its JSON
 * body so the adapter can read the provider's own error code. A body that is not JSON (a proxy's HTML page)
 * counts as the provider being unavailable.
 */
export async function requestJson(http: ProviderHttp, url: URL, init: RequestInit): Promise<JsonReply> {
  let response: Response;
  try {
    response = await http.fetch(url, { ...init, signal: AbortSignal.timeout(http.timeoutMs) });
  } catch (error) {
    const name = (error as Error).name;
    const what = name === 'TimeoutError' || name === 'AbortError' ? `timed out after ${http.timeoutMs} ms` : `unreachable (${name})`;
    throw new ProviderUnavailableError(`${http.provider} API ${what}`);
  }
  if (response.status === 429 || response.status >= 500) {
    await response.body?.cancel().catch(() => undefined);
    const retryAfter = retryAfterSeconds(response.headers, http.now());
    throw new ProviderUnavailableError(`${http.provider} API answered ${response.status}`, retryAfter);
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel().catch(() => undefined);
    throw new CarrierAuthError(`${http.provider} API refused our credentials (HTTP ${response.status})`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ProviderUnavailableError(`${http.provider} API answered HTTP ${response.status} without a JSON body`);
  }
  return { status: response.status, headers: response.headers, body };
}

/** Retry-After in seconds (RFC 9110: delay-seconds or an HTTP date), else the X-RateLimit-Reset epoch AfterShip sends. */
export function retryAfterSeconds(headers: Headers, now: Date): number | undefined {
  const raw = headers.get('retry-after')?.trim();
  if (raw) {
    if (/^\d+$/.test(raw)) return Number(raw);
    const at = Date.parse(raw);
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
  }
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) {
    const seconds = Math.ceil(Number(reset) - now.getTime() / 1000);
    return Math.max(seconds, 0);
  }
  return undefined;
}

/**
 * A provider timestamp to ISO UTC. Offsets and `Z` are honoured; a time without an offset is read at
 * `naiveOffset` (e.g. "+08:00" for Kuaidi100's Shanghai times); a bare date is that day's midnight there.
 * Anything else is undefined.
 */
export function toUtcIso(raw: string | null | undefined, naiveOffset: string): string | undefined {
  if (!raw) return undefined;
  const text = raw.trim();
  const date = /^(\d{4}-\d{2}-\d{2})$/.exec(text);
  const naive = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/.exec(text);
  let iso: string;
  if (date) iso = `${date[1]}T00:00:00${naiveOffset}`;
  else if (naive) iso = `${naive[1]}T${naive[2]}${naiveOffset}`;
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i.test(text)) iso = text.replace(' ', 'T');
  else return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Oldest first; a stable sort keeps the provider's order for scans at the same instant. */
export function chronological(checkpoints: Checkpoint[]): Checkpoint[] {
  return checkpoints
    .map((c, i) => ({ c, i }))
    .sort((a, b) => Date.parse(a.c.time) - Date.parse(b.c.time) || a.i - b.i)
    .map(({ c }) => c);
}

/** The time of the newest checkpoint, if any. */
export function lastTime(checkpoints: Checkpoint[]): string | undefined {
  return checkpoints.at(-1)?.time;
}

/**
 * The provider's code for the pipeline's carrier code, from the adapter's configured map (exact key first,
 * then case-insensitive). An unmapped carrier cannot be looked up: TrackingNotFoundError.
 */
export function providerCarrierCode<T>(codes: Readonly<Record<string, T>>, carrier: string, provider: string): T {
  if (Object.hasOwn(codes, carrier)) return codes[carrier]!;
  const key = Object.keys(codes).find((k) => k.toLowerCase() === carrier.toLowerCase());
  if (key !== undefined) return codes[key]!;
  throw new TrackingNotFoundError(`carrier "${carrier}" has no ${provider} carrier code configured`);
}

/**
 * The pipeline's carrier code for a provider code (push bodies name the provider's code): the configured map first,
 * then the carrier registry, which also knows a provider's other codes for the same carrier (17TRACK's two SF keys).
 */
export function pipelineCarrierCode(codes: Readonly<Record<string, string | number>> | undefined, providerCode: string | number): string | undefined {
  const configured = codes ? Object.keys(codes).find((k) => String(codes[k]) === String(providerCode)) : undefined;
  return configured ?? canonicalCarrier(providerCode);
}

export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

export function compact(parts: Array<string | null | undefined>): string | undefined {
  const kept = parts.map((p) => p?.trim()).filter((p): p is string => !!p);
  return kept.length ? kept.join(', ') : undefined;
}

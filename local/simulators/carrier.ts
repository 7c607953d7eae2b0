// Carrier tracking simulator: stands in for a tracking provider (AfterShip-like) over HTTP so the
// pipeline's delivery checks can be exercised locally, including late parcels, losses and outages.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isCalendarDate, shanghaiDateOf, type CalendarDate } from './china-workdays.js';
import { fabricateTracking, parseScenario, scenarioForLookup } from './carrier-scenarios.js';
import { HttpError, decodePathSegment, hasBearer, notFound, readJson, sendJson, startServer, type ListenOptions, type RunningServer } from './http.js';

export type { TrackingResponse, Checkpoint } from './carrier-scenarios.js';

export interface CarrierSimulatorOptions extends ListenOptions {
  /** When set, lookups must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** The simulator's clock; inject a fixed one for deterministic timelines. */
  now?: () => Date;
}

export interface CarrierStats {
  outage: boolean;
  totalLookups: number;
  /** Keyed by upper-cased tracking number. */
  lookups: Record<string, number>;
}

export interface CarrierSimulator extends RunningServer {
  setOutage(down: boolean): void;
  stats(): CarrierStats;
  lookupCount(trackingNumber: string): number;
  /** Forgets lookup counts and ends any outage. */
  reset(): void;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const TRACKING_PATH = /^\/v1\/trackings\/([^/]+)\/([^/]+)$/;

function serviceUnavailable(message: string): HttpError {
  // Retry-After lets clients exercise their back-off without waiting long.
  return new HttpError(503, 'service_unavailable', message, undefined, { 'Retry-After': '1' });
}

function parseInstant(raw: string | null, name: string): Date | undefined {
  if (raw === null || raw === '') return undefined;
  const parsed = new Date(raw);
  if (Number.isNaN(parsed.getTime())) throw new HttpError(400, 'invalid_query', `${name} must be an ISO 8601 timestamp`);
  return parsed;
}

/** promised_by may be a plain date (taken as a Shanghai calendar day) or a timestamp (its Shanghai day). */
function parsePromise(raw: string | null): CalendarDate | undefined {
  if (raw === null || raw === '') return undefined;
  if (isCalendarDate(raw)) return raw;
  const instant = parseInstant(raw, 'promised_by');
  return instant && shanghaiDateOf(instant);
}

export async function startCarrierSimulator(options: CarrierSimulatorOptions = {}): Promise<CarrierSimulator> {
  const clock = options.now ?? (() => new Date());
  const lookups = new Map<string, number>();
  let outage = false;

  function lookup(req: IncomingMessage, res: ServerResponse, url: URL, match: RegExpExecArray): void {
    if (options.apiKey !== undefined && !hasBearer(req, options.apiKey)) {
      throw new HttpError(401, 'unauthorized', 'Missing or invalid bearer API key');
    }
    const carrier = decodePathSegment(match[1]!);
    const trackingNumber = decodePathSegment(match[2]!);
    // Validate the hints before counting, so a malformed request does not use up a SIM-DOWN failure.
    const now = clock();
    const shippedAt = parseInstant(url.searchParams.get('shipped_at'), 'shipped_at') ?? new Date(now.getTime() - 3 * DAY_MS);
    if (shippedAt > now) throw new HttpError(422, 'shipped_in_future', 'shipped_at is later than the current time');
    const promisedBy = parsePromise(url.searchParams.get('promised_by')) ?? shanghaiDateOf(new Date(shippedAt.getTime() + 2 * DAY_MS));

    const key = trackingNumber.toUpperCase();
    const lookupNumber = (lookups.get(key) ?? 0) + 1;
    lookups.set(key, lookupNumber);

    if (outage) throw serviceUnavailable('Carrier tracking API is temporarily unavailable');
    const scenario = parseScenario(trackingNumber);
    if (!scenario) throw new HttpError(404, 'tracking_not_found', `No shipment found for ${carrier} ${trackingNumber}`);
    const resolved = scenarioForLookup(scenario, lookupNumber);
    if (!resolved) throw serviceUnavailable(`Carrier tracking API is unavailable (lookup ${lookupNumber} of ${trackingNumber})`);

    sendJson(res, 200, fabricateTracking(resolved, { trackingNumber, carrier, shippedAt, promisedBy, now }));
  }

  async function setOutageFromRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const down = (body as { down?: unknown } | null)?.down;
    if (typeof down !== 'boolean') throw new HttpError(422, 'validation_failed', 'Body must be { "down": true | false }');
    outage = down;
    sendJson(res, 200, { outage });
  }

  const stats = (): CarrierStats => {
    const counts = Object.fromEntries(lookups);
    return { outage, totalLookups: Object.values(counts).reduce((a, b) => a + b, 0), lookups: counts };
  };

  const server = await startServer(async (req, res, url) => {
    const match = TRACKING_PATH.exec(url.pathname);
    if (req.method === 'GET' && match) return lookup(req, res, url, match);
    if (req.method === 'POST' && url.pathname === '/_control/outage') return setOutageFromRequest(req, res);
    if (req.method === 'GET' && url.pathname === '/_control/stats') return sendJson(res, 200, stats());
    throw notFound(req.method, url.pathname);
  }, options);

  return {
    ...server,
    setOutage: (down) => void (outage = down),
    stats,
    lookupCount: (trackingNumber) => lookups.get(trackingNumber.toUpperCase()) ?? 0,
    reset: () => {
      lookups.clear();
      outage = false;
    },
  };
}

// Carrier tracking simulator: stands in for a tracking provider (AfterShip-like) over HTTP so the
// pipeline's delivery checks can be exercised locally, including late parcels, losses and outages.
// It also speaks the AfterShip Tracking API 2026-07 (carrier-aftership.ts), 17TRACK Tracking API v2.4
// (carrier-17track.ts) and Kuaidi100 query/subscribe (carrier-kuaidi100.ts) dialects for the real adapters.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isCalendarDate, shanghaiDateOf, type CalendarDate } from './china-workdays.js';
import { fabricateTracking, parseScenario, scenarioForLookup } from './carrier-scenarios.js';
import { HttpError, decodePathSegment, hasBearer, notFound, readBody, readJson, sendJson, startServer, type ListenOptions, type RunningServer } from './http.js';
import { AFTERSHIP_TRACKINGS_PATH, AfterShipError, afterShipTimelineInput, sendAfterShip, toAfterShipTracking, type AfterShipRecord } from './carrier-aftership.js';
import { AfterShipPusher, afterShipPushables, type PushableTracking, type PushRecord, type PushTarget } from './carrier-push.js';
import { SEVENTEEN_TRACK_SIM_BASE, seventeenTrackRoute, type SeventeenTrackRegistry } from './carrier-17track.js';
import { KUAIDI100_ERRORS, kuaidi100Query, kuaidi100Subscribe, type Kuaidi100Subscriptions } from './carrier-kuaidi100.js';
import {
  ChinaPusher,
  KUAIDI100_LOST_SHIPPING_DAYS,
  UNDATED_SHIPPING_DAYS,
  kuaidi100Pushables,
  seventeenTrackPushables,
  stoppedScenario,
  undatedFabrication,
  undatedTimeline,
} from './carrier-china-push.js';

export type { TrackingResponse, Checkpoint } from './carrier-scenarios.js';

export interface CarrierSimulatorOptions extends ListenOptions {
  /**
   * When set, lookups must carry `Authorization: Bearer <apiKey>` (the /v1 route) or `as-api-key: <apiKey>`
   * (the AfterShip-compatible /tracking/2026-07/trackings route).
   */
  apiKey?: string;
  /** 17TRACK's security key (header `17token`); when set, 17TRACK requests must carry it. */
  seventeenTrackKey?: string;
  /** Kuaidi100's key and customer id; when set, query signatures and the subscription key are checked. */
  kuaidi100?: { key: string; customer: string };
  /** The simulator's clock; inject a fixed one for deterministic timelines. */
  now?: () => Date;
  /** How often trackings are checked for changes to push (when a push target is set). Default 500 ms. */
  pushIntervalMs?: number;
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
  /**
   * Pushes AfterShip `tracking_update` webhooks, signed with the target's secret, for the trackings created here
   * whenever one changes (not while down). Undefined stops pushing.
   */
  setPushTarget(target: PushTarget | undefined): void;
  /** 17TRACK's webhook URL (its dashboard setting) and security key: pushes TRACKING_UPDATED for registered numbers. */
  setSeventeenTrackPushTarget(target: PushTarget | undefined): void;
  /** Numbers subscribed through Kuaidi100's /poll (订阅), upper-cased. */
  kuaidi100Subscriptions(): string[];
  /** Pushes sent so far, with the receiver's HTTP status. */
  pushes(): PushRecord[];
  /** Forgets lookup counts and ends any outage. */
  reset(): void;
}

const DAY_MS = 24 * 60 * 60 * 1000;
class SimulatorDown extends Error {}
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
  /** Trackings created through the AfterShip-compatible route, keyed by upper-cased tracking number. */
  const afterShipRecords = new Map<string, AfterShipRecord>();

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

  /** Counts a lookup and applies the outage and SIM-DOWN rules; undefined: the number is no SIM scenario. */
  function resolveAfterShipLookup(trackingNumber: string) {
    const key = trackingNumber.toUpperCase();
    const lookupNumber = (lookups.get(key) ?? 0) + 1;
    lookups.set(key, lookupNumber);
    const down = (message: string) => new AfterShipError(503, 503, message, { 'Retry-After': '1' });
    if (outage) throw down('Carrier tracking API is temporarily unavailable');
    const scenario = parseScenario(trackingNumber);
    if (!scenario) return undefined;
    const resolved = scenarioForLookup(scenario, lookupNumber);
    if (!resolved) throw down(`Carrier tracking API is unavailable (lookup ${lookupNumber} of ${trackingNumber})`);
    return resolved;
  }

  function afterShipTimeline(record: AfterShipRecord, resolved: NonNullable<ReturnType<typeof resolveAfterShipLookup>>, now: Date) {
    return fabricateTracking(resolved, afterShipTimelineInput(record, now));
  }

  function afterShipTracking(record: AfterShipRecord, resolved: NonNullable<ReturnType<typeof resolveAfterShipLookup>>) {
    const now = clock();
    return toAfterShipTracking(afterShipTimeline(record, resolved, now), record, now);
  }

  /** The trackings a push tick looks at: none while the carrier is down. */
  function pushableTrackings(now: Date): PushableTracking[] {
    if (outage) return [];
    return afterShipPushables(afterShipRecords.values(), (key) => lookups.get(key) ?? 0, now);
  }

  /**
   * AfterShip Tracking API 2026-07, the two calls the adapter makes: GET /trackings?tracking_numbers=&slug= lists
   * the trackings this simulator was asked to create; POST /trackings creates one for a SIM-... number (any other
   * number is refused as an invalid tracking number, meta 4005) and answers it at once.
   */
  async function afterShip(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      if (options.apiKey !== undefined && req.headers['as-api-key'] !== options.apiKey) throw new AfterShipError(401, 401, 'Invalid API key.');
      if (req.method === 'GET') {
        const numbers = (url.searchParams.get('tracking_numbers') ?? '')
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean);
        const slug = url.searchParams.get('slug');
        const wanted = numbers.length ? numbers : [...afterShipRecords.values()].map((r) => r.trackingNumber);
        const trackings = [];
        for (const number of wanted) {
          const resolved = resolveAfterShipLookup(number);
          const record = afterShipRecords.get(number.toUpperCase());
          if (resolved && record && (!slug || record.slug === slug)) trackings.push(afterShipTracking(record, resolved));
        }
        const pagination = { total: trackings.length, page: 1, limit: 100, has_next_page: false };
        return sendAfterShip(res, 200, 200, 'OK', { pagination, trackings });
      }
      if (req.method === 'POST') {
        const body = ((await readJson(req).catch(() => {
          throw new AfterShipError(400, 4001, 'Invalid JSON data.');
        })) ?? {}) as Record<string, unknown>;
        const trackingNumber = typeof body.tracking_number === 'string' ? body.tracking_number.trim() : '';
        if (!trackingNumber) throw new AfterShipError(400, 4007, 'tracking_number is required.');
        const slug = typeof body.slug === 'string' && body.slug ? body.slug : undefined;
        if (!slug) throw new AfterShipError(400, 4009, 'slug is required.');
        const now = clock();
        const hint = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : null);
        let shippedAt: Date;
        let promisedBy: CalendarDate;
        try {
          shippedAt = parseInstant(hint('tracking_ship_date'), 'tracking_ship_date') ?? new Date(now.getTime() - 3 * DAY_MS);
          promisedBy = parsePromise(hint('order_promised_delivery_date')) ?? shanghaiDateOf(new Date(shippedAt.getTime() + 2 * DAY_MS));
        } catch (error) {
          throw new AfterShipError(400, 4008, (error as Error).message);
        }
        if (shippedAt > now) throw new AfterShipError(400, 4008, 'The value of tracking_ship_date is invalid.');
        const resolved = resolveAfterShipLookup(trackingNumber);
        if (!resolved) throw new AfterShipError(400, 4005, 'The value of tracking_number is invalid.');
        const key = trackingNumber.toUpperCase();
        if (afterShipRecords.has(key)) throw new AfterShipError(400, 4003, 'Tracking already exists.');
        const record: AfterShipRecord = { trackingNumber, slug, shippedAt, promisedBy, createdAt: now };
        afterShipRecords.set(key, record);
        return sendAfterShip(res, 201, 201, 'Created', afterShipTracking(record, resolved));
      }
      throw new AfterShipError(404, 404, `No route for ${req.method ?? 'GET'} ${url.pathname}`);
    } catch (error) {
      if (error instanceof AfterShipError) return sendAfterShip(res, error.httpStatus, error.metaCode, error.message, {}, error.headers);
      throw error;
    }
  }

  /** Counts a lookup and applies the outage and SIM-DOWN rules (throws SimulatorDown); undefined: no SIM scenario. */
  function resolveLookup(trackingNumber: string) {
    const key = trackingNumber.toUpperCase();
    const lookupNumber = (lookups.get(key) ?? 0) + 1;
    lookups.set(key, lookupNumber);
    if (outage) throw new SimulatorDown('Carrier tracking API is temporarily unavailable');
    const scenario = parseScenario(trackingNumber);
    if (!scenario) return undefined;
    const resolved = scenarioForLookup(scenario, lookupNumber);
    if (!resolved) throw new SimulatorDown(`Carrier tracking API is unavailable (lookup ${lookupNumber} of ${trackingNumber})`);
    return resolved;
  }

  /**
   * An undated number's (17TRACK, Kuaidi100) timeline as of `now`, as resolved by the lookup count so far, with how
   * long its state holds (a push tick); a lookup fabricates the timeline alone (`lookupTimeline`).
   */
  function undatedAt(now: Date, trackingNumber: string, carrier: string, firstSeen: Date, lostShippingDays = UNDATED_SHIPPING_DAYS) {
    return undatedFabrication(trackingNumber, carrier, firstSeen, lookups.get(trackingNumber.toUpperCase()) ?? 1, now, lostShippingDays);
  }
  const lookupTimeline = (trackingNumber: string, carrier: string, firstSeen: Date, lostShippingDays = UNDATED_SHIPPING_DAYS) =>
    undatedTimeline(trackingNumber, carrier, firstSeen, lookups.get(trackingNumber.toUpperCase()) ?? 1, clock(), lostShippingDays);

  const seventeenTrackRegistry: SeventeenTrackRegistry = new Map();
  const seventeenTrackContext = {
    apiKey: options.seventeenTrackKey,
    resolve: (number: string) => resolveLookup(stoppedScenario(number) ?? number),
    timeline: (number: string, carrier: string, registeredAt: Date) => lookupTimeline(stoppedScenario(number) ?? number, carrier, registeredAt),
    stopped: (number: string) => stoppedScenario(number) !== undefined,
    now: clock,
  };
  async function seventeenTrack(req: IncomingMessage, res: ServerResponse, path: 'register' | 'gettrackinfo' | 'retrack'): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return sendJson(res, 200, { code: -18010012, data: { errors: [{ code: -18010012, message: 'The format of data is invalid.' }] } });
    }
    try {
      const token = req.headers['17token'];
      const answer = seventeenTrackRoute(seventeenTrackContext, seventeenTrackRegistry, path, Array.isArray(token) ? token[0] : token, body);
      return sendJson(res, answer.status, answer.body);
    } catch (error) {
      if (error instanceof SimulatorDown) throw serviceUnavailable(error.message);
      throw error;
    }
  }

  /** Kuaidi100 knows any number; the first query or subscription fixes when the simulator first saw it. */
  const kuaidi100FirstSeen = new Map<string, Date>();
  const kuaidi100Subs: Kuaidi100Subscriptions = new Map();
  const kuaidi100Context = {
    key: options.kuaidi100?.key,
    customer: options.kuaidi100?.customer,
    resolve: resolveLookup,
    timeline: (number: string, com: string) => lookupTimeline(number, com, kuaidi100SeenAt(number, clock()), KUAIDI100_LOST_SHIPPING_DAYS),
  };
  /** When the simulator first saw a Kuaidi100 number (`now` if this is the first time). */
  function kuaidi100SeenAt(number: string, now: Date): Date {
    const key = number.toUpperCase();
    if (!kuaidi100FirstSeen.has(key)) kuaidi100FirstSeen.set(key, now);
    return kuaidi100FirstSeen.get(key)!;
  }
  async function kuaidi100(req: IncomingMessage, res: ServerResponse, path: 'query' | 'subscribe'): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    try {
      if (path === 'query') return sendJson(res, 200, kuaidi100Query(kuaidi100Context, form));
      const answer = kuaidi100Subscribe(kuaidi100Context, kuaidi100Subs, form);
      const number = kuaidi100Subs.size ? [...kuaidi100Subs.keys()].at(-1)! : '';
      if (number && !kuaidi100FirstSeen.has(number)) kuaidi100FirstSeen.set(number, clock());
      return sendJson(res, 200, answer);
    } catch (error) {
      if (error instanceof SimulatorDown) return sendJson(res, 200, KUAIDI100_ERRORS.busy);
      throw error;
    }
  }

  /** Pushes for 17TRACK's registered numbers and Kuaidi100's subscriptions, when their state changed (not while down). */
  let seventeenTrackTarget: PushTarget | undefined;
  const chinaPusher = new ChinaPusher(clock);
  /** Every number fabricated at the tick's instant `now`, the one that decided which are due. */
  function chinaPushables(now: Date) {
    const seventeenTrack = seventeenTrackTarget
      ? seventeenTrackPushables(seventeenTrackRegistry, seventeenTrackTarget, (number, carrier, registeredAt) => undatedAt(now, number, carrier, registeredAt))
      : [];
    return [...seventeenTrack, ...kuaidi100Pushables(kuaidi100Subs, (number, com) => undatedAt(now, number, com, kuaidi100SeenAt(number, now), KUAIDI100_LOST_SHIPPING_DAYS))];
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
    if (url.pathname === AFTERSHIP_TRACKINGS_PATH) return afterShip(req, res, url);
    if (req.method === 'POST' && url.pathname === `${SEVENTEEN_TRACK_SIM_BASE}register`) return seventeenTrack(req, res, 'register');
    if (req.method === 'POST' && url.pathname === `${SEVENTEEN_TRACK_SIM_BASE}gettrackinfo`) return seventeenTrack(req, res, 'gettrackinfo');
    if (req.method === 'POST' && url.pathname === `${SEVENTEEN_TRACK_SIM_BASE}retrack`) return seventeenTrack(req, res, 'retrack');
    if (req.method === 'POST' && url.pathname === '/poll/query.do') return kuaidi100(req, res, 'query');
    if (req.method === 'POST' && url.pathname === '/poll') return kuaidi100(req, res, 'subscribe');
    if (req.method === 'POST' && url.pathname === '/_control/outage') return setOutageFromRequest(req, res);
    if (req.method === 'GET' && url.pathname === '/_control/stats') return sendJson(res, 200, stats());
    throw notFound(req.method, url.pathname);
  }, options);

  const pusher = new AfterShipPusher(clock);
  const pushTimer = setInterval(() => {
    void pusher.tick(pushableTrackings);
    if (!outage) void chinaPusher.tick(chinaPushables);
  }, options.pushIntervalMs ?? 500);

  return {
    ...server,
    close: async () => {
      clearInterval(pushTimer);
      await server.close();
    },
    setOutage: (down) => void (outage = down),
    setPushTarget: (target) => pusher.setTarget(target),
    setSeventeenTrackPushTarget: (target) => {
      seventeenTrackTarget = target;
      chinaPusher.forgetPushed();
    },
    kuaidi100Subscriptions: () => [...kuaidi100Subs.keys()],
    pushes: () => [...pusher.history(), ...chinaPusher.history()],
    stats,
    lookupCount: (trackingNumber) => lookups.get(trackingNumber.toUpperCase()) ?? 0,
    reset: () => {
      lookups.clear();
      afterShipRecords.clear();
      pusher.unsettleAll();
      seventeenTrackRegistry.clear();
      kuaidi100FirstSeen.clear();
      kuaidi100Subs.clear();
      chinaPusher.forgetWindows();
      outage = false;
    },
  };
}

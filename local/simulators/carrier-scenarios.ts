// Pure timeline fabrication for the carrier simulator: the tracking-number prefix picks a scenario,
// and shipped_at / promised_by / now fix every timestamp, so the same inputs always give the same answer.
import { addChinaWorkdays, nextChinaWorkday, shanghaiDateOf, shanghaiTime, type CalendarDate } from './china-workdays.js';
import type { TrackingStatus } from './tracking-status.js';

export type Scenario =
  | { kind: 'delivered' }
  | { kind: 'late'; workingDays: number }
  | { kind: 'transit' }
  | { kind: 'lost' }
  /** A customer's return parcel: delivered to the service center `seconds` after it was registered with the provider. */
  | { kind: 'return'; seconds: number }
  | { kind: 'down'; failures: number; then: Scenario };

const DEFAULT_DOWN_FAILURES = 2;
const DEFAULT_RETURN_SECONDS = 3;

/** Maps a tracking number to its scenario by prefix (case-insensitive); undefined means "not found". */
export function parseScenario(trackingNumber: string): Scenario | undefined {
  const n = trackingNumber.toUpperCase();
  if (n.startsWith('SIM-DELIVERED')) return { kind: 'delivered' };
  if (n.startsWith('SIM-TRANSIT')) return { kind: 'transit' };
  if (n.startsWith('SIM-LOST')) return { kind: 'lost' };
  const ret = /^SIM-RETURN(\d*)/.exec(n);
  if (ret) return { kind: 'return', seconds: ret[1] ? Number(ret[1]) : DEFAULT_RETURN_SECONDS };
  const late = /^SIM-LATE(\d*)/.exec(n);
  if (late) return { kind: 'late', workingDays: late[1] ? Number(late[1]) : 1 };
  const down = /^SIM-DOWN(\d*)(?:-(.*))?$/.exec(n);
  if (down) {
    const failures = down[1] ? Number(down[1]) : DEFAULT_DOWN_FAILURES;
    // SIM-DOWN3-LOST-0042 recovers as SIM-LOST-0042; a bare suffix such as SIM-DOWN-0001 recovers as delivered.
    const then = (down[2] && parseScenario(`SIM-${down[2]}`)) || { kind: 'delivered' };
    return { kind: 'down', failures, then };
  }
  return undefined;
}

/**
 * Resolves the DOWN wrappers against how many times this number has been looked up (1-based,
 * including this lookup): undefined while the carrier is still "down" for it.
 */
export function scenarioForLookup(scenario: Scenario, lookupNumber: number): Exclude<Scenario, { kind: 'down' }> | undefined {
  if (scenario.kind !== 'down') return scenario;
  if (lookupNumber <= scenario.failures) return undefined;
  return scenarioForLookup(scenario.then, lookupNumber - scenario.failures);
}

export interface Checkpoint {
  time: string;
  status: TrackingStatus;
  message: string;
  location: string;
}

export interface TrackingResponse {
  trackingNumber: string;
  carrier: string;
  status: TrackingStatus;
  deliveredAt?: string;
  estimatedDelivery?: string;
  lastEventAt: string;
  exceptionCode?: 'lost';
  checkpoints: Checkpoint[];
}

export interface TimelineInput {
  trackingNumber: string;
  carrier: string;
  shippedAt: Date;
  /** The promised delivery day in the Shanghai calendar. */
  promisedBy: CalendarDate;
  now: Date;
  /** When the number was registered with the provider (AfterShip: created); SIM-RETURN counts from it, else from shippedAt. */
  registeredAt?: Date;
}

const HOUR_MS = 60 * 60 * 1000;
/** Couriers in mainland China typically complete deliveries in the afternoon. */
const DELIVERY_HOUR_SHANGHAI = 14;
const FIRST_SCAN_AFTER_SHIPPING_MS = 3 * HOUR_MS;
const SCAN_INTERVAL_MS = 20 * HOUR_MS;
const OUT_FOR_DELIVERY_LEAD_MS = 4 * HOUR_MS;
const TRANSIT_LAST_SCAN_AGE_MS = 3 * HOUR_MS;
const LOST_AFTER_SHIPPING_MS = 30 * HOUR_MS;

const ORIGIN = 'Shenzhen, Guangdong, CN';
const SERVICE_CENTER = 'After-sales service center, Shanghai, CN';
const HUBS = ['Guangzhou Sorting Centre, CN', 'Changsha Transit Hub, CN', 'Wuhan Sorting Centre, CN', 'Shanghai Sorting Centre, CN'];
const DESTINATION = 'Shanghai, CN';

const latest = (a: Date, b: Date): Date => (a > b ? a : b);
const earliest = (a: Date, b: Date): Date => (a < b ? a : b);

function checkpoint(time: Date, status: TrackingStatus, message: string, location: string): Checkpoint {
  return { time: time.toISOString(), status, message, location };
}

/**
 * Info-received at shipping, pickup, then one scan per hub every SCAN_INTERVAL, all strictly before
 * `until`. A parcel that is held up goes quiet after the last hub, as stuck parcels do.
 */
function transitScans(shippedAt: Date, until: Date): Checkpoint[] {
  const scans = [checkpoint(shippedAt, 'info_received', 'Shipment information received by carrier', ORIGIN)];
  const times = hubScanTimes(shippedAt);
  STOPS.forEach((stop, i) => {
    const t = times[i]!;
    if (t < until.getTime()) scans.push(checkpoint(new Date(t), 'in_transit', stop.message, stop.location));
  });
  return scans;
}

const STOPS = [{ message: 'Picked up by courier', location: ORIGIN }, ...HUBS.map((location) => ({ message: 'Arrived at sorting centre', location }))];
/** Epoch ms of the pickup and hub scans transitScans lays out (each kept only if before its cut-off). */
const hubScanTimes = (shippedAt: Date): number[] => STOPS.map((_, i) => shippedAt.getTime() + FIRST_SCAN_AFTER_SHIPPING_MS + i * SCAN_INTERVAL_MS);

function deliveredTimeline(input: TimelineInput, deliveredAt: Date): TrackingResponse {
  const outForDelivery = new Date(deliveredAt.getTime() - OUT_FOR_DELIVERY_LEAD_MS);
  const checkpoints = transitScans(input.shippedAt, outForDelivery);
  if (outForDelivery > input.shippedAt) {
    checkpoints.push(checkpoint(outForDelivery, 'out_for_delivery', 'Out for delivery', DESTINATION));
  }
  checkpoints.push(checkpoint(deliveredAt, 'delivered', 'Delivered, signed for by recipient', DESTINATION));
  return response(input, 'delivered', checkpoints, { deliveredAt: deliveredAt.toISOString() });
}

function inTransitTimeline(input: TimelineInput, lastScan: Date, estimatedDelivery: Date): TrackingResponse {
  const checkpoints = transitScans(input.shippedAt, lastScan);
  if (lastScan > input.shippedAt) {
    checkpoints.push(checkpoint(lastScan, 'in_transit', 'Departed sorting centre', HUBS[HUBS.length - 1]!));
  }
  return response(input, 'in_transit', checkpoints, { estimatedDelivery: estimatedDelivery.toISOString() });
}

function response(input: TimelineInput, status: TrackingStatus, checkpoints: Checkpoint[], extra: Partial<TrackingResponse>): TrackingResponse {
  return {
    trackingNumber: input.trackingNumber,
    carrier: input.carrier,
    status,
    ...extra,
    lastEventAt: checkpoints[checkpoints.length - 1]!.time,
    checkpoints,
  };
}

/** When the carrier would next expect to deliver, seen from `now`: the promise if still ahead, else the next working day. */
function expectedDelivery(input: TimelineInput): Date {
  const promised = shanghaiTime(input.promisedBy, DELIVERY_HOUR_SHANGHAI);
  if (promised > input.now) return promised;
  return shanghaiTime(nextChinaWorkday(shanghaiDateOf(input.now)), DELIVERY_HOUR_SHANGHAI);
}

/**
 * The instants fabricateTracking fixes each scenario's final event at: delivered on the promise (never before
 * shipping + 4 h), late n working days after it, a return `seconds` after registration, lost 30 h after shipping.
 */
const deliveredOnPromise = (input: TimelineInput): Date =>
  latest(shanghaiTime(input.promisedBy, DELIVERY_HOUR_SHANGHAI), new Date(input.shippedAt.getTime() + OUT_FOR_DELIVERY_LEAD_MS));
const lateDelivery = (input: TimelineInput, workingDays: number): Date => shanghaiTime(addChinaWorkdays(input.promisedBy, workingDays), DELIVERY_HOUR_SHANGHAI);
const returnArrival = (input: TimelineInput, seconds: number): Date => new Date((input.registeredAt ?? input.shippedAt).getTime() + seconds * 1000);
const lostAfterShipping = (input: TimelineInput): Date => new Date(input.shippedAt.getTime() + LOST_AFTER_SHIPPING_MS);

/**
 * From which instant fabricateTracking gives the same timeline for every later `now` (the input's `now` is not
 * read): once the final event has happened. Undefined for a parcel in transit, whose last scan follows the clock.
 */
export function timelineFinalFrom(scenario: Exclude<Scenario, { kind: 'down' }>, input: TimelineInput): Date | undefined {
  switch (scenario.kind) {
    case 'delivered':
      return deliveredOnPromise(input);
    case 'late':
      return lateDelivery(input, scenario.workingDays);
    case 'transit':
      return undefined;
    case 'return':
      return returnArrival(input, scenario.seconds);
    case 'lost':
      return lostAfterShipping(input);
  }
}

/**
 * Until when (exclusive) fabricateTracking's status and number of checkpoints stay as they are at `input.now`, the
 * only things a push compares (AfterShip's tag/subtag/count, 17TRACK's sub-status/count, Kuaidi100's state/count);
 * undefined: they never change again. Each instant is the first millisecond at which one of fabricateTracking's
 * comparisons flips (a scan counts once it is strictly before the cut-off, so one millisecond after it). Timestamps
 * that follow the clock (a parcel in transit's last scan, its estimated delivery) move in between: no push compares them.
 */
export function timelineUnchangedUntil(scenario: Exclude<Scenario, { kind: 'down' }>, input: TimelineInput): Date | undefined {
  const { shippedAt, now } = input;
  /** Hub scans appear `lag` after their time (delivered: behind out-for-delivery; in transit: behind the last scan). */
  const scansAfter = (lag: number) => [shippedAt.getTime() + lag + 1, ...hubScanTimes(shippedAt).map((t) => t + lag + 1)];
  let flips: number[];
  switch (scenario.kind) {
    case 'delivered':
      flips = [...scansAfter(OUT_FOR_DELIVERY_LEAD_MS), deliveredOnPromise(input).getTime()];
      break;
    case 'late':
      flips = [...scansAfter(TRANSIT_LAST_SCAN_AGE_MS), lateDelivery(input, scenario.workingDays).getTime()];
      break;
    case 'transit':
      flips = scansAfter(TRANSIT_LAST_SCAN_AGE_MS);
      break;
    case 'return': {
      const start = (input.registeredAt ?? shippedAt).getTime();
      flips = [start + (scenario.seconds * 1000) / 2, returnArrival(input, scenario.seconds).getTime()];
      break;
    }
    case 'lost':
      flips = [...scansAfter(0).slice(1), lostAfterShipping(input).getTime()];
      break;
  }
  const finalFrom = timelineFinalFrom(scenario, input);
  if (finalFrom && now >= finalFrom) return undefined;
  const next = Math.min(...flips.filter((t) => t > now.getTime()));
  return Number.isFinite(next) ? new Date(next) : undefined;
}

/** Builds the response for a resolved scenario. Assumes shippedAt <= now (the server checks). */
export function fabricateTracking(scenario: Exclude<Scenario, { kind: 'down' }>, input: TimelineInput): TrackingResponse {
  const { shippedAt, now } = input;
  switch (scenario.kind) {
    case 'delivered':
      // On the promised day, but never before pickup and never in the future.
      return deliveredTimeline(input, earliest(deliveredOnPromise(input), now));
    case 'late': {
      const deliveredAt = lateDelivery(input, scenario.workingDays);
      if (deliveredAt <= now) return deliveredTimeline(input, deliveredAt);
      // Not there yet: the carrier knows it is running late and says when it now expects to deliver.
      return inTransitTimeline(input, latest(shippedAt, new Date(now.getTime() - TRANSIT_LAST_SCAN_AGE_MS)), deliveredAt);
    }
    case 'transit': {
      const lastScan = latest(shippedAt, new Date(now.getTime() - TRANSIT_LAST_SCAN_AGE_MS));
      return inTransitTimeline(input, lastScan, expectedDelivery(input));
    }
    case 'return': {
      // Seconds, not days: a local run shows the return arriving and the case resuming by itself.
      const start = input.registeredAt ?? shippedAt;
      const pickedUp = new Date(start.getTime() + (scenario.seconds * 1000) / 2);
      const arrived = returnArrival(input, scenario.seconds);
      const checkpoints = [checkpoint(start, 'info_received', 'Return shipment information received by carrier', DESTINATION)];
      if (pickedUp <= now) checkpoints.push(checkpoint(pickedUp, 'in_transit', 'Picked up by courier', DESTINATION));
      if (arrived > now) return response(input, checkpoints.length > 1 ? 'in_transit' : 'info_received', checkpoints, { estimatedDelivery: arrived.toISOString() });
      checkpoints.push(checkpoint(arrived, 'delivered', 'Delivered, signed for by the service center', SERVICE_CENTER));
      return response(input, 'delivered', checkpoints, { deliveredAt: arrived.toISOString() });
    }
    case 'lost': {
      const lostAt = earliest(lostAfterShipping(input), now);
      const checkpoints = transitScans(shippedAt, lostAt);
      checkpoints.push(checkpoint(lostAt, 'exception', 'Carrier exception: parcel lost in transit', HUBS[0]!));
      return response(input, 'exception', checkpoints, { exceptionCode: 'lost' });
    }
  }
}

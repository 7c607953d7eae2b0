import { createHash } from 'node:crypto';
import { silentTooLong, type TrackingSnapshot, type TrackingStatus } from './carrier-verdict.js';
import type { AftersalesPolicy } from './policy.js';
import { workingDaysBetween, type WorkingDayCalendar } from './working-days.js';

/**
 * Watched shipments (docs/carrier-tracking.md, "Watching shipments"): what a new tracking state means for the cases
 * that watch the parcel. Pure: the stored state, the new snapshot and `now` in, the actions out.
 */
export const WATCH_ROLES = ['return', 'outbound', 'proactive'] as const;
/** `return`: the customer's parcel back to the service center; `proactive`: an order's parcel watched before any claim. */
export type WatchRole = (typeof WATCH_ROLES)[number];

export interface Watcher {
  role: WatchRole;
  /** The case that watches; for `proactive`, the id the case will have if one opens. */
  caseId: string;
}

/** What the pipeline keeps of a watched shipment: facts and the last tracking state, nothing personal. */
export interface WatchedShipment {
  carrier: string;
  trackingNumber: string;
  shippedAt?: string;
  promisedBy?: string;
  registeredAt: string;
  /** The market whose policy and calendar judge the parcel (its order's, or its case's); absent: the default market. */
  market?: string;
  watchers: Watcher[];
  /** Watchers already acted on (`<role>#<caseId>`), so a repeated push or poll acts once. */
  handled: string[];
  status?: TrackingStatus;
}

export type ShipmentAction =
  | { kind: 'return_arrived'; caseId: string; receivedAt: string }
  | { kind: 'open_proactive_case'; caseId: string; caseType: 'delayed' | 'lost'; rule: 'late_delivery' | 'carrier_lost' | 'no_scan'; delayWorkingDays?: number };

export interface WatchOutcome {
  actions: ShipmentAction[];
  /** Nothing more will happen to the parcel (delivered, back with the sender): stop polling it. */
  finished: boolean;
}

export const watcherId = (w: Watcher) => `${w.role}#${w.caseId}`;

/** The store key of a shipment: carrier code and tracking number, upper-cased (carriers print them either way). */
export function shipmentKey(carrier: string, trackingNumber: string): string {
  return `${carrier.trim().toUpperCase()}#${trackingNumber.trim().toUpperCase()}`;
}

/**
 * The requestId of the case proactive detection opens for a shipment: one per shipment, whatever detects it and
 * however often, so the case id is known from `shipment.created` on. Hashed when too long for a requestId.
 */
export function proactiveRequestId(carrier: string, trackingNumber: string): string {
  const readable = `proactive:${shipmentKey(carrier, trackingNumber)}`;
  return readable.length <= 128 ? readable : `proactive:${createHash('sha256').update(readable).digest('hex').slice(0, 40)}`;
}

const FINISHED: ReadonlySet<TrackingStatus> = new Set(['delivered', 'returned_to_sender']);

/**
 * What the new tracking state asks for:
 * - a `return` watcher whose parcel is delivered (to the service center): the return arrived, at the delivery scan's
 *   time (the SLA clock starts there, 000 §5.1);
 * - a `proactive` watcher, when detection is on: a `delayed` case if the parcel was delivered at least one working
 *   day after its promise (the measure the carrier lookup applies, so it will confirm it), a `lost` case if the
 *   carrier says lost or the parcel has been silent for the policy's days.
 * Watchers already handled are skipped.
 */
export function watchOutcome(
  shipment: WatchedShipment,
  snapshot: TrackingSnapshot,
  now: Date,
  policy: AftersalesPolicy,
  calendar: WorkingDayCalendar,
  proactiveEnabled: boolean,
): WatchOutcome {
  const actions: ShipmentAction[] = [];
  const pending = shipment.watchers.filter((w) => !shipment.handled.includes(watcherId(w)));
  const delivered = snapshot.status === 'delivered';
  const deliveredAt = snapshot.deliveredAt ?? snapshot.lastEventAt ?? now.toISOString();
  for (const watcher of pending) {
    if (watcher.role === 'return' && delivered) actions.push({ kind: 'return_arrived', caseId: watcher.caseId, receivedAt: deliveredAt });
    if (watcher.role === 'proactive' && proactiveEnabled) {
      const found = proactiveFinding(shipment, snapshot, deliveredAt, now, policy, calendar);
      if (found) actions.push({ kind: 'open_proactive_case', caseId: watcher.caseId, ...found });
    }
  }
  return { actions, finished: FINISHED.has(snapshot.status) };
}

function proactiveFinding(
  shipment: WatchedShipment,
  snapshot: TrackingSnapshot,
  deliveredAt: string,
  now: Date,
  policy: AftersalesPolicy,
  calendar: WorkingDayCalendar,
): Omit<Extract<ShipmentAction, { kind: 'open_proactive_case' }>, 'kind' | 'caseId'> | undefined {
  if (snapshot.status === 'delivered') {
    if (!shipment.promisedBy) return undefined;
    const late = workingDaysBetween(new Date(shipment.promisedBy), new Date(deliveredAt), calendar);
    return late > 0 ? { caseType: 'delayed', rule: 'late_delivery', delayWorkingDays: late } : undefined;
  }
  if (snapshot.lost) return { caseType: 'lost', rule: 'carrier_lost' };
  // Silence counts from the newest scan, or from shipping when the carrier has none at all.
  const since = snapshot.lastEventAt ?? shipment.shippedAt ?? shipment.registeredAt;
  if (silentTooLong(snapshot, now, policy, shipment.carrier, since)) return { caseType: 'lost', rule: 'no_scan' };
  return undefined;
}

/**
 * When to poll again after a failure: exponential backoff with full jitter (AWS Architecture Blog, "Exponential
 * Backoff and Jitter"), never sooner than the provider's Retry-After. `random` in [0, 1) is passed in.
 */
export function pollBackoffSeconds(failures: number, random: number, opts: { baseSeconds: number; capSeconds: number; retryAfterSeconds?: number }): number {
  const ceiling = Math.min(opts.capSeconds, opts.baseSeconds * 2 ** Math.max(0, failures - 1));
  const jittered = Math.round(random * ceiling);
  return Math.max(jittered, opts.retryAfterSeconds ?? 0, 1);
}

/** A provider failing since `failingSince` has been down long enough to tell operators. */
export function providerDownTooLong(failingSince: string, now: Date, thresholdSeconds: number): boolean {
  return now.getTime() - Date.parse(failingSince) >= thresholdSeconds * 1000;
}

import { sameCarrier } from './carriers.js';
import type { CaseType } from './case.js';
import type { AftersalesPolicy } from './policy.js';
import { workingDaysBetween, type WorkingDayCalendar } from './working-days.js';

/** The canonical tracking vocabulary every carrier adapter maps into (docs/carrier-tracking.md). */
export const TRACKING_STATUSES = [
  'pending',
  'info_received',
  'in_transit',
  'out_for_delivery',
  'failed_attempt',
  'available_for_pickup',
  'delivered',
  'exception',
  'returned_to_sender',
  'expired',
] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

/** One carrier scan in the canonical vocabulary: `time` is ISO 8601 UTC (docs/carrier-tracking.md). */
export interface Checkpoint {
  time: string;
  status: TrackingStatus;
  message: string;
  location?: string;
}

export interface TrackingSnapshot {
  status: TrackingStatus;
  /** The carrier says the parcel is lost (an exception of kind lost). */
  lost: boolean;
  deliveredAt?: string;
  lastEventAt?: string;
  /** The scans behind the status, oldest first, when the adapter has them. */
  checkpoints?: Checkpoint[];
}

export type CarrierVerdict =
  | { verdict: 'confirmed'; rule: string; delayWorkingDays?: number }
  | { verdict: 'refuted'; rule: string; reasonCode: string }
  | { verdict: 'pending'; rule: string }
  /** Only an operator can decide: the provider stopped tracking, so its silence proves nothing either way. */
  | { verdict: 'manual'; rule: string };

export interface CarrierVerdictOptions {
  /**
   * The provider stopped following the parcel (17TRACK `TRACKING_STOPPED`): its last state is stale, so neither a loss
   * confirmed from silence (`lost.no_scan`) nor a claim refuted for want of confirmation (`lost.not_confirmed`)
   * is drawn from it. A positive signal (lost, delivered) still decides.
   */
  trackingStopped?: boolean;
}

/**
 * What the tracking means for a lost or delayed claim (002 §4.1, 003 §3.2). `checks` counts lookups so far,
 * including this one: after the policy's maximum an unconfirmed claim is decided rather than left open.
 * `carrier` (the pipeline's carrier code) picks the policy's per-carrier silence before a parcel counts as lost.
 * With `trackingStopped`, what silence would have decided goes to an operator instead (`manual`).
 */
export function carrierVerdict(
  type: CaseType,
  tracking: TrackingSnapshot,
  promisedBy: Date,
  now: Date,
  checks: number,
  policy: AftersalesPolicy,
  calendar: WorkingDayCalendar,
  carrier?: string,
  options: CarrierVerdictOptions = {},
): CarrierVerdict {
  const lastCheck = checks >= policy.carrierMaxChecks;
  if (type === 'lost') {
    if (tracking.lost) return { verdict: 'confirmed', rule: 'lost.carrier_confirmed' };
    if (tracking.status === 'delivered') return { verdict: 'refuted', rule: 'lost.carrier_delivered', reasonCode: 'carrier_delivered' };
    const silent = silentTooLong(tracking, now, policy, carrier);
    if (options.trackingStopped && (silent || lastCheck)) return { verdict: 'manual', rule: 'lost.tracking_stopped' };
    if (silent) return { verdict: 'confirmed', rule: 'lost.no_scan' };
    if (lastCheck) return { verdict: 'refuted', rule: 'lost.not_confirmed', reasonCode: 'loss_not_confirmed' };
    return { verdict: 'pending', rule: 'lost.awaiting_carrier' };
  }
  if (type === 'delayed') {
    if (tracking.status === 'delivered' && tracking.deliveredAt) {
      const late = workingDaysBetween(promisedBy, new Date(tracking.deliveredAt), calendar);
      if (late === 0) return { verdict: 'refuted', rule: 'delayed.on_time', reasonCode: 'delivered_on_time' };
      return { verdict: 'confirmed', rule: 'delayed.working_days_late', delayWorkingDays: late };
    }
    if (!lastCheck) return { verdict: 'pending', rule: 'delayed.still_moving' };
    // Still moving after the last check: the delay so far is already owed.
    const late = workingDaysBetween(promisedBy, now, calendar);
    if (late === 0) return { verdict: 'refuted', rule: 'delayed.not_yet_late', reasonCode: 'not_late' };
    return { verdict: 'confirmed', rule: 'delayed.late_so_far', delayWorkingDays: late };
  }
  throw new Error(`carrier verdict does not apply to case type ${type}`);
}

/** Days without a scan after which the policy treats a parcel of this carrier as lost; undefined: no such rule. */
export function noScanLostDays(policy: AftersalesPolicy, carrier: string | undefined): number | undefined {
  const rule = policy.tracking?.noScanLostDays;
  if (!rule) return undefined;
  const byCarrier = rule.byCarrier ?? {};
  const key = carrier === undefined ? undefined : Object.keys(byCarrier).find((k) => sameCarrier(k, carrier));
  return key === undefined ? rule.default : byCarrier[key];
}

/**
 * "No scan for N days" (002 §4.1): the newest scan is older than the carrier's limit. A parcel that reached its end
 * (delivered, back with the sender) is not silent, and one without any scan is left to the explicit rules.
 */
export function silentTooLong(tracking: TrackingSnapshot, now: Date, policy: AftersalesPolicy, carrier: string | undefined, since = tracking.lastEventAt): boolean {
  const days = noScanLostDays(policy, carrier);
  if (days === undefined || !since) return false;
  if (tracking.status === 'delivered' || tracking.status === 'returned_to_sender') return false;
  return now.getTime() - Date.parse(since) >= days * 86_400_000;
}

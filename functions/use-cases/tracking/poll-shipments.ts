import type { CarrierTracker } from '../../adapters/carrier-tracker.js';
import type { ProviderLimit } from '../../adapters/carriers/limits.js';
import type { ShipmentRecord } from '../../adapters/shipment-store.js';
import { pollBackoffSeconds, watcherId } from '../../domain/shipment-watch.js';
import { applyTracking, type ApplyTrackingDeps } from './apply-tracking.js';
import { reportProviderCall, type ProviderHealthDeps } from './provider-health.js';
import { flagShipmentIssue } from './tracking-issue.js';

export interface PollDeps extends ApplyTrackingDeps, ProviderHealthDeps {
  tracker: CarrierTracker;
  /** Providers the deployment routes carriers to: one poll partition each. */
  providers: readonly string[];
  limits: Readonly<Record<string, ProviderLimit>>;
  backoff: { baseSeconds: number; capSeconds: number };
  /** [0, 1), for the backoff's jitter. */
  random: () => number;
  /** Paces the lookups of a provider below its rate limit. */
  sleep: (ms: number) => Promise<void>;
  /** Real milliseconds left for this run (the function's timeout, less a margin): no lookup starts after. */
  remainingMs?: () => number;
}

export interface PollSummary {
  polled: number;
  updated: number;
  failed: number;
  notFound: number;
  /** Providers whose run stopped early because they were down or throttling; their shipments stay due. */
  unavailable: string[];
}

/**
 * The polling fallback (scheduled): for each provider, the shipments due at `now` (the due index, soonest first,
 * at most the provider's budget for one run), looked up at the provider's pace. A timeout, 429 or 5xx backs that
 * shipment off with jitter and ends the provider's run (the rest stay due: hammering a provider that is down helps
 * no one); the provider's health is tracked for the outage alert. An unknown number is flagged for an operator.
 */
export async function pollShipments(deps: PollDeps, now: Date): Promise<PollSummary> {
  const summary: PollSummary = { polled: 0, updated: 0, failed: 0, notFound: 0, unavailable: [] };
  for (const provider of deps.providers) {
    const limit = deps.limits[provider] ?? { requestsPerSecond: 1, lookupsPerRun: 50 };
    const due = await deps.shipments.due(provider, now, limit.lookupsPerRun);
    let lastStart: number | undefined;
    for (const shipment of due) {
      // The pace counts from the previous lookup's start, so slow answers do not slow the run further.
      if (lastStart !== undefined) await deps.sleep(Math.max(0, 1000 / limit.requestsPerSecond - (Date.now() - lastStart)));
      // Out of time: the rest stay due for the next run.
      if (deps.remainingMs && deps.remainingMs() <= 0) return summary;
      lastStart = Date.now();
      summary.polled += 1;
      const outcome = await pollOne(deps, shipment, now);
      if (outcome === 'updated') summary.updated += 1;
      else if (outcome === 'not_found') summary.notFound += 1;
      else summary.failed += 1;
      if (outcome === 'unavailable') {
        summary.unavailable.push(provider);
        break;
      }
    }
  }
  return summary;
}

type PollOutcome = 'updated' | 'not_found' | 'unavailable' | 'failed';

async function pollOne(deps: PollDeps, shipment: ShipmentRecord, now: Date): Promise<PollOutcome> {
  let snapshot;
  const query = { carrier: shipment.carrier, trackingNumber: shipment.trackingNumber, shippedAt: shipment.shippedAt, promisedBy: shipment.promisedBy };
  // A provider that pushes only for subscribed numbers (Kuaidi100) is asked on the shipment's first poll, and again at
  // the next poll while it refuses: a refused subscription only loses the pushes, never the polling below.
  if (!shipment.subscribedAt && deps.tracker.subscribe) {
    try {
      if (await deps.tracker.subscribe(query)) await deps.shipments.markSubscribed(shipment.key, now);
    } catch {
      // Polled as before; the subscription is tried again next time.
    }
  }
  // A number the provider stopped following (17TRACK TRACKING_STOPPED) while an open case still watches it: asked to
  // follow it again, once (17TRACK restarts a number only once), so its pushes resume. The stopped flag stays on the
  // cases: its silence so far still decides nothing; the outcome is on the shipment and the watching cases' timelines.
  const open = shipment.watchers.filter((w) => !shipment.handled.includes(watcherId(w)));
  if (shipment.trackingIssue?.reason === 'tracking_stopped' && !shipment.retrack && deps.tracker.retrack && open.length > 0) {
    try {
      const outcome = await deps.tracker.retrack({ ...query, carrier: shipment.correctedCarrier ?? shipment.carrier });
      await deps.shipments.markRetracked(shipment.key, outcome, now);
      for (const w of open) {
        await deps.cases.appendTimeline(w.caseId, {
          at: now.toISOString(),
          actor: 'carrier',
          event: 'tracking_restart_requested',
          detail: { outcome, role: w.role, carrier: shipment.carrier },
        });
      }
    } catch {
      // Asked again at the next poll; the lookup below goes on regardless.
    }
  }
  try {
    snapshot = await deps.tracker.track({ ...query, carrier: shipment.correctedCarrier ?? shipment.carrier });
  } catch (error) {
    const { name, message } = error as Error & { retryAfterSeconds?: number };
    const failures = (shipment.failures ?? 0) + 1;
    const delay = pollBackoffSeconds(failures, deps.random(), { ...deps.backoff, retryAfterSeconds: (error as { retryAfterSeconds?: number }).retryAfterSeconds });
    const nextPollAt = new Date(now.getTime() + delay * 1000).toISOString();
    // Refused when a push recorded the parcel since the due read (delivered and out of the index, say): the failure
    // is not written and the number is not flagged, as the push just showed the provider knows it.
    const recorded = await deps.shipments.recordPollFailure(shipment, failures, nextPollAt, name);
    if (name === 'TrackingNotFoundError') {
      // The provider answered: it is healthy, the number is the problem (often one not scanned yet: keep trying).
      await reportProviderCall(deps, shipment.provider, { ok: true }, now);
      if (recorded) await flagShipmentIssue(deps, shipment, 'tracking_not_found', now);
      return 'not_found';
    }
    if (name === 'CarrierUnavailableError' || name === 'CarrierAuthError') {
      await reportProviderCall(deps, shipment.provider, { ok: false, error: `${name}: ${message}` }, now);
      return 'unavailable';
    }
    return 'failed';
  }
  await reportProviderCall(deps, shipment.provider, { ok: true }, now);
  await applyTracking(deps, shipment.key, snapshot, 'poll', now);
  return 'updated';
}

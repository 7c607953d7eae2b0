import type { CaseRepository } from '../ports.js';
import type { QueueSender } from '../../adapters/queues.js';
import type { ShipmentRecord, ShipmentStore } from '../../adapters/shipment-store.js';
import type { TrackingSnapshot } from '../../domain/carrier-verdict.js';
import type { Markets } from '../../domain/markets.js';
import { proactiveRequestId, watchOutcome, watcherId, type ShipmentAction, type Watcher } from '../../domain/shipment-watch.js';
import type { IntakeMessage } from '../../schemas/messages.js';

export interface ApplyTrackingDeps {
  shipments: ShipmentStore;
  cases: CaseRepository;
  /** Sent to only when a return arrives or a proactive case opens: a function may load the SQS client on first use (wiring/lazy-queue.ts). */
  intake: Pick<QueueSender<IntakeMessage>, 'send'>;
  /** The shipment's market (its order's or case's) judges it: silence thresholds, working days late. */
  markets: Markets;
  /** Proactive detection on for a parcel of this market (its policy, or the deployment's switch); absent = default market. */
  proactiveEnabled: (market?: string) => boolean;
  /** Seconds until a shipment still on its way is polled again (pushes may come sooner). */
  pollIntervalSeconds: number;
}

export interface ApplyTrackingResult {
  known: boolean;
  actions: ShipmentAction['kind'][];
  finished: boolean;
}

/**
 * One new tracking state of a watched shipment, from a push or a poll. What it means for the watching cases goes
 * through the intake queue as the events the order platform would send (`return.received`, or a synthesized
 * `aftersales.requested` for proactive detection), so the same code applies them, once: act first, then record
 * the watchers as handled with the new state (one write); a crash in between repeats an action whose effect is
 * idempotent.
 */
export async function applyTracking(deps: ApplyTrackingDeps, key: string, snapshot: TrackingSnapshot, source: 'push' | 'poll', now: Date): Promise<ApplyTrackingResult> {
  const shipment = await deps.shipments.get(key);
  if (!shipment) return { known: false, actions: [], finished: false };
  // Pushes can arrive out of order: a state older than the one stored teaches nothing.
  if (shipment.lastEventAt && snapshot.lastEventAt && snapshot.lastEventAt < shipment.lastEventAt) return { known: true, actions: [], finished: false };
  const { policy, calendar } = deps.markets.market(shipment.market);
  const outcome = watchOutcome(shipment, snapshot, now, policy, calendar, deps.proactiveEnabled(shipment.market));
  // The provider stopped following the number: its silence is its own, not the parcel's, so no "no scan" loss.
  const stopped = shipment.trackingIssue?.reason === 'tracking_stopped';
  const actions = outcome.actions.filter((a) => !(stopped && a.kind === 'open_proactive_case' && a.rule === 'no_scan'));
  const handled: Watcher[] = [];
  for (const action of actions) {
    if (action.kind === 'return_arrived') {
      await returnArrived(deps, shipment, action, now);
      handled.push({ role: 'return', caseId: action.caseId });
    } else if (await openProactiveCase(deps, shipment, action, snapshot, now)) {
      handled.push({ role: 'proactive', caseId: action.caseId });
    }
  }
  // Nothing left to watch for: delivered, back with the sender, or every watcher acted on.
  const done = new Set([...shipment.handled, ...handled.map(watcherId)]);
  const open = shipment.watchers.filter((w) => !done.has(watcherId(w)));
  const finished = outcome.finished || open.length === 0;
  const nextPoll = finished ? undefined : { at: new Date(now.getTime() + deps.pollIntervalSeconds * 1000).toISOString(), provider: shipment.provider };
  // A write that would store what the read just found (the same final state again: a push after the poll that
  // recorded it, a provider's retry) is not made, a write unit each (docs/performance.md, "Write cuts that keep every
  // guarantee"); `lastCheckedAt` and `lastSource` then keep when and how that state was first recorded. Otherwise the
  // watchers acted on are marked handled in the same write as the state, after the actions: a crash before it
  // repeats actions whose effect is idempotent, as a crash between two writes did.
  if (deps.shipments.wouldChange(shipment, snapshot, nextPoll, handled)) await deps.shipments.recordTracking(key, snapshot, source, now, nextPoll, handled);
  return { known: true, actions: actions.map((a) => a.kind), finished };
}

/** The return reached the service center: exactly what `return.received` does, with the carrier as its source. */
async function returnArrived(deps: ApplyTrackingDeps, shipment: ShipmentRecord, action: Extract<ShipmentAction, { kind: 'return_arrived' }>, now: Date): Promise<void> {
  const record = await deps.cases.get(action.caseId);
  // A case that is gone or finished needs nothing; the watcher is still marked handled.
  if (!record || record.status === 'closed' || record.returnReceivedAt) return;
  await deps.intake.send({
    webhookId: `carrier:${shipment.key}:return:${action.caseId}`,
    caseId: action.caseId,
    receivedAt: now.toISOString(),
    source: 'carrier',
    event: { type: 'return.received', timestamp: now.toISOString(), data: { requestId: record.requestId, receivedAt: action.receivedAt } },
  });
}

/**
 * Proactive detection: the case the customer would have opened, opened for them, through the intake queue like
 * any request. Its requestId is derived from the shipment, so it opens once whatever detects it and however often.
 */
async function openProactiveCase(
  deps: ApplyTrackingDeps,
  shipment: ShipmentRecord,
  action: Extract<ShipmentAction, { kind: 'open_proactive_case' }>,
  snapshot: TrackingSnapshot,
  now: Date,
): Promise<boolean> {
  const stored = await deps.shipments.proactive(shipment.key);
  // Registered a moment ago and its facts not written yet (or lost): try again on the next update.
  if (!stored) return false;
  const { facts, contact } = stored;
  const at = now.toISOString();
  const requestId = proactiveRequestId(shipment.carrier, shipment.trackingNumber);
  await deps.intake.send({
    webhookId: `carrier:${shipment.key}:proactive`,
    caseId: action.caseId,
    receivedAt: at,
    source: 'pipeline',
    event: {
      type: 'aftersales.requested',
      timestamp: at,
      data: {
        requestId,
        caseType: action.caseType,
        reason: `proactive_${action.rule}`,
        description: '',
        expedited: false,
        order: {
          ...facts.order,
          shipment: { ...facts.order.shipment, ...(snapshot.status === 'delivered' && snapshot.deliveredAt ? { deliveredAt: snapshot.deliveredAt } : {}) },
        },
        items: [],
        customer: { ...facts.customer, name: contact.name, ...(contact.email ? { email: contact.email } : {}), ...(contact.phone ? { phone: contact.phone } : {}) },
        evidence: [],
      },
    },
  });
  return true;
}

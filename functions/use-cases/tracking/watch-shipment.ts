import type { ShipmentStore } from '../../adapters/shipment-store.js';
import { shipmentKey } from '../../domain/shipment-watch.js';
import type { ShipmentCreatedData } from '../../schemas/webhook.js';

export interface WatchDeps {
  shipments: ShipmentStore;
  /** The tracking provider that serves a carrier (the deployment's routing), to file the shipment for polling. */
  providerFor: (carrier: string) => string;
  /** Proactive detection switched on for a parcel of this market (its policy, or the deployment's switch); absent = default market. */
  proactiveEnabled: (market?: string) => boolean;
}

const PROACTIVE_RETENTION_DAYS = 90;

/** The customer's return parcel is watched until it reaches the service center (then the case resumes by itself). */
export async function watchReturn(deps: WatchDeps, watching: { caseId: string; market?: string }, carrier: string, trackingNumber: string, now: Date): Promise<string> {
  const { caseId, market } = watching;
  return deps.shipments.watch({ carrier, trackingNumber, provider: deps.providerFor(carrier), ...(market ? { market } : {}), watcher: { role: 'return', caseId } }, now);
}

/**
 * `shipment.created`: with proactive detection on, keep what a case would need (the contact apart, as a case keeps
 * it) and watch the parcel; `caseId` is the id the proactive case will have. Off: nothing is stored.
 */
export async function watchProactive(deps: WatchDeps, caseId: string, data: ShipmentCreatedData, now: Date): Promise<'watching' | 'ignored'> {
  if (!deps.proactiveEnabled(data.order.market)) return 'ignored';
  const { shipment } = data.order;
  const { name, email, phone, ...customer } = data.customer;
  // The facts first: once watched, the shipment may be polled (and a case opened from them) at any moment.
  const key = shipmentKey(shipment.carrier, shipment.trackingNumber);
  // The contact is personal data kept only for a case that may never open: DynamoDB's TTL deletes it once a late or
  // lost parcel could no longer be claimed (a case, if one opens, keeps its own copy).
  const latest = Math.max(now.getTime(), Date.parse(shipment.promisedBy ?? '') || 0);
  const retainUntil = new Date(latest + PROACTIVE_RETENTION_DAYS * 86_400_000);
  await deps.shipments.saveProactive(key, { order: data.order, customer }, { name, ...(email ? { email } : {}), ...(phone ? { phone } : {}) }, retainUntil);
  await deps.shipments.watch(
    {
      carrier: shipment.carrier,
      trackingNumber: shipment.trackingNumber,
      provider: deps.providerFor(shipment.carrier),
      shippedAt: shipment.shippedAt,
      promisedBy: shipment.promisedBy,
      ...(data.order.market ? { market: data.order.market } : {}),
      watcher: { role: 'proactive', caseId },
    },
    now,
  );
  return 'watching';
}

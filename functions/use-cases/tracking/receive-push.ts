import type { AlertPort } from '../ports.js';
import { verifyAndParsePush, type HeadersOrForm, type PushProvider } from '../../adapters/carriers/push.js';
import { shipmentKey } from '../../domain/shipment-watch.js';
import { applyTracking, type ApplyTrackingDeps } from './apply-tracking.js';
import { flagShipmentIssue } from './tracking-issue.js';

export interface PushDeps extends ApplyTrackingDeps {
  alerts: AlertPort;
  /**
   * The provider's webhook secret (AfterShip webhook secret, 17TRACK security key, Kuaidi100 salt): the current one,
   * then the previous one while its grace period after a rotation lasts.
   */
  secret: string | readonly string[];
  /** Pipeline carrier code -> provider code, to name the pipeline's carrier in the update. */
  carrierCodes?: Readonly<Record<string, string | number>>;
}

export type PushAnswer =
  | { status: 200; received: number; applied: number; ignored: number }
  | { status: 401; error: 'invalid_signature'; message: string }
  | { status: 422; error: 'malformed_push'; message: string };

/**
 * A provider's tracking push: verified on the raw body with the provider's own scheme, parsed into the canonical
 * vocabulary by the same mapping as the pull adapters, and applied to the shipment it concerns. A push about a
 * parcel nobody watches is acknowledged and ignored: providers retry anything but 2xx.
 */
export async function receivePush(deps: PushDeps, provider: PushProvider, rawBody: string, headersOrForm: HeadersOrForm, now: Date): Promise<PushAnswer> {
  const keys = typeof deps.secret === 'string' ? [deps.secret] : deps.secret;
  let result = verifyAndParsePush(provider, rawBody, headersOrForm, keys[0] ?? '', { carrierCodes: deps.carrierCodes });
  for (const key of keys.slice(1)) {
    if (result.ok || result.reason !== 'invalid_signature') break;
    result = verifyAndParsePush(provider, rawBody, headersOrForm, key, { carrierCodes: deps.carrierCodes });
  }
  if (!result.ok) {
    return result.reason === 'invalid_signature'
      ? { status: 401, error: 'invalid_signature', message: `The ${provider} signature does not match the body with the configured webhook secret.` }
      : { status: 422, error: 'malformed_push', message: `The body is not a ${provider} tracking push.` };
  }
  let applied = 0;
  for (const update of result.updates) {
    if (!update.carrier) continue;
    const key = shipmentKey(update.carrier, update.trackingNumber);
    if (update.correctedCarrier) await deps.shipments.recordCorrectedCarrier(key, update.correctedCarrier);
    const outcome = await applyTracking(deps, key, update.snapshot, 'push', now);
    if (outcome.known) applied += 1;
  }
  // A stopped watch or an invalid number flags the watching cases (operators alerted once); the shipment stays polled.
  for (const issue of result.issues ?? []) {
    const shipment = issue.carrier ? await deps.shipments.get(shipmentKey(issue.carrier, issue.trackingNumber)) : undefined;
    if (shipment) await flagShipmentIssue(deps, shipment, issue.reason, now);
  }
  return { status: 200, received: result.updates.length, applied, ignored: result.updates.length - applied };
}

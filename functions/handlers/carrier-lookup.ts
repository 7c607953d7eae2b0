import * as z from 'zod/mini';
import { carrierLookup } from '../use-cases/steps/carrier-lookup.js';
import { carrierOutage } from '../use-cases/steps/carrier-outage.js';
import { reportProviderCall } from '../use-cases/tracking/provider-health.js';
import { carrierRouting, carrierTracker, carrierTrackingConfig, trackingSettings, trackingStores } from '../tracking-wiring.js';
import { caseStores, marketCalendar, marketPolicy, opsAlerts } from '../wiring.js';

const { cases } = caseStores();
const { health, shipments } = trackingStores();
const alerts = opsAlerts();
const policy = marketPolicy();
const calendar = marketCalendar(policy);
// One provider for every carrier by default; CARRIER_TRACKING (full JSON) routes carriers to several providers.
const config = carrierTrackingConfig();
const { outageAlertSeconds } = trackingSettings(policy);
const { providerFor } = carrierRouting(config);
const input = z.object({ caseId: z.string(), outage: z.optional(z.object({ Error: z.optional(z.string()) })) });

/**
 * Workflow step: confirms a loss or measures a delay from the carrier's tracking. With `outage` (the lookup failed
 * after its retries), the case waits visibly for the carrier instead.
 */
export async function handler(event: unknown) {
  const { caseId, outage } = input.parse(event);
  const now = new Date();
  if (outage) return carrierOutage({ cases, health, alerts, outageAlertSeconds, providerFor }, caseId, outage, now);
  const tracker = await carrierTracker(config);
  const record = await cases.require(caseId);
  const provider = tracker.providerFor({ carrier: record.shipment.carrier, trackingNumber: record.shipment.trackingNumber });
  const report = (outcome: { ok: true } | { ok: false; error: string }) => reportProviderCall({ health, alerts, outageAlertSeconds }, provider, outcome, new Date());
  return carrierLookup({ cases, tracker, policy, calendar, report, alerts, shipments }, caseId, now);
}

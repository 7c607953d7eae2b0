// First: traces the AWS SDK clients and HTTP calls made below (functions/tracing.ts).
import '../tracing.js';
import { carrierLookupConfig, readConfig } from '../config/functions.js';
import type { ConfigOf } from '../config/read.js';
import * as z from 'zod/mini';
import { carrierLookup } from '../use-cases/steps/carrier-lookup.js';
import { carrierOutage } from '../use-cases/steps/carrier-outage.js';
import { reportProviderCall } from '../use-cases/tracking/provider-health.js';
import { carrierRouting, carrierTracker, carrierTrackingConfig, trackingSettings, trackingStores } from '../tracking-wiring.js';
import { markets } from '../wiring.js';
import { opsAlerts } from '../wiring/alerts.js';
import { withLambdaContext } from '../wiring/logging.js';
import { metrics } from '../wiring/metrics.js';
import { caseStore } from '../wiring/stores.js';

const input = z.object({ caseId: z.string(), outage: z.optional(z.object({ Error: z.optional(z.string()) })) });

/** The step built from a configuration: its own, read at cold start (below); a test may pass another. */
export function createHandler(config: ConfigOf<typeof carrierLookupConfig>) {
  const cases = caseStore(config);
  const { health, shipments } = trackingStores(config);
  const alerts = opsAlerts(config);
  const metricSink = metrics(config);
  // Each case is decided under its own market's policy and calendar (order.market; the default market without one).
  const deploymentMarkets = markets(config);
  // One provider for every carrier by default; CARRIER_TRACKING (full JSON) routes carriers to several providers.
  const tracking = carrierTrackingConfig(config);
  const { outageAlertSeconds } = trackingSettings(deploymentMarkets, config);
  const { providerFor } = carrierRouting(tracking);
  const trackerNow = carrierTracker(tracking, config);

  /**
   * Workflow step: confirms a loss or measures a delay from the carrier's tracking. With `outage` (the lookup failed
   * after its retries), the case waits visibly for the carrier instead.
   */
  async function handle(event: unknown) {
    const { caseId, outage } = input.parse(event);
    const now = new Date();
    if (outage) return carrierOutage({ cases, health, alerts, outageAlertSeconds, providerFor }, caseId, outage, now);
    const tracker = await trackerNow();
    const record = await cases.require(caseId);
    const provider = tracker.providerFor({ carrier: record.shipment.carrier, trackingNumber: record.shipment.trackingNumber });
    const report = (outcome: { ok: true } | { ok: false; error: string }) => reportProviderCall({ health, alerts, outageAlertSeconds }, provider, outcome, new Date());
    try {
      const result = await carrierLookup({ cases, tracker, markets: deploymentMarkets, report, alerts, shipments }, caseId, now, record);
      metricSink.count('CarrierLookups', { Provider: provider, Outcome: result.verdict });
      return result;
    } catch (error) {
      // The error's name only (TrackingNotFoundError, a provider outage...): a closed set of codes.
      metricSink.count('CarrierLookups', { Provider: provider, Outcome: (error as Error).name });
      throw error;
    }
  }
  // The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext).
  return withLambdaContext(handle);
}

export const handler = createHandler(readConfig(carrierLookupConfig));

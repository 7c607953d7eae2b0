import * as z from 'zod/mini';
import { carrierCodesFor, parseCarrierTracking, trackerFromConfig, type CarrierTrackingConfig } from './adapters/carriers/from-config.js';
import { parseCarrierRoutingConfig, referencedProviders, routeProvider, TRACKING_PROVIDERS, type RoutedCarrierTracker, type TrackingProvider } from './adapters/carriers/routing.js';
import { documentClient } from './adapters/dynamo.js';
import { ProviderHealthStore } from './adapters/provider-health.js';
import { ShipmentStore } from './adapters/shipment-store.js';
import { optional, required, seconds } from './config.js';
import type { AftersalesPolicy } from './domain/policy.js';
import { secretValue } from './wiring.js';

/**
 * Builders for carrier tracking (docs/carrier-tracking.md), from a function's environment, called at module scope:
 * which provider serves which carrier (CARRIER_TRACKING, or one provider for all: CARRIER_PROVIDER, CARRIER_API_URL,
 * CARRIER_CODES), the provider's API key and webhook secret, the shipment stores and the polling settings.
 */
export function carrierTrackingConfig(): CarrierTrackingConfig {
  const json = optional('CARRIER_TRACKING');
  if (json) return parseCarrierTracking(json);
  const provider = z.enum(TRACKING_PROVIDERS).parse(optional('CARRIER_PROVIDER') ?? 'simulator');
  return parseCarrierTracking(
    JSON.stringify({ routing: { default: provider }, providers: { [provider]: { baseUrl: required('CARRIER_API_URL'), codes: JSON.parse(optional('CARRIER_CODES') ?? '{}') } } }),
  );
}

/** The tracking configuration if the function has one (intake watches parcels only where it is configured). */
export function configuredCarrierTracking(): CarrierTrackingConfig | undefined {
  return optional('CARRIER_TRACKING') || optional('CARRIER_API_URL') ? carrierTrackingConfig() : undefined;
}

/** Which provider serves a carrier, without API keys (for filing shipments, reading pushes). */
export function carrierRouting(config = carrierTrackingConfig()) {
  const routing = parseCarrierRoutingConfig(config.routing);
  return {
    providerFor: (carrier: string): TrackingProvider => routeProvider(routing, carrier),
    providers: [...referencedProviders(routing)],
    /** The provider's carrier codes (canonical code -> provider code: the registry's and the configured), to read pushes. */
    codesFor: (provider: TrackingProvider) => carrierCodesFor(config, provider),
  };
}

/**
 * The routed tracker with its API key, for each use: the key is a secret read per use (cached 5 minutes, so a rotated
 * key is used without a cold start), and the trackers are built again only when it changed.
 * One key for the deployment's provider (CARRIER_API_KEY locally, CARRIER_API_KEY_SECRET_ARN in AWS).
 */
let tracker: { key: string; tracker: RoutedCarrierTracker } | undefined;
export async function carrierTracker(config = carrierTrackingConfig()): Promise<RoutedCarrierTracker> {
  const key = optional('CARRIER_API_KEY') ?? (optional('CARRIER_API_KEY_SECRET_ARN') ? await secretValue('CARRIER_API_KEY') : '');
  if (tracker?.key === key) return tracker.tracker;
  const keys = Object.fromEntries(Object.keys(config.providers).map((p) => [p, key]));
  tracker = { key, tracker: trackerFromConfig(JSON.stringify(config), keys) };
  return tracker.tracker;
}

/**
 * The webhook secret of a provider: the CarrierWebhookSecret holds one string for every provider, or a JSON object
 * with one per provider ({"aftership": "…", "kuaidi100": "…"}). Empty means pushes from that provider never verify.
 */
export async function carrierWebhookSecret(provider: TrackingProvider): Promise<string> {
  const value = await secretValue('CARRIER_WEBHOOK_SECRET');
  if (!value.trimStart().startsWith('{')) return value;
  const perProvider = JSON.parse(value) as Record<string, unknown>;
  return typeof perProvider[provider] === 'string' ? (perProvider[provider] as string) : '';
}

export function trackingStores() {
  const db = documentClient();
  const table = required('TABLE_NAME');
  return { shipments: new ShipmentStore(db, table), health: new ProviderHealthStore(db, table) };
}

/** Polling and alert timings (short locally), and whether proactive detection is on (policy, or the deployment's switch). */
export function trackingSettings(policy: AftersalesPolicy) {
  const flag = optional('PROACTIVE_DETECTION');
  return {
    proactiveEnabled: flag === undefined || flag === 'policy' ? (policy.tracking?.proactiveDetection.enabled ?? false) : flag === 'on',
    pollIntervalSeconds: seconds('TRACKING_POLL_SECONDS', 2 * 3600),
    backoff: { baseSeconds: seconds('TRACKING_BACKOFF_BASE_SECONDS', 300), capSeconds: seconds('TRACKING_BACKOFF_CAP_SECONDS', 6 * 3600) },
    outageAlertSeconds: seconds('CARRIER_OUTAGE_ALERT_SECONDS', 3600),
  };
}

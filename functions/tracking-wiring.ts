import * as z from 'zod/mini';
import { carrierCodesFor, parseCarrierTracking, trackerFromConfig, type CarrierTrackingConfig } from './adapters/carriers/from-config.js';
import {
  parseCarrierRoutingConfig,
  referencedProviders,
  routeProvider,
  TRACKING_PROVIDERS,
  type RoutedCarrierTracker,
  type TrackingProvider,
} from './adapters/carriers/routing.js';
import { documentClient } from './adapters/dynamo.js';
import { ProviderHealthStore } from './adapters/provider-health.js';
import { ShipmentStore } from './adapters/shipment-store.js';
import { optional, required, seconds } from './config.js';
import { keyRingFrom, parseKeyRing, type KeyRing } from './domain/key-ring.js';
import type { AftersalesPolicy } from './domain/policy.js';
import { secretValue } from './wiring/secrets.js';

/**
 * Builders for carrier tracking (docs/carrier-tracking.md), from a function's environment, called at module scope:
 * which provider serves which carrier (CARRIER_TRACKING, or one provider for all: CARRIER_PROVIDER, CARRIER_API_URL,
 * CARRIER_CODES), the provider's API key and webhook secret, the shipment stores and the polling settings.
 */
export function carrierTrackingConfig(): CarrierTrackingConfig {
  const json = optional('CARRIER_TRACKING');
  if (json) return parseCarrierTracking(json);
  const provider = z.enum(TRACKING_PROVIDERS).parse(optional('CARRIER_PROVIDER') ?? 'simulator');
  const customer = provider === 'kuaidi100' ? optional('KUAIDI100_CUSTOMER') : undefined;
  return parseCarrierTracking(
    JSON.stringify({
      routing: { default: provider },
      providers: { [provider]: { baseUrl: required('CARRIER_API_URL'), codes: JSON.parse(optional('CARRIER_CODES') ?? '{}'), ...(customer ? { customer } : {}) } },
    }),
  );
}

/** Per provider, the variable holding its API key (locally the key itself; in AWS `<name>_SECRET_ARN`, one secret each). */
export const CARRIER_KEY_VARIABLES: Readonly<Record<TrackingProvider, string>> = {
  aftership: 'CARRIER_API_KEY_AFTERSHIP',
  '17track': 'CARRIER_API_KEY_17TRACK',
  kuaidi100: 'CARRIER_API_KEY_KUAIDI100',
  simulator: 'CARRIER_API_KEY_SIMULATOR',
};

/** A provider's own key, through the same cached secret reading as every secret; CARRIER_API_KEY is the older shared one. */
async function providerKey(provider: TrackingProvider): Promise<string> {
  const name = CARRIER_KEY_VARIABLES[provider];
  if (optional(name) || optional(`${name}_SECRET_ARN`)) return secretValue(name);
  if (optional('CARRIER_API_KEY') || optional('CARRIER_API_KEY_SECRET_ARN')) return secretValue('CARRIER_API_KEY');
  return '';
}

/**
 * Kuaidi100 pushes only for numbers subscribed with a callback URL and a salt: our push route (CARRIER_CALLBACK_BASE_URL
 * + webhooks/carriers/kuaidi100) and the provider's webhook secret. Without both, no subscription (polling only).
 */
async function kuaidi100Subscription(config: CarrierTrackingConfig) {
  const base = optional('CARRIER_CALLBACK_BASE_URL');
  if (!config.providers.kuaidi100 || !base || !(optional('CARRIER_WEBHOOK_SECRET') || optional('CARRIER_WEBHOOK_SECRET_SECRET_ARN'))) return undefined;
  const salt = await carrierWebhookSecret('kuaidi100');
  if (!salt) return undefined;
  return { callbackUrl: new URL('webhooks/carriers/kuaidi100', base.endsWith('/') ? base : `${base}/`).toString(), salt };
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
 * The routed tracker with each provider's own API key (CARRIER_API_KEY_<PROVIDER>, a secret each), for each use: the
 * keys are secrets read per use (cached 5 minutes, so a rotated key is used without a cold start), and the trackers
 * are built again only when a key or the Kuaidi100 salt changed.
 */
let tracker: { key: string; tracker: RoutedCarrierTracker } | undefined;
export async function carrierTracker(config = carrierTrackingConfig()): Promise<RoutedCarrierTracker> {
  const providers = Object.keys(config.providers) as TrackingProvider[];
  const keys = Object.fromEntries(await Promise.all(providers.map(async (p) => [p, await providerKey(p)] as const)));
  const subscription = await kuaidi100Subscription(config);
  const fingerprint = JSON.stringify([keys, subscription ?? null]);
  if (tracker?.key === fingerprint) return tracker.tracker;
  tracker = { key: fingerprint, tracker: trackerFromConfig(JSON.stringify(config), keys, { kuaidi100Subscription: subscription }) };
  return tracker.tracker;
}

/**
 * How long a provider's previous webhook secret still verifies pushes after a rotation: Kuaidi100 signs every push
 * with the salt the parcel was subscribed with, so parcels watched before the rotation keep the old one for as long
 * as they are tracked; 30 days covers a parcel's watch (and the poller covers any push refused after it).
 */
export const PREVIOUS_CARRIER_WEBHOOK_SECRET_MS = 30 * 86_400_000;

/**
 * The webhook secret of a provider as a key ring (functions/domain/key-ring.ts): the CarrierWebhookSecret holds one
 * for every provider (a string, or {"current", "previous", "rotatedAt"}), or a JSON object with one per provider
 * ({"aftership": "…", "kuaidi100": {"current": "…", "previous": "…", "rotatedAt": "…"}}). Empty: pushes from that
 * provider never verify.
 */
export async function carrierWebhookKeys(provider: TrackingProvider): Promise<KeyRing> {
  const value = await secretValue('CARRIER_WEBHOOK_SECRET');
  if (!value.trimStart().startsWith('{')) return { current: value };
  const parsed = JSON.parse(value) as Record<string, unknown>;
  if ('current' in parsed) return parseKeyRing(value, 'CARRIER_WEBHOOK_SECRET');
  const own = parsed[provider];
  return own === undefined ? { current: '' } : keyRingFrom(own, `CARRIER_WEBHOOK_SECRET.${provider}`);
}

/** The secret new things are signed with (the Kuaidi100 subscription's salt): the current one. */
export async function carrierWebhookSecret(provider: TrackingProvider): Promise<string> {
  return (await carrierWebhookKeys(provider)).current;
}

export function trackingStores() {
  const db = documentClient();
  const table = required('TABLE_NAME');
  return { shipments: new ShipmentStore(db, table), health: new ProviderHealthStore(db, table) };
}

/**
 * Polling and alert timings (short locally), and whether proactive detection is on for a parcel of a market: the
 * deployment's switch `PROACTIVE_DETECTION` (on/off) for every market, or by default each market's own policy
 * (`tracking.proactiveDetection`; absent market = the default market).
 */
export function trackingSettings(markets: { market(code?: string): { policy: Pick<AftersalesPolicy, 'tracking'> } }) {
  const flag = optional('PROACTIVE_DETECTION');
  const byPolicy = flag === undefined || flag === 'policy';
  return {
    proactiveEnabled: (market?: string) => (byPolicy ? (markets.market(market).policy.tracking?.proactiveDetection.enabled ?? false) : flag === 'on'),
    pollIntervalSeconds: seconds('TRACKING_POLL_SECONDS', 2 * 3600),
    backoff: { baseSeconds: seconds('TRACKING_BACKOFF_BASE_SECONDS', 300), capSeconds: seconds('TRACKING_BACKOFF_CAP_SECONDS', 6 * 3600) },
    outageAlertSeconds: seconds('CARRIER_OUTAGE_ALERT_SECONDS', 3600),
  };
}

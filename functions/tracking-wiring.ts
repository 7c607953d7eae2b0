import { carrierCodesFor, parseCarrierTracking, trackerFromConfig, type CarrierTrackingConfig } from './adapters/carriers/from-config.js';
import { parseCarrierRoutingConfig, referencedProviders, routeProvider, type RoutedCarrierTracker, type TrackingProvider } from './adapters/carriers/routing.js';
import { documentClient } from './adapters/dynamo.js';
import { ProviderHealthStore } from './adapters/provider-health.js';
import { ShipmentStore } from './adapters/shipment-store.js';
import type { SecretSource } from './config/read.js';
import { keyRingFrom, parseKeyRing, type KeyRing } from './domain/key-ring.js';
import type { AftersalesPolicy } from './domain/policy.js';
import { secretValue, type SecretsConfig } from './wiring/secrets.js';
import type { TableConfig } from './wiring/stores.js';

/** The routing part of a function's configuration (functions/config/pieces.ts `carrierTracking`). */
export interface TrackingRoutingConfig {
  readonly CARRIER_TRACKING?: Record<string, unknown>;
  readonly CARRIER_PROVIDER: TrackingProvider;
  readonly CARRIER_API_URL?: string;
  readonly CARRIER_CODES?: Record<string, unknown>;
  readonly KUAIDI100_CUSTOMER?: string;
}

/** The API keys and the Kuaidi100 subscription (functions/config/pieces.ts `carrierKeys`, functions/config/functions.ts). */
export type TrackerKeysConfig = SecretsConfig & {
  readonly [K in (typeof CARRIER_KEY_VARIABLES)[TrackingProvider] | 'CARRIER_API_KEY' | 'CARRIER_WEBHOOK_SECRET']?: SecretSource;
} & {
  readonly CARRIER_CALLBACK_BASE_URL?: string;
};

/**
 * Builders for carrier tracking (docs/carrier-tracking.md), from a function's configuration, called at module scope:
 * which provider serves which carrier (CARRIER_TRACKING, or one provider for all: CARRIER_PROVIDER, CARRIER_API_URL,
 * CARRIER_CODES), the provider's API key and webhook secret, the shipment stores and the polling settings.
 */
export function carrierTrackingConfig(config: TrackingRoutingConfig): CarrierTrackingConfig {
  if (config.CARRIER_TRACKING) return parseCarrierTracking(JSON.stringify(config.CARRIER_TRACKING));
  const provider = config.CARRIER_PROVIDER;
  const customer = provider === 'kuaidi100' ? config.KUAIDI100_CUSTOMER : undefined;
  if (!config.CARRIER_API_URL) throw new Error('carrier tracking needs CARRIER_TRACKING or CARRIER_API_URL');
  return parseCarrierTracking(
    JSON.stringify({
      routing: { default: provider },
      providers: { [provider]: { baseUrl: config.CARRIER_API_URL, codes: config.CARRIER_CODES ?? {}, ...(customer ? { customer } : {}) } },
    }),
  );
}

/** Per provider, the variable holding its API key (locally the key itself; in AWS `<name>_SECRET_ARN`, one secret each). */
export const CARRIER_KEY_VARIABLES = {
  aftership: 'CARRIER_API_KEY_AFTERSHIP',
  '17track': 'CARRIER_API_KEY_17TRACK',
  kuaidi100: 'CARRIER_API_KEY_KUAIDI100',
  simulator: 'CARRIER_API_KEY_SIMULATOR',
} as const satisfies Readonly<Record<TrackingProvider, string>>;

/** A provider's own key, through the same cached secret reading as every secret; CARRIER_API_KEY is the older shared one. */
async function providerKey(config: TrackerKeysConfig, provider: TrackingProvider): Promise<string> {
  const source = config[CARRIER_KEY_VARIABLES[provider]] ?? config.CARRIER_API_KEY;
  return source ? secretValue(source, config) : '';
}

/**
 * Kuaidi100 pushes only for numbers subscribed with a callback URL and a salt: our push route (CARRIER_CALLBACK_BASE_URL
 * + webhooks/carriers/kuaidi100) and the provider's webhook secret. Without both, no subscription (polling only).
 */
async function kuaidi100Subscription(tracking: CarrierTrackingConfig, config: TrackerKeysConfig) {
  const base = config.CARRIER_CALLBACK_BASE_URL;
  const secret = config.CARRIER_WEBHOOK_SECRET;
  if (!tracking.providers.kuaidi100 || !base || !secret) return undefined;
  const salt = await carrierWebhookSecret({ ...config, CARRIER_WEBHOOK_SECRET: secret }, 'kuaidi100');
  if (!salt) return undefined;
  return { callbackUrl: new URL('webhooks/carriers/kuaidi100', base.endsWith('/') ? base : `${base}/`).toString(), salt };
}

/** The tracking configuration if the function has one (intake watches parcels only where it is configured). */
export function configuredCarrierTracking(config: TrackingRoutingConfig): CarrierTrackingConfig | undefined {
  return config.CARRIER_TRACKING || config.CARRIER_API_URL ? carrierTrackingConfig(config) : undefined;
}

/** Which provider serves a carrier, without API keys (for filing shipments, reading pushes). */
export function carrierRouting(config: CarrierTrackingConfig) {
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
 * are built again only when a key or the Kuaidi100 salt changed. Called once at module scope; call its result per use.
 */
export function carrierTracker(tracking: CarrierTrackingConfig, config: TrackerKeysConfig): () => Promise<RoutedCarrierTracker> {
  let tracker: { key: string; tracker: RoutedCarrierTracker } | undefined;
  return async () => {
    const providers = Object.keys(tracking.providers) as TrackingProvider[];
    const keys = Object.fromEntries(await Promise.all(providers.map(async (p) => [p, await providerKey(config, p)] as const)));
    const subscription = await kuaidi100Subscription(tracking, config);
    const fingerprint = JSON.stringify([keys, subscription ?? null]);
    if (tracker?.key === fingerprint) return tracker.tracker;
    tracker = { key: fingerprint, tracker: trackerFromConfig(JSON.stringify(tracking), keys, { kuaidi100Subscription: subscription }) };
    return tracker.tracker;
  };
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
export async function carrierWebhookKeys(config: SecretsConfig & { readonly CARRIER_WEBHOOK_SECRET: SecretSource }, provider: TrackingProvider): Promise<KeyRing> {
  const value = await secretValue(config.CARRIER_WEBHOOK_SECRET, config);
  if (!value.trimStart().startsWith('{')) return { current: value };
  const parsed = JSON.parse(value) as Record<string, unknown>;
  if ('current' in parsed) return parseKeyRing(value, 'CARRIER_WEBHOOK_SECRET');
  const own = parsed[provider];
  return own === undefined ? { current: '' } : keyRingFrom(own, `CARRIER_WEBHOOK_SECRET.${provider}`);
}

/** The secret new things are signed with (the Kuaidi100 subscription's salt): the current one. */
export async function carrierWebhookSecret(config: SecretsConfig & { readonly CARRIER_WEBHOOK_SECRET: SecretSource }, provider: TrackingProvider): Promise<string> {
  return (await carrierWebhookKeys(config, provider)).current;
}

export function trackingStores(config: TableConfig) {
  const db = documentClient();
  const table = config.TABLE_NAME;
  return { shipments: new ShipmentStore(db, table), health: new ProviderHealthStore(db, table) };
}

/**
 * Polling and alert timings (short locally), and whether proactive detection is on for a parcel of a market: the
 * deployment's switch `PROACTIVE_DETECTION` (on/off) for every market, or by default each market's own policy
 * (`tracking.proactiveDetection`; absent market = the default market).
 */
export function trackingSettings(markets: { market(code?: string): { policy: Pick<AftersalesPolicy, 'tracking'> } }, config: TrackingSettingsConfig) {
  const flag = config.PROACTIVE_DETECTION;
  return {
    proactiveEnabled: (market?: string) => (flag === 'policy' ? (markets.market(market).policy.tracking?.proactiveDetection.enabled ?? false) : flag === 'on'),
    pollIntervalSeconds: config.TRACKING_POLL_SECONDS,
    backoff: { baseSeconds: config.TRACKING_BACKOFF_BASE_SECONDS, capSeconds: config.TRACKING_BACKOFF_CAP_SECONDS },
    outageAlertSeconds: config.CARRIER_OUTAGE_ALERT_SECONDS,
  };
}

/** functions/config/pieces.ts `trackingSettings`, defaults applied. */
export interface TrackingSettingsConfig {
  readonly PROACTIVE_DETECTION: 'policy' | 'on' | 'off';
  readonly TRACKING_POLL_SECONDS: number;
  readonly TRACKING_BACKOFF_BASE_SECONDS: number;
  readonly TRACKING_BACKOFF_CAP_SECONDS: number;
  readonly CARRIER_OUTAGE_ALERT_SECONDS: number;
}

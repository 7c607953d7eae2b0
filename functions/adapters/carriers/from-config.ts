import * as z from 'zod/mini';
import { canonicalCarrier, CARRIER_PROVIDERS, providerCodes, type CarrierProvider } from '../../domain/carriers.js';
import { HttpCarrierTracker, type CarrierTracker } from '../carrier-tracker.js';
import { AfterShipTracker } from './aftership.js';
import { Kuaidi100Tracker } from './kuaidi100.js';
import { RoutedCarrierTracker, TRACKING_PROVIDERS, type TrackingProvider } from './routing.js';
import { SeventeenTrackTracker } from './seventeen-track.js';

/**
 * The carrier trackers of a deployment, from one JSON configuration (CARRIER_TRACKING): which provider serves which
 * carrier, and each provider's endpoint and carrier codes. API keys are secrets, passed in separately.
 *
 *   { "routing": { "default": "aftership", "byCarrier": { "ZTO": "kuaidi100" } },
 *     "providers": { "aftership": { "baseUrl": "https://api.aftership.com/", "codes": { "SF": "sf-express" } } } }
 */
const providerSettings = z.strictObject({
  baseUrl: z.url(),
  codes: z._default(z.record(z.string(), z.union([z.string(), z.number()])), {}),
  /** Kuaidi100's customer id. */
  customer: z.optional(z.string()),
});

export const carrierTrackingSchema = z.strictObject({
  routing: z.unknown(),
  providers: z.partialRecord(z.enum(TRACKING_PROVIDERS), providerSettings),
});

export interface TrackerOptions {
  /** Kuaidi100 push subscription: its callback URL (our /webhooks/carriers/kuaidi100) and salt (its webhook secret). */
  kuaidi100Subscription?: { callbackUrl: string; salt: string };
}

export function trackerFromConfig(json: string, apiKeys: Partial<Record<TrackingProvider, string>>, options: TrackerOptions = {}): RoutedCarrierTracker {
  const parsed = parseCarrierTracking(json);
  const { providers } = parsed;
  const strings = (codes: Record<string, string | number>) => Object.fromEntries(Object.entries(codes).map(([k, v]) => [k, String(v)]));
  const numbers = (codes: Record<string, string | number>) => Object.fromEntries(Object.entries(codes).map(([k, v]) => [k, Number(v)]));
  const trackers: Partial<Record<TrackingProvider, CarrierTracker>> = {};
  const key = (provider: TrackingProvider) => apiKeys[provider] ?? '';
  const codes = (provider: TrackingProvider) => carrierCodesFor(parsed, provider);
  if (providers.aftership) trackers.aftership = new AfterShipTracker({ baseUrl: providers.aftership.baseUrl, apiKey: key('aftership'), slugs: strings(codes('aftership')) });
  if (providers['17track']) {
    trackers['17track'] = new SeventeenTrackTracker({ baseUrl: providers['17track'].baseUrl, apiKey: key('17track'), carriers: numbers(codes('17track')) });
  }
  if (providers.kuaidi100) {
    trackers.kuaidi100 = new Kuaidi100Tracker({
      baseUrl: providers.kuaidi100.baseUrl,
      apiKey: key('kuaidi100'),
      customer: providers.kuaidi100.customer ?? '',
      coms: strings(codes('kuaidi100')),
      ...(options.kuaidi100Subscription ? { subscription: options.kuaidi100Subscription } : {}),
    });
  }
  if (providers.simulator) trackers.simulator = new HttpCarrierTracker(providers.simulator.baseUrl, key('simulator') || undefined);
  return new RoutedCarrierTracker(parsed.routing, trackers);
}

/**
 * Canonical carrier code -> the provider's code: the registry's (functions/domain/carriers.ts), overridden or extended
 * by the deployment's configured `codes` (keys may be any accepted carrier name; they are stored canonical).
 */
export function carrierCodesFor(config: CarrierTrackingConfig, provider: TrackingProvider): Record<string, string | number> {
  const registry = (CARRIER_PROVIDERS as readonly string[]).includes(provider) ? providerCodes(provider as CarrierProvider) : {};
  const configured = Object.entries(config.providers[provider]?.codes ?? {}).map(([name, code]) => [canonicalCarrier(name) ?? name, code] as const);
  return { ...registry, ...Object.fromEntries(configured) };
}

export type CarrierTrackingConfig = z.infer<typeof carrierTrackingSchema>;

/** Validates CARRIER_TRACKING (JSON); throws a readable error at cold start. */
export function parseCarrierTracking(json: string): CarrierTrackingConfig {
  const parsed = carrierTrackingSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(`invalid CARRIER_TRACKING: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return parsed.data;
}

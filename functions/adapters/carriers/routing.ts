// Which tracking provider answers for which carrier (and market): one validated config object, read at cold start.
import * as z from 'zod/mini';
import type { TrackingSnapshot } from '../../domain/carrier-verdict.js';
import { sameCarrier } from '../../domain/carriers.js';
import type { CarrierTracker, RetrackOutcome, TrackingQuery } from '../carrier-tracker.js';

import { TRACKING_PROVIDERS, type TrackingProvider } from './providers.js';

export { TRACKING_PROVIDERS, type TrackingProvider };

const Provider = z.enum(TRACKING_PROVIDERS);
const Rule = z.strictObject({ default: z.optional(Provider), byCarrier: z.optional(z.record(z.string(), Provider)) });

/**
 * `{ default, byCarrier?, byMarket? }`: a carrier code (as the pipeline names it, e.g. "SF") may have its own
 * provider; a market (e.g. "CN") may override both, for all its carriers or per carrier.
 */
export const CarrierRoutingConfigSchema = z.strictObject({
  default: Provider,
  byCarrier: z.optional(z.record(z.string(), Provider)),
  byMarket: z.optional(z.record(z.string(), Rule)),
});
export type CarrierRoutingConfig = z.infer<typeof CarrierRoutingConfigSchema>;

/** Validates the routing config (e.g. parsed from an environment variable); throws a readable error at cold start. */
export function parseCarrierRoutingConfig(input: unknown): CarrierRoutingConfig {
  const parsed = CarrierRoutingConfigSchema.safeParse(typeof input === 'string' ? safeJson(input) : input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid carrier routing config: ${issues}`);
  }
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A lookup that may say which market the shipment belongs to. */
export type RoutedTrackingQuery = TrackingQuery & { market?: string };

/** Picks the provider for the carrier (and market), then asks that provider's tracker. */
export class RoutedCarrierTracker implements CarrierTracker {
  private readonly config: CarrierRoutingConfig;

  constructor(
    config: unknown,
    private readonly trackers: Partial<Record<TrackingProvider, CarrierTracker>>,
  ) {
    this.config = parseCarrierRoutingConfig(config);
    const missing = [...referencedProviders(this.config)].filter((p) => !trackers[p]);
    if (missing.length) throw new Error(`carrier routing names providers without a tracker: ${missing.join(', ')}`);
  }

  providerFor(query: RoutedTrackingQuery): TrackingProvider {
    return routeProvider(this.config, query.carrier, query.market);
  }

  /** Every provider the routing can pick. */
  providers(): TrackingProvider[] {
    return [...referencedProviders(this.config)];
  }

  track(query: RoutedTrackingQuery): Promise<TrackingSnapshot> {
    const { market: _market, ...port } = query;
    return this.trackers[this.providerFor(query)]!.track(port);
  }

  /** Subscribes the number with its provider when that provider needs it (Kuaidi100); false otherwise. */
  async subscribe(query: RoutedTrackingQuery): Promise<boolean> {
    const { market: _market, ...port } = query;
    const tracker = this.trackers[this.providerFor(query)]!;
    return tracker.subscribe ? tracker.subscribe(port) : false;
  }

  /** Asks the number's provider to follow it again (17TRACK retrack); a provider without it refuses. */
  async retrack(query: RoutedTrackingQuery): Promise<RetrackOutcome> {
    const { market: _market, ...port } = query;
    const tracker = this.trackers[this.providerFor(query)]!;
    return tracker.retrack ? tracker.retrack(port) : 'refused';
  }
}

/** The provider for a carrier (and market): the routing alone, no trackers needed (e.g. to file a shipment for polling). */
export function routeProvider(config: CarrierRoutingConfig, carrier: string, marketCode?: string): TrackingProvider {
  const market = marketCode ? lookup(config.byMarket, marketCode) : undefined;
  return lookup(market?.byCarrier, carrier) ?? market?.default ?? lookup(config.byCarrier, carrier) ?? config.default;
}

/** Exact key first, then any name of the same carrier ("sf" or "sf-express" finds "SF"; carrier registry). */
function lookup<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  if (!record) return undefined;
  if (Object.hasOwn(record, key)) return record[key];
  const match = Object.keys(record).find((k) => sameCarrier(k, key));
  return match === undefined ? undefined : record[match];
}

export function referencedProviders(config: CarrierRoutingConfig): Set<TrackingProvider> {
  const all = new Set<TrackingProvider>([config.default, ...Object.values(config.byCarrier ?? {})]);
  for (const rule of Object.values(config.byMarket ?? {})) {
    if (rule.default) all.add(rule.default);
    for (const p of Object.values(rule.byCarrier ?? {})) all.add(p);
  }
  return all;
}

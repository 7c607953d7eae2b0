import { describe, expect, it } from 'vitest';
import type { CarrierTracker, TrackingQuery } from '../../../functions/adapters/carrier-tracker.js';
import { CarrierRoutingConfigSchema, RoutedCarrierTracker, parseCarrierRoutingConfig, type TrackingProvider } from '../../../functions/adapters/carriers/routing.js';

function recording(name: TrackingProvider) {
  const seen: TrackingQuery[] = [];
  const tracker: CarrierTracker = {
    track: async (q) => {
      seen.push(q);
      return { status: 'in_transit', lost: false, lastEventAt: name };
    },
  };
  return { tracker, seen };
}

describe('carrier routing', () => {
  const trackers = { aftership: recording('aftership'), '17track': recording('17track'), kuaidi100: recording('kuaidi100'), simulator: recording('simulator') };
  const all = Object.fromEntries(Object.entries(trackers).map(([k, v]) => [k, v.tracker]));

  it('routes by carrier, falls back to the default, and lets a market override', async () => {
    const routed = new RoutedCarrierTracker(
      { default: 'aftership', byCarrier: { SF: 'kuaidi100', USPS: '17track' }, byMarket: { US: { default: '17track', byCarrier: { SF: 'aftership' } } } },
      all,
    );
    const via = async (q: TrackingQuery & { market?: string }) => (await routed.track(q)).lastEventAt;
    expect(await via({ carrier: 'SF', trackingNumber: '1' })).toBe('kuaidi100');
    expect(await via({ carrier: 'sf', trackingNumber: '1' })).toBe('kuaidi100');
    expect(await via({ carrier: 'DHL', trackingNumber: '1' })).toBe('aftership');
    expect(await via({ carrier: 'USPS', trackingNumber: '1' })).toBe('17track');
    expect(await via({ carrier: 'DHL', trackingNumber: '1', market: 'US' })).toBe('17track');
    expect(await via({ carrier: 'SF', trackingNumber: '1', market: 'US' })).toBe('aftership');
    expect(await via({ carrier: 'SF', trackingNumber: '1', market: 'CN' })).toBe('kuaidi100');
    // The chosen tracker gets the port's query, without the routing-only market.
    expect(trackers['17track'].seen.at(-1)).toEqual({ carrier: 'DHL', trackingNumber: '1' });
  });

  it('validates the configuration at construction, from an object or a JSON string', () => {
    expect(parseCarrierRoutingConfig('{"default":"simulator"}')).toEqual({ default: 'simulator' });
    expect(() => parseCarrierRoutingConfig({ default: 'fedex' })).toThrow(/invalid carrier routing config: default/);
    expect(() => parseCarrierRoutingConfig({ default: 'aftership', byCarrier: { SF: 'ups' } })).toThrow(/byCarrier\.SF/);
    expect(() => parseCarrierRoutingConfig({ default: 'aftership', extra: true })).toThrow(/invalid carrier routing config/);
    expect(() => parseCarrierRoutingConfig('not json')).toThrow(/invalid carrier routing config/);
    expect(CarrierRoutingConfigSchema.safeParse({ default: 'kuaidi100', byMarket: { CN: { byCarrier: { SF: 'kuaidi100' } } } }).success).toBe(true);
  });

  it('refuses a configuration naming a provider that has no tracker', () => {
    expect(() => new RoutedCarrierTracker({ default: 'simulator', byCarrier: { SF: 'kuaidi100' } }, { simulator: trackers.simulator.tracker })).toThrow(
      /providers without a tracker: kuaidi100/,
    );
  });
});

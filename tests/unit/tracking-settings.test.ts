import { afterEach, describe, expect, it } from 'vitest';
import { createMarkets } from '../../functions/domain/markets.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { dePolicy } from '../../functions/policies/de.js';
import { MARKET_REGISTRY } from '../../functions/policies/index.js';
import { trackingSettings } from '../../functions/tracking-wiring.js';

/** Proactive detection is decided per parcel's market (issue 12): its own policy, unless the deployment's switch says. */
describe('tracking settings per market', () => {
  const saved = process.env.PROACTIVE_DETECTION;
  afterEach(() => {
    if (saved === undefined) delete process.env.PROACTIVE_DETECTION;
    else process.env.PROACTIVE_DETECTION = saved;
  });
  // Both shipped policies have it off today: a registry whose DE policy switches it on shows that a DE parcel follows
  // DE's policy, not the default market's.
  const registry = {
    ...MARKET_REGISTRY,
    policies: { ...MARKET_REGISTRY.policies, DE: { ...dePolicy, tracking: { ...dePolicy.tracking!, proactiveDetection: { enabled: true } } } },
  };
  const enabled = { CN: cnPolicy.tracking?.proactiveDetection.enabled ?? false, DE: true };

  it('by policy (no switch, or "policy"): each market its own; a parcel without a market, the default market', () => {
    expect(enabled.CN).not.toBe(enabled.DE);
    for (const flag of [undefined, 'policy']) {
      if (flag === undefined) delete process.env.PROACTIVE_DETECTION;
      else process.env.PROACTIVE_DETECTION = flag;
      const { proactiveEnabled } = trackingSettings(createMarkets(registry, 'CN'));
      expect(proactiveEnabled('CN')).toBe(enabled.CN);
      expect(proactiveEnabled('DE')).toBe(enabled.DE);
      expect(proactiveEnabled()).toBe(enabled.CN);
      expect(trackingSettings(createMarkets(registry, 'DE')).proactiveEnabled()).toBe(enabled.DE);
    }
  });

  it('the deployment switch on or off decides for every market', () => {
    process.env.PROACTIVE_DETECTION = 'on';
    expect(['CN', 'DE'].map(trackingSettings(createMarkets(registry, 'CN')).proactiveEnabled)).toEqual([true, true]);
    process.env.PROACTIVE_DETECTION = 'off';
    expect(['CN', 'DE'].map(trackingSettings(createMarkets(registry, 'CN')).proactiveEnabled)).toEqual([false, false]);
  });
});

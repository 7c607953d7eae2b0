import { describe, expect, it } from 'vitest';
import { trackingSettings as trackingSettingsPiece } from '../../functions/config/pieces.js';
import { configSchema, readConfig } from '../../functions/config/read.js';
import { createMarkets } from '../../functions/domain/markets.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { dePolicy } from '../../functions/policies/de.js';
import { MARKET_REGISTRY } from '../../functions/policies/index.js';
import { trackingSettings as settingsFor } from '../../functions/tracking-wiring.js';

/** The settings as a function with PROACTIVE_DETECTION=`flag` in its environment reads them. */
const trackingSettings = (markets: Parameters<typeof settingsFor>[0], flag?: string) =>
  settingsFor(markets, readConfig(configSchema(trackingSettingsPiece), { PROACTIVE_DETECTION: flag }));

/** Proactive detection is decided per parcel's market (issue 12): its own policy, unless the deployment's switch says. */
describe('tracking settings per market', () => {
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
      const { proactiveEnabled } = trackingSettings(createMarkets(registry, 'CN'), flag);
      expect(proactiveEnabled('CN')).toBe(enabled.CN);
      expect(proactiveEnabled('DE')).toBe(enabled.DE);
      expect(proactiveEnabled()).toBe(enabled.CN);
      expect(trackingSettings(createMarkets(registry, 'DE'), flag).proactiveEnabled()).toBe(enabled.DE);
    }
  });

  it('the deployment switch on or off decides for every market', () => {
    expect(['CN', 'DE'].map(trackingSettings(createMarkets(registry, 'CN'), 'on').proactiveEnabled)).toEqual([true, true]);
    expect(['CN', 'DE'].map(trackingSettings(createMarkets(registry, 'CN'), 'off').proactiveEnabled)).toEqual([false, false]);
  });
});

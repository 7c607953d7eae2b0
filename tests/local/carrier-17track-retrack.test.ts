import { describe, expect, it } from 'vitest';
import { seventeenTrackRoute, type SeventeenTrackRegistry } from '../../local/simulators/carrier-17track.js';

/** The 17TRACK simulator's retrack, as 17TRACK answers it (tests/fixtures/carriers/17track/retrack*.json). */
describe('17TRACK simulator: retrack', () => {
  const ctx = {
    resolve: () => 'known',
    timeline: () => undefined,
    stopped: (number: string) => number.startsWith('SIM-STOPPED-'),
    now: () => new Date('2026-12-04T00:00:00Z'),
  };
  const retrack = (registry: SeventeenTrackRegistry, number: string) =>
    seventeenTrackRoute(ctx, registry, 'retrack', undefined, [{ number, carrier: 100012 }]).body as {
      code: number;
      data: { accepted: unknown[]; rejected: Array<{ number: string; error: { code: number } }> };
    };

  it('restarts a stopped number once; refuses one still followed (-18019904), a second restart (-18019905), an unknown one (-18019902)', () => {
    const registry: SeventeenTrackRegistry = new Map();
    for (const number of ['SIM-STOPPED-TRANSIT-1', 'SIM-TRANSIT-1']) registry.set(number, { number, carrier: 100012, registeredAt: ctx.now() });

    expect(retrack(registry, 'SIM-STOPPED-TRANSIT-1')).toEqual({ code: 0, data: { accepted: [{ number: 'SIM-STOPPED-TRANSIT-1', carrier: 100012 }], rejected: [] } });
    expect(registry.get('SIM-STOPPED-TRANSIT-1')!.retrackedAt).toEqual(ctx.now());
    expect(retrack(registry, 'SIM-STOPPED-TRANSIT-1').data.rejected[0]!.error.code).toBe(-18019905);
    expect(retrack(registry, 'SIM-TRANSIT-1').data.rejected[0]!.error.code).toBe(-18019904);
    expect(retrack(registry, 'SIM-NEVER-REGISTERED').data.rejected[0]!.error.code).toBe(-18019902);
  });
});

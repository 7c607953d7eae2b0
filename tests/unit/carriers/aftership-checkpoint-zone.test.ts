import { describe, expect, it } from 'vitest';
import { afterShipSnapshot, AfterShipTrackingSchema } from '../../../functions/adapters/carriers/aftership.js';
import { checkpointZone, naiveTimeInZone } from '../../../functions/adapters/carriers/checkpoint-zone.js';
import { fixture } from './fake-fetch.js';

describe("AfterShip checkpoint times without an offset are the checkpoint's local time", () => {
  // AfterShip's published tracking sample (API v4 "GET /trackings" example, reproduced in public clients): a DHL
  // checkpoint at "2014-05-12T12:02:00" in "VALENCIA - SPAIN", no offset, no country code. Tracking number and the
  // sample's other fields trimmed; the checkpoint is as published.
  it('reads the published sample in Spain (CEST, +02:00), not as China time', () => {
    const tracking = AfterShipTrackingSchema.parse(fixture('aftership', 'checkpoint-naive-spain'));
    const snapshot = afterShipSnapshot(tracking);
    expect(snapshot.checkpoints![0]!.time).toBe('2014-05-12T10:02:00.000Z');
    expect(snapshot.checkpoints![0]!.time).not.toBe('2014-05-12T04:02:00.000Z'); // what +08:00 would give
  });

  it('picks the zone from the country code, and the state in countries with several zones', () => {
    expect(checkpointZone({ country_region: 'USA', state: 'CA' })).toBe('America/Los_Angeles');
    expect(checkpointZone({ country_region: 'USA', state: 'NY' })).toBe('America/New_York');
    expect(checkpointZone({ country_region: 'USA' })).toBe('America/Chicago');
    expect(checkpointZone({ country_region: 'CHN' })).toBe('Asia/Shanghai');
    expect(checkpointZone({ country_region_name: 'Shanghai, China' })).toBe('Asia/Shanghai');
    expect(checkpointZone({})).toBeUndefined();
  });

  it('applies daylight saving: Los Angeles is -07:00 in July and -08:00 in January', () => {
    expect(naiveTimeInZone('2026-07-01T10:00:00', 'America/Los_Angeles')).toBe('2026-07-01T17:00:00.000Z');
    expect(naiveTimeInZone('2026-01-15T10:00:00', 'America/Los_Angeles')).toBe('2026-01-15T18:00:00.000Z');
    expect(naiveTimeInZone('2026-03-01T10:00:00', 'Asia/Shanghai')).toBe('2026-03-01T02:00:00.000Z');
  });

  it('keeps an explicit offset, and uses the configured fallback only when the checkpoint says nowhere', () => {
    const base = { tracking_number: 'X', tag: 'InTransit' };
    const withOffset = afterShipSnapshot(AfterShipTrackingSchema.parse({ ...base, checkpoints: [{ checkpoint_time: '2026-03-01T10:00:00-05:00', country_region: 'CHN' }] }));
    expect(withOffset.checkpoints![0]!.time).toBe('2026-03-01T15:00:00.000Z');
    const nowhere = afterShipSnapshot(AfterShipTrackingSchema.parse({ ...base, checkpoints: [{ checkpoint_time: '2026-03-01T10:00:00' }] }));
    expect(nowhere.checkpoints![0]!.time).toBe('2026-03-01T02:00:00.000Z');
  });
});

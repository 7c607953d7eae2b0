import { describe, expect, it } from 'vitest';
import { cell, cellValues, COUNTER_SHARDS, monthsBetween, shardOf } from '../../functions/adapters/daily-counters.js';

describe('counter shards', () => {
  it('a case falls in the shard it fell in when the shape shipped (FNV-1a of its id)', () => {
    // A changed hash would lose no count (reports read every shard), but it would be a silent change of the layout.
    expect(['AS-20261205-0001', 'AS-20261205-0002', 'SF#SF1234567890', 'AS-BCN8B6NZPCNK'].map(shardOf)).toEqual([2, 7, 5, 3]);
    expect(COUNTER_SHARDS).toBe(8);
  });

  it('spreads many cases evenly over the shards (each within ±30 % of its share)', () => {
    const counts = new Array<number>(COUNTER_SHARDS).fill(0);
    for (let i = 0; i < 8000; i += 1) counts[shardOf(`AS-2026120${i % 10}-${String(i).padStart(6, '0')}`)]! += 1;
    const share = 8000 / COUNTER_SHARDS;
    for (const n of counts) expect(Math.abs(n - share) / share).toBeLessThan(0.3);
  });

  it('a cell names its month’s shard and keeps any character of a value', () => {
    const key = cell('VOLUME', 'AS-1', 'opened', '2026-12-05', ['return', 'box#crushed 50%']);
    expect(key.pk).toBe(`VOLUME#2026-12#${shardOf('AS-1')}`);
    expect(key.sk).toBe('opened#2026-12-05#return#box%23crushed%2050%25');
    expect(cellValues(key)).toEqual({ day: '2026-12-05', values: ['return', 'box#crushed 50%'] });
  });

  it('months between two days, over a year boundary', () => {
    expect(monthsBetween('2026-11-30', '2027-02-01')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(monthsBetween('2026-12-05', '2026-12-05')).toEqual(['2026-12']);
  });
});

import { describe, expect, it } from 'vitest';
import {
  addCarrier,
  addResolution,
  bucketQuantile,
  emptyCarrier,
  emptyResolution,
  periodsBetween,
  rankScorecard,
  rate,
  resolutionBucket,
  scorecardRow,
  seriesByPeriod,
  serviceWorkingMs,
  summarizeResolution,
} from '../../functions/domain/reports.js';
import { cnCalendar, createCnCalendar } from '../../functions/domain/cn-calendar.js';

const DAY = 86_400_000;

describe('reports: resolution buckets and summary', () => {
  it('puts a working time in the bucket of the first bound it does not exceed', () => {
    expect(resolutionBucket(0)).toBe('le1');
    expect(resolutionBucket(DAY)).toBe('le1');
    expect(resolutionBucket(DAY + 1)).toBe('le2');
    expect(resolutionBucket(6.5 * DAY)).toBe('le7');
    expect(resolutionBucket(7 * DAY)).toBe('le7');
    expect(resolutionBucket(30 * DAY)).toBe('le30');
    expect(resolutionBucket(31 * DAY)).toBe('over');
  });

  it('reads the median and p90 as bucket upper bounds; null above the last bound; absent without data', () => {
    const c = emptyResolution();
    c.buckets.le1 = 2;
    c.buckets.le3 = 2;
    c.buckets.le7 = 5;
    c.buckets.over = 1;
    expect(bucketQuantile(c.buckets, 0.5)).toBe(7);
    expect(bucketQuantile(c.buckets, 0.4)).toBe(3);
    expect(bucketQuantile(c.buckets, 1)).toBeNull();
    expect(bucketQuantile(emptyResolution().buckets, 0.5)).toBeUndefined();
  });

  it('summarizes: share within the limit, mean over measured resolutions only', () => {
    const a = emptyResolution();
    Object.assign(a, { resolved: 3, withinLimit: 2, workingMs: 6 * DAY, unmeasured: 1 });
    a.buckets.le3 = 1;
    a.buckets.le5 = 1;
    const b = emptyResolution();
    Object.assign(b, { resolved: 1, withinLimit: 1, workingMs: 0.5 * DAY });
    b.buckets.le1 = 1;
    const s = summarizeResolution(addResolution(a, b));
    expect(s).toMatchObject({ resolved: 4, withinLimit: 3, shareWithinLimit: 0.75, meanWorkingDays: 2.2, unmeasured: 1, medianWorkingDaysAtMost: 3, p90WorkingDaysAtMost: 5 });
    expect(summarizeResolution(emptyResolution())).toMatchObject({ resolved: 0, shareWithinLimit: null, meanWorkingDays: null });
    expect(summarizeResolution(emptyResolution())).not.toHaveProperty('medianWorkingDaysAtMost');
  });
});

describe('reports: carrier scorecard', () => {
  it('rates are confirmed claims over shipments; claim rates count every claim; no shipments gives null, not 0', () => {
    const c = emptyCarrier();
    c.shipments = 400;
    c.claims.damaged = 3;
    c.confirmed.damaged = 2;
    c.claims.lost = 1;
    const row = scorecardRow('SF', c);
    expect(row.rates).toEqual({ damaged: 0.005, lost: 0, delayed: 0 });
    expect(row.claimRates).toEqual({ damaged: 0.0075, lost: 0.0025, delayed: 0 });
    const none = emptyCarrier();
    none.claims.lost = 1;
    expect(scorecardRow('JD', none).rates).toEqual({ damaged: null, lost: null, delayed: null });
  });

  it('adds counters and ranks the worst carrier first', () => {
    const sf = addCarrier(emptyCarrier(), { shipments: 100, claims: { damaged: 1, lost: 0, delayed: 0 }, confirmed: { damaged: 1, lost: 0, delayed: 0 } });
    const zto = { shipments: 100, claims: { damaged: 0, lost: 3, delayed: 0 }, confirmed: { damaged: 0, lost: 3, delayed: 0 } };
    const ranked = rankScorecard([scorecardRow('SF', sf), scorecardRow('ZTO', zto), scorecardRow('EMS', emptyCarrier())]);
    expect(ranked.map((r) => r.carrier)).toEqual(['ZTO', 'SF', 'EMS']);
  });

  it('rate() rounds to 4 digits', () => {
    expect(rate(1, 3)).toBe(0.3333);
    expect(rate(0, 0)).toBeNull();
  });
});

describe('reports: periods and series', () => {
  it('lists every day or month of the range, across a year end', () => {
    expect(periodsBetween('2026-12-30', '2027-01-02', 'day')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(periodsBetween('2026-11-15', '2027-01-02', 'month')).toEqual(['2026-11', '2026-12', '2027-01']);
  });

  it('sums counts per key and period, with zeros for empty periods, largest key first; days outside the range are dropped', () => {
    const { periods, series } = seriesByPeriod(
      [
        { day: '2026-11-01', key: 'return', count: 2 },
        { day: '2026-11-03', key: 'return', count: 1 },
        { day: '2026-11-03', key: 'lost', count: 5 },
        { day: '2026-10-31', key: 'lost', count: 9 },
      ],
      '2026-11-01',
      '2026-11-03',
      'day',
    );
    expect(periods).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(series).toEqual([
      { key: 'lost', total: 5, values: [0, 0, 5] },
      { key: 'return', total: 3, values: [2, 0, 1] },
    ]);
  });
});

describe('reports: working time a service took', () => {
  it('counts working days only (the Dragon Boat holiday on Monday 2 June 2025 is not one) and leaves out paused working time', () => {
    // Friday 30 May 10:00 to Wednesday 4 June 10:00 Shanghai: Fri 14 h, Tue 24 h, Wed 10 h (Sat-Mon are rest days).
    const sla = { startedAt: '2025-05-30T02:00:00Z', pauses: [] };
    expect(serviceWorkingMs(sla, '2025-06-04T02:00:00Z', cnCalendar)! / 3_600_000).toBe(48);
    // Paused Tuesday 12:00 to Wednesday 08:00: 12 h of Tuesday and 8 h of Wednesday do not count.
    const paused = { ...sla, pauses: [{ from: '2025-06-03T04:00:00Z', to: '2025-06-04T00:00:00Z' }] };
    expect(serviceWorkingMs(paused, '2025-06-04T02:00:00Z', cnCalendar)! / 3_600_000).toBe(28);
  });

  it('is unknown (not a guess) where the calendar has no data', () => {
    const dataOnly = createCnCalendar([], { provisionalYears: 0 });
    expect(serviceWorkingMs({ startedAt: '2026-12-28T02:00:00Z', pauses: [] }, '2027-01-05T02:00:00Z', dataOnly)).toBeUndefined();
  });
});

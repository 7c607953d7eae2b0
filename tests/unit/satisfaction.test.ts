import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../functions/domain/policy.js';
import { addCounts, change, emptyCounts, needsFollowUp, previousPeriod, summarize, type SatisfactionCounts } from '../../functions/domain/satisfaction.js';
import { cnPolicy } from '../../functions/policies/cn.js';

/** Counters as the store adds them up: one entry per answer, scores the answer gave (undefined = not answered). */
function countsOf(invited: number, answers: Array<{ overall: number; speed?: number; resolution?: number; attitude?: number }>): SatisfactionCounts {
  const c = emptyCounts();
  c.invited = invited;
  for (const a of answers) {
    c.answered += 1;
    c.overallHistogram[a.overall - 1]! += 1;
    for (const score of ['overall', 'speed', 'resolution', 'attitude'] as const) {
      const value = a[score];
      if (value === undefined) continue;
      c.sums[score] += value;
      c.counts[score] += 1;
    }
  }
  return c;
}

describe('needsFollowUp (policy survey.followUpAtOrBelow)', () => {
  it.each([
    [1, true],
    [2, true],
    [3, false],
    [5, false],
  ])('CN: overall %d → follow-up %s', (overall, expected) => {
    expect(needsFollowUp(overall, cnPolicy.survey)).toBe(expected);
  });

  it('0 turns follow-ups off', () => {
    expect(needsFollowUp(1, { followUpAtOrBelow: 0 })).toBe(false);
  });

  it('the policy refuses a threshold outside 0-5 or a missing survey section', () => {
    expect(() => parsePolicy({ ...cnPolicy, survey: { followUpAtOrBelow: 6 } })).toThrow(/survey\.followUpAtOrBelow/);
    expect(() => parsePolicy({ ...cnPolicy, survey: { followUpAtOrBelow: 2, extra: 1 } })).toThrow(/unknown field/);
    const { survey: _survey, ...withoutSurvey } = cnPolicy;
    expect(() => parsePolicy(withoutSurvey)).toThrow(/survey/);
    expect(parsePolicy(cnPolicy).survey).toEqual({ followUpAtOrBelow: 2 });
  });
});

describe('summarize', () => {
  it('averages each score over the answers that gave it, and the response rate over the invitations', () => {
    const summary = summarize(countsOf(4, [{ overall: 5, speed: 4 }, { overall: 2, speed: 1, attitude: 3 }, { overall: 4 }]));
    expect(summary).toEqual({
      invited: 4,
      answered: 3,
      responseRate: 0.75,
      averages: { overall: 3.67, speed: 2.5, resolution: null, attitude: 3 },
      answers: { overall: 3, speed: 2, resolution: 0, attitude: 1 },
      overallDistribution: { '1': 0, '2': 1, '3': 0, '4': 1, '5': 1 },
    });
  });

  it('without invitations or answers: nulls, never NaN or a division by zero', () => {
    expect(summarize(emptyCounts())).toMatchObject({ responseRate: null, averages: { overall: null, speed: null, resolution: null, attitude: null } });
  });
});

describe('change against the previous period', () => {
  it('is the absolute difference of the averages and the response rates, from the unrounded values', () => {
    const now = countsOf(3, [{ overall: 4, speed: 5 }, { overall: 5 }]);
    const before = countsOf(4, [{ overall: 2, speed: 3 }, { overall: 3 }, { overall: 4 }]);
    // Rate 2/3 - 3/4; overall 4.5 - 3; speed 5 - 3.
    expect(change(now, before)).toEqual({ responseRate: -0.083, averages: { overall: 1.5, speed: 2, resolution: null, attitude: null } });
  });

  it('is null where either period has nothing to compare', () => {
    expect(change(countsOf(2, [{ overall: 3 }]), emptyCounts())).toEqual({ responseRate: null, averages: { overall: null, speed: null, resolution: null, attitude: null } });
  });
});

describe('addCounts', () => {
  it('adds every counter, the histogram too', () => {
    const total = addCounts(countsOf(2, [{ overall: 1, speed: 2 }]), countsOf(3, [{ overall: 5, resolution: 4 }]));
    expect(total).toEqual(
      countsOf(5, [
        { overall: 1, speed: 2 },
        { overall: 5, resolution: 4 },
      ]),
    );
  });
});

describe('previousPeriod', () => {
  it.each([
    ['2026-11-10', '2026-11-16', '2026-11-03', '2026-11-09'],
    ['2026-03-01', '2026-03-31', '2026-01-29', '2026-02-28'],
    ['2026-01-01', '2026-01-01', '2025-12-31', '2025-12-31'],
    ['2024-03-01', '2024-03-02', '2024-02-28', '2024-02-29'],
  ])('%s..%s follows %s..%s, of the same length', (from, to, prevFrom, prevTo) => {
    expect(previousPeriod(from, to)).toEqual({ from: prevFrom, to: prevTo });
  });
});

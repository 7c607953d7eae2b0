/**
 * The service clock (functions/domain/sla.ts), the first-response target and pause rules, on fixed dates and the CN
 * calendar: due times by type and urgency, pauses that move them by the working time paused, the monitor's verdicts.
 */
import { describe, expect, it } from 'vitest';
import { CASE_TYPES } from '../../functions/domain/case.js';
import { cnCalendar } from '../../functions/domain/cn-calendar.js';
import { pauseRefusal } from '../../functions/domain/pause.js';
import { firstResponseVerdict } from '../../functions/domain/response-target.js';
import {
  clockVerdict,
  closeServiceSla,
  dueSoonHorizon,
  expectedDueAfterPause,
  resumeServiceSla,
  slaServiceFor,
  startServiceSla,
  type ServiceSla,
} from '../../functions/domain/sla.js';
import { cnPolicy } from '../../functions/policies/cn.js';

const sh = (local: string) => new Date(`${local}+08:00`);
const endOfShanghaiDay = (date: string) => new Date(`${date}T23:59:59.999+08:00`).toISOString();
const HOUR = 3_600_000;
const start = (type: (typeof CASE_TYPES)[number], expedited: boolean, startedAt: Date, paused = false) =>
  startServiceSla({ type, expedited, startedAt, paused }, cnPolicy, cnCalendar);

describe('slaServiceFor: which limit, counted from when (docs/sla.md)', () => {
  it.each([
    ['return', 'return', 'arrival'],
    ['quality', 'return', 'arrival'],
    ['exchange', 'exchange', 'arrival'],
    ['repair', 'repair', 'arrival'],
    ['damaged', 'return', 'acceptance'],
    ['lost', 'return', 'acceptance'],
    ['delayed', 'return', 'acceptance'],
    ['missing_part', 'return', 'acceptance'],
  ] as const)('%s → %s limits from %s', (type, service, startsAt) => {
    expect(slaServiceFor(type)).toEqual({ service, startsAt });
  });

  it('covers every case type', () => {
    expect(CASE_TYPES.map((type) => slaServiceFor(type).service).every(Boolean)).toBe(true);
  });
});

describe('startServiceSla: n working days after the start, Asia/Shanghai (000 §5)', () => {
  // Start: Thursday 2026-11-12 14:30 in Shanghai. Working days after it: Fri 13, Mon 16 … (no holidays in Nov/Dec 2026).
  const startedAt = sh('2026-11-12T14:30:00');

  it.each([
    ['return', false, 7, '2026-11-23'],
    ['return', true, 3, '2026-11-17'],
    ['quality', false, 7, '2026-11-23'],
    ['exchange', false, 15, '2026-12-03'],
    ['exchange', true, 7, '2026-11-23'],
    ['repair', false, 20, '2026-12-10'],
    ['repair', true, 10, '2026-11-26'],
    ['damaged', false, 7, '2026-11-23'],
    ['lost', true, 3, '2026-11-17'],
  ] as const)('%s (expedited: %s): %d working days, due at the end of %s', (type, expedited, workingDays, day) => {
    const sla = start(type, expedited, startedAt);
    expect(sla).toMatchObject({ state: 'running', workingDays, expedited, startedAt: startedAt.toISOString(), pauses: [], pausedWorkingMs: 0 });
    expect(sla.dueAt).toBe(endOfShanghaiDay(day));
    expect(sla.baseDueAt).toBe(sla.dueAt);
  });

  it('extends over National Day 2025 and counts the make-up Saturday (000 §5.1.2)', () => {
    // Arrival Tue 2025-09-30: Oct 9, 10, 11 (make-up Saturday), 13, 14, 15, 16.
    expect(start('return', false, sh('2025-09-30T11:00:00')).dueAt).toBe(endOfShanghaiDay('2025-10-16'));
  });

  it('extends over Spring Festival 2026', () => {
    // Arrival Thu 2026-02-12: Feb 13, 14 (make-up Saturday), 24.
    expect(start('return', true, sh('2026-02-12T16:00:00')).dueAt).toBe(endOfShanghaiDay('2026-02-24'));
  });

  it('starts from the Shanghai day of an arrival late in the UTC day', () => {
    // 2026-11-12T17:00Z is Friday 01:00 in Shanghai: three working days later is Wednesday, not Tuesday.
    expect(start('return', true, new Date('2026-11-12T17:00:00Z')).dueAt).toBe(endOfShanghaiDay('2026-11-18'));
  });

  it('reads the limits from the policy it is given', () => {
    const policy = { ...cnPolicy, serviceLimits: { ...cnPolicy.serviceLimits, return: { standard: 1, expedited: 1 } } };
    expect(startServiceSla({ type: 'return', expedited: false, startedAt, paused: false }, policy, cnCalendar).dueAt).toBe(endOfShanghaiDay('2026-11-13'));
  });

  it('is unknown, with the reason, when the due time lies beyond the calendar’s horizon (never a guessed date)', () => {
    const sla = start('return', false, sh('2028-12-28T10:00:00'));
    expect(sla).toMatchObject({ state: 'unknown', unknownReason: "due date unknown: beyond the calendar's horizon 2028-12-31", workingDays: 7 });
    expect(sla.dueAt).toBeUndefined();
    expect(sla.baseDueAt).toBeUndefined();
  });

  it('stands still from the start when the case is already paused', () => {
    expect(start('return', false, startedAt, true)).toMatchObject({ state: 'paused', dueAt: endOfShanghaiDay('2026-11-23') });
  });
});

describe('resumeServiceSla: due later by the working time paused', () => {
  const running = start('return', false, sh('2026-11-12T14:30:00')); // due end of Mon 2026-11-23

  it('a pause over a weekend costs nothing', () => {
    const resumed = resumeServiceSla({ ...running, state: 'paused' }, sh('2026-11-14T09:00:00'), sh('2026-11-15T20:00:00'), cnCalendar);
    expect(resumed).toMatchObject({ state: 'running', dueAt: running.dueAt, pausedWorkingMs: 0 });
    expect(resumed.pauses).toEqual([{ from: sh('2026-11-14T09:00:00').toISOString(), to: sh('2026-11-15T20:00:00').toISOString() }]);
  });

  it('a pause of one working day (Monday 10:00 to Tuesday 10:00) moves the due time one working day', () => {
    const resumed = resumeServiceSla({ ...running, state: 'paused' }, sh('2026-11-16T10:00:00'), sh('2026-11-17T10:00:00'), cnCalendar);
    expect(resumed).toMatchObject({ state: 'running', pausedWorkingMs: 24 * HOUR, dueAt: endOfShanghaiDay('2026-11-24'), baseDueAt: running.dueAt });
  });

  it('a pause from Friday 18:00 to Monday 09:00 moves it 15 working hours', () => {
    const resumed = resumeServiceSla({ ...running, state: 'paused' }, sh('2026-11-13T18:00:00'), sh('2026-11-16T09:00:00'), cnCalendar);
    expect(resumed.pausedWorkingMs).toBe(15 * HOUR);
    expect(resumed.dueAt).toBe(sh('2026-11-24T14:59:59.999').toISOString());
  });

  it('adds up several pauses, and a pause that began before the clock counts only from its start', () => {
    const clock = start('return', false, sh('2026-11-16T12:00:00')); // Monday noon
    const first = resumeServiceSla({ ...clock, state: 'paused' }, sh('2026-11-16T08:00:00'), sh('2026-11-16T14:00:00'), cnCalendar);
    expect(first.pausedWorkingMs).toBe(2 * HOUR);
    const second = resumeServiceSla({ ...first, state: 'paused' }, sh('2026-11-17T00:00:00'), sh('2026-11-18T00:00:00'), cnCalendar);
    expect(second.pausedWorkingMs).toBe(26 * HOUR);
    expect(second.pauses).toHaveLength(2);
  });

  it('a pause over National Day 2025 moves the due time past the break', () => {
    const clock = start('return', true, sh('2025-09-26T10:00:00')); // Sep 28, 29, 30 → due end of Sep 30
    expect(clock.dueAt).toBe(endOfShanghaiDay('2025-09-30'));
    const resumed = resumeServiceSla({ ...clock, state: 'paused' }, sh('2025-09-30T00:00:00'), sh('2025-10-09T12:00:00'), cnCalendar);
    // Paused: all of Sep 30 and half of Oct 9 = 36 working hours, added after the break: Oct 9 and half of Oct 10.
    expect(resumed.pausedWorkingMs).toBe(36 * HOUR);
    expect(resumed.dueAt).toBe(sh('2025-10-10T11:59:59.999').toISOString());
  });

  it('keeps a breach already recorded, and a finished clock as it is', () => {
    expect(resumeServiceSla({ ...running, state: 'paused', breachedAt: '2026-11-24T00:00:00.000Z' }, sh('2026-11-25T10:00:00'), sh('2026-11-25T11:00:00'), cnCalendar).state).toBe(
      'breached',
    );
    const met: ServiceSla = { ...running, state: 'met', metAt: '2026-11-20T00:00:00.000Z' };
    expect(resumeServiceSla(met, sh('2026-11-25T10:00:00'), sh('2026-11-25T11:00:00'), cnCalendar)).toBe(met);
  });

  it('is provisional when the pause ends in a predicted year, unknown beyond the calendar’s horizon', () => {
    expect(resumeServiceSla({ ...running, state: 'paused' }, sh('2026-11-20T10:00:00'), sh('2027-01-04T10:00:00'), cnCalendar)).toMatchObject({
      state: 'running',
      provisional: true,
      provisionalFrom: '2027-01-01',
    });
    expect(resumeServiceSla({ ...running, state: 'paused' }, sh('2026-11-20T10:00:00'), sh('2029-01-04T10:00:00'), cnCalendar)).toMatchObject({
      state: 'unknown',
      unknownReason: "due date unknown: beyond the calendar's horizon 2028-12-31",
    });
  });

  it('expectedDueAfterPause: the due time the customer is told if the pause ends as expected', () => {
    expect(expectedDueAfterPause(running, sh('2026-11-16T10:00:00'), sh('2026-11-18T10:00:00'), cnCalendar)).toBe(endOfShanghaiDay('2026-11-25'));
  });
});

describe('dueSoonHorizon: due soon = less than the policy’s warning (1 working day) left', () => {
  it('Friday 10:00 → Monday 10:00', () => {
    expect(dueSoonHorizon(sh('2026-11-20T10:00:00'), cnPolicy, cnCalendar)).toBe(sh('2026-11-23T10:00:00').toISOString());
  });

  it('is undefined when the warning reaches past the calendar’s horizon (every computable due time is within it)', () => {
    expect(dueSoonHorizon(sh('2026-12-31T10:00:00'), cnPolicy, cnCalendar)).toBe(sh('2027-01-04T10:00:00').toISOString()); // over New Year, by rule
    expect(dueSoonHorizon(sh('2028-12-29T10:00:00'), cnPolicy, cnCalendar)).toBeUndefined();
  });
});

describe('clockVerdict: what the monitor does with a clock it found', () => {
  const sla = start('return', false, sh('2026-11-12T14:30:00'));
  const due = sla.dueAt!;
  const open = { status: 'compensating', sla };

  it.each([
    ['no case or no clock', undefined, sh('2026-11-20T10:00:00'), 'stopped'],
    ['the platform confirmed the remedy', { ...open, compensation: { status: 'completed', completedAt: '2026-11-20T00:00:00.000Z' } }, sh('2026-11-24T10:00:00'), 'met'],
    ['closed without a remedy', { ...open, status: 'closed' }, sh('2026-11-24T10:00:00'), 'stopped'],
    ['paused', { ...open, pause: { since: 'x' } }, sh('2026-11-24T10:00:00'), 'skip'],
    ['moved since the index was read', { ...open, sla: { ...sla, dueAt: '2026-11-30T15:59:59.999Z' } }, sh('2026-11-24T10:00:00'), 'skip'],
    ['past due', open, sh('2026-11-24T00:00:00'), 'breached'],
    ['within the warning', open, sh('2026-11-23T09:00:00'), 'due_soon'],
    ['not yet: more than a working day left', open, sh('2026-11-20T09:00:00'), 'not_yet'],
  ] as const)('%s → %s', (_what, record, now, verdict) => {
    expect(clockVerdict(record as never, due, now, dueSoonHorizon(now, cnPolicy, cnCalendar))).toBe(verdict);
  });

  it('due soon whatever the time left when the warning reaches past the calendar’s data', () => {
    expect(clockVerdict(open, due, sh('2026-11-20T09:00:00'), undefined)).toBe('due_soon');
  });
});

describe('closeServiceSla: a closing case’s clock', () => {
  const sla = start('return', false, sh('2026-11-12T14:30:00'));
  const now = sh('2026-11-30T10:00:00');

  it('is stopped without a confirmed remedy, met with one; late counts as a breach', () => {
    expect(closeServiceSla(sla, undefined, undefined, now)).toMatchObject({ state: 'stopped' });
    expect(closeServiceSla(sla, undefined, { status: 'completed', completedAt: '2026-11-20T02:00:00.000Z' }, now)).toMatchObject({
      state: 'met',
      metAt: '2026-11-20T02:00:00.000Z',
    });
    expect(closeServiceSla(sla, undefined, { status: 'completed', completedAt: '2026-11-20T02:00:00.000Z' }, now).breachedAt).toBeUndefined();
    expect(closeServiceSla(sla, undefined, { status: 'completed', completedAt: '2026-11-25T02:00:00.000Z' }, now)).toMatchObject({
      state: 'met',
      breachedAt: '2026-11-25T02:00:00.000Z',
    });
  });

  it('ends a pause still running, and leaves a finished clock alone', () => {
    expect(closeServiceSla({ ...sla, state: 'paused' }, { since: '2026-11-29T00:00:00.000Z' }, undefined, now).pauses).toEqual([
      { from: '2026-11-29T00:00:00.000Z', to: now.toISOString() },
    ]);
    const met: ServiceSla = { ...sla, state: 'met' };
    expect(closeServiceSla(met, undefined, undefined, now)).toBe(met);
  });
});

describe('firstResponseVerdict: the internal first-response target', () => {
  const dueAt = '2026-11-20T10:00:00.000Z';
  it.each([
    ['answered by the policy in time', { status: 'in_review', decision: { decision: 'approve', at: '2026-11-20T09:00:00.000Z' } }, '2026-11-20T11:00:00.000Z', 'met'],
    [
      'a request for evidence is an answer',
      { status: 'awaiting_evidence', decision: { decision: 'needs_evidence', at: '2026-11-20T09:00:00.000Z' } },
      '2026-11-20T11:00:00.000Z',
      'met',
    ],
    ['sent to an operator, not decided', { status: 'awaiting_review', decision: { decision: 'manual', at: '2026-11-20T09:00:00.000Z' } }, '2026-11-20T11:00:00.000Z', 'missed'],
    ['decided after the target', { status: 'in_review', decision: { decision: 'approve', at: '2026-11-20T10:30:00.000Z' } }, '2026-11-20T11:00:00.000Z', 'missed'],
    ['not due yet', { status: 'received' }, '2026-11-20T09:59:59.000Z', 'not_yet'],
    ['closed unanswered (withdrawn, duplicate)', { status: 'closed' }, '2026-11-20T11:00:00.000Z', 'stopped'],
    ['no case', undefined, '2026-11-20T11:00:00.000Z', 'stopped'],
  ] as const)('%s → %s', (_what, record, now, verdict) => {
    expect(firstResponseVerdict(record, dueAt, new Date(now))).toBe(verdict);
  });
});

describe('pauseRefusal', () => {
  const pause = { since: '2026-11-20T10:00:00.000Z', reason: 'awaiting_parts' as const, count: 1 };
  it.each([
    [{ status: 'compensating' }, 'pause', undefined],
    [{ status: 'needs_attention' }, 'pause', undefined],
    [{ status: 'closed' }, 'pause', 'case_closed'],
    [{ status: 'compensating', pause }, 'pause', 'already_paused'],
    [{ status: 'compensating', pause }, 'resume', undefined],
    [{ status: 'compensating' }, 'resume', 'not_paused'],
    [{ status: 'closed', pause }, 'resume', 'case_closed'],
  ] as const)('%o %s → %s', (record, action, refusal) => {
    expect(pauseRefusal(record, action)).toBe(refusal);
  });
});

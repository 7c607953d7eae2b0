import type { CaseType } from './case.js';
import type { AftersalesPolicy } from './policy.js';
import { serviceFor } from './service-limits.js';
import { addCalendarDays, addWorkingDays, CalendarDataMissing, endOfLocalDay, localDateOf, watchedCalendar, type WorkingDayCalendar } from './working-days.js';
import { addWorkingTime, workingTimeBetween } from './working-time.js';

/**
 * The service clock of a case (000 §5, docs/sla.md): n working days, standard or expedited, from the item's arrival
 * at the service center, or from the case's acceptance for types with no return leg. Paused time does not count.
 * Everything here is derived from stored facts (start, limit, pause intervals), so a due time can be recomputed
 * exactly, e.g. once a missing calendar year is added to the policy.
 */
export type SlaService = 'return' | 'exchange' | 'repair';
export type SlaState = 'running' | 'due_soon' | 'breached' | 'paused' | 'met' | 'stopped' | 'unknown';
/** The states the due index lists (gsi2pk `SLA#<state>`). */
export const INDEXED_SLA_STATES = ['running', 'due_soon', 'breached', 'unknown'] as const;
export type IndexedSlaState = (typeof INDEXED_SLA_STATES)[number];
/**
 * The SLA lists operators read (gsi2pk `SLA#<state>`): the due index's states plus `paused`, a partition of its own by
 * pause start (no due time while paused). Only INDEXED_SLA_STATES are ever swept by the SLA monitor.
 */
export const SLA_LIST_STATES = [...INDEXED_SLA_STATES, 'paused'] as const;
export type SlaListState = (typeof SLA_LIST_STATES)[number];

/** A clock's place in the due index: its partition (gsi2pk `SLA#<state>`) and the time it is sorted by. */
export interface IndexPlace {
  state: SlaListState;
  at: string;
}

/**
 * SLA-INDEX-1: where a clock belongs in the due index (docs/sla.md): by due time, or by start while unknown; on the
 * paused list by the pause's start while paused; nowhere once met or stopped (the monitor has nothing left to watch).
 */
export function slaIndexPlace(sla: ServiceSla | undefined, pause: { since: string } | undefined): IndexPlace | undefined {
  if (!sla || sla.state === 'met' || sla.state === 'stopped') return undefined;
  if (pause) return { state: 'paused', at: pause.since };
  if (sla.state === 'unknown') return { state: 'unknown', at: sla.startedAt };
  if ((sla.state === 'running' || sla.state === 'due_soon' || sla.state === 'breached') && sla.dueAt) return { state: sla.state, at: sla.dueAt };
  return undefined;
}

export interface ServiceSla {
  service: SlaService;
  startsAt: 'arrival' | 'acceptance';
  startedAt: string;
  expedited: boolean;
  workingDays: number;
  state: SlaState;
  /** Finished pauses, in order (the current one is the case's `pause`). */
  pauses: Array<{ from: string; to: string }>;
  /**
   * The latest the law allows, whatever the limit and any pause: a withdrawal's refund (policy `withdrawal`), due
   * `refundWithinDays` after the withdrawal or at the end of the item's arrival day if later. Both due times below are
   * capped at it.
   */
  statutoryDueAt?: string;
  /** Without pauses, and with them (the case's `dueAt`); absent while the calendar cannot tell. */
  baseDueAt?: string;
  dueAt?: string;
  pausedWorkingMs?: number;
  /** When the monitor found the case due soon, found it breached, or saw the service done. */
  dueSoonAt?: string;
  breachedAt?: string;
  metAt?: string;
  /** Why there is no due time, e.g. "due date unknown: beyond the calendar's horizon 2028-12-31". */
  unknownReason?: string;
  /**
   * The due time counts days the calendar predicted by rule (statutory holidays, no make-up working days) because
   * their year is not published yet; from `provisionalFrom` on. Recomputed when the year is added to the policy.
   */
  provisional?: true;
  provisionalFrom?: string;
}

/**
 * Which limit applies and from when. Returns, quality claims, exchanges and repairs count from the item's arrival
 * (000 §5.1, docs/domain.md). Damaged, lost, late and incomplete parcels have no return leg to wait for: their clock runs
 * from acceptance with the `return` limits (review + refund), the nearest service the plan defines (docs/sla.md).
 */
export function slaServiceFor(type: CaseType): { service: SlaService; startsAt: 'arrival' | 'acceptance' } {
  const service = serviceFor(type);
  return service ? { service, startsAt: 'arrival' } : { service: 'return', startsAt: 'acceptance' };
}

/**
 * The due times of a clock from its facts; throws CalendarDataMissing when the calendar cannot tell. `provisionalFrom`
 * is set when the computation used days the calendar only predicts (the first of them).
 */
export function computeDue(sla: Pick<ServiceSla, 'startedAt' | 'workingDays' | 'pauses' | 'statutoryDueAt'>, calendar: WorkingDayCalendar) {
  const watched = watchedCalendar(calendar);
  const startedAt = new Date(sla.startedAt);
  const baseDueAt = addWorkingDays(startedAt, sla.workingDays, watched.calendar);
  const pausedWorkingMs = sla.pauses.reduce(
    // A pause that began before the clock started counts only from the start.
    (sum, p) => sum + workingTimeBetween(new Date(Math.max(Date.parse(p.from), startedAt.getTime())), new Date(p.to), watched.calendar),
    0,
  );
  const dueAt = addWorkingTime(baseDueAt, pausedWorkingMs, watched.calendar);
  const provisionalFrom = watched.provisionalFrom();
  const capped = (due: Date) => (sla.statutoryDueAt && due.toISOString() > sla.statutoryDueAt ? sla.statutoryDueAt : due.toISOString());
  return { baseDueAt: capped(baseDueAt), dueAt: capped(dueAt), pausedWorkingMs, ...(provisionalFrom ? { provisionalFrom } : {}) };
}

/**
 * `sla` with its due times recomputed: provisional (flag and first predicted day) when they rely on predicted days,
 * or marked unknown (state and reason) when the calendar cannot tell at all.
 */
export function withDue(sla: ServiceSla, calendar: WorkingDayCalendar, running: SlaState): ServiceSla {
  const { unknownReason: _u, provisional: _p, provisionalFrom: _f, baseDueAt: _b, dueAt: _d, ...rest } = sla;
  try {
    const { provisionalFrom, ...due } = computeDue(sla, calendar);
    return { ...rest, ...due, state: running, ...(provisionalFrom ? { provisional: true as const, provisionalFrom } : {}) };
  } catch (error) {
    if (!(error instanceof CalendarDataMissing)) throw error;
    const horizon = error.provisionalThrough ?? error.covers.to;
    const unknownReason =
      error.date < error.covers.from ? `due date unknown: calendar data starts ${error.covers.from}` : `due date unknown: beyond the calendar's horizon ${horizon}`;
    return { ...rest, state: 'unknown', unknownReason };
  }
}

/** A new clock. Started while the case is paused, it stands still until the resume. */
export function startServiceSla(
  input: { type: CaseType; expedited: boolean; startedAt: Date; paused: boolean; withdrawnAt?: Date },
  policy: AftersalesPolicy,
  calendar: WorkingDayCalendar,
): ServiceSla {
  const { service, startsAt } = slaServiceFor(input.type);
  const limits = policy.serviceLimits[service];
  const workingDays = input.expedited ? limits.expedited : limits.standard;
  const statutoryDueAt = withdrawalRefundDue(input, policy, calendar.timeZone);
  const sla: ServiceSla = {
    service,
    startsAt,
    startedAt: input.startedAt.toISOString(),
    expedited: input.expedited,
    workingDays,
    state: 'running',
    pauses: [],
    ...(statutoryDueAt ? { statutoryDueAt } : {}),
  };
  const computed = withDue(sla, calendar, 'running');
  // Paused even when unknown: the resume recomputes it either way.
  return input.paused ? { ...computed, state: 'paused' } : computed;
}

/**
 * When a withdrawal's refund is due by law (policy `withdrawal.refundWithinDays`): the end of the local day that many
 * days after the withdrawal (the case's acceptance, `withdrawnAt`), or of the item's arrival day if that is later (the
 * refund may wait for the item). Undefined for anything but a no-reason return in a market with a withdrawal right.
 */
export function withdrawalRefundDue(input: { type: CaseType; startedAt: Date; withdrawnAt?: Date }, policy: AftersalesPolicy, timeZone: string): string | undefined {
  if (input.type !== 'return' || !policy.withdrawal || !input.withdrawnAt) return undefined;
  const byWithdrawal = endOfLocalDay(addCalendarDays(localDateOf(input.withdrawnAt, timeZone), policy.withdrawal.refundWithinDays), timeZone);
  const byArrival = endOfLocalDay(localDateOf(input.startedAt, timeZone), timeZone);
  return new Date(Math.max(byArrival.getTime(), byWithdrawal.getTime())).toISOString();
}

/**
 * The clock after a pause from `since` to `resumedAt`: due later by the working time paused. A breach already
 * recorded stays (the case stays on the breached list), otherwise it runs again and the monitor re-checks it.
 */
export function resumeServiceSla(sla: ServiceSla, since: Date, resumedAt: Date, calendar: WorkingDayCalendar): ServiceSla {
  if (sla.state === 'met' || sla.state === 'stopped') return sla;
  const pauses = [...sla.pauses, { from: since.toISOString(), to: resumedAt.toISOString() }];
  return withDue({ ...sla, pauses }, calendar, sla.breachedAt ? 'breached' : 'running');
}

/**
 * The clock of a closing case: met when the order platform confirmed the remedy (a breach if that was after the due
 * time), otherwise stopped; a pause still running ends now. The same object when nothing changes.
 */
export function closeServiceSla(sla: ServiceSla, pause: { since: string } | undefined, compensation: SlaCaseFacts['compensation'], now: Date): ServiceSla {
  if (sla.state === 'met' || sla.state === 'stopped') return sla;
  const at = now.toISOString();
  const pauses = pause ? [...sla.pauses, { from: pause.since, to: at }] : sla.pauses;
  if (compensation?.status !== 'completed') return { ...sla, pauses, state: 'stopped' };
  const metAt = compensation.completedAt ?? at;
  const late = sla.dueAt !== undefined && metAt > sla.dueAt;
  return { ...sla, pauses, state: 'met', metAt, ...(late && !sla.breachedAt ? { breachedAt: metAt } : {}) };
}

/**
 * The expected due time if a pause from `since` ends at `expectedResumeBy` (shown to the customer in the delay
 * notice); undefined when the calendar cannot tell.
 */
export function expectedDueAfterPause(sla: ServiceSla, since: Date, expectedResumeBy: Date, calendar: WorkingDayCalendar): string | undefined {
  const projected = withDue({ ...sla, pauses: [...sla.pauses, { from: since.toISOString(), to: expectedResumeBy.toISOString() }] }, calendar, 'running');
  return projected.dueAt;
}

/**
 * The latest due time that is "due soon" at `now`: less than the policy's warning (in working time) left. Undefined
 * when that lies beyond the calendar's data: then every due time the calendar could compute is within it.
 */
export function dueSoonHorizon(now: Date, policy: AftersalesPolicy, calendar: WorkingDayCalendar): string | undefined {
  try {
    return addWorkingTime(now, policy.sla.dueSoonWorkingHours * 3_600_000, calendar).toISOString();
  } catch (error) {
    if (error instanceof CalendarDataMissing) return undefined;
    throw error;
  }
}

/** What the monitor should do with a clock it found at or near its due time. */
export type ClockVerdict = 'met' | 'stopped' | 'due_soon' | 'breached' | 'not_yet' | 'skip';

/** The facts of a case the verdict depends on (structural, so the domain needs no storage types). */
export interface SlaCaseFacts {
  status: string;
  pause?: unknown;
  sla?: ServiceSla;
  compensation?: { status?: string; completedAt?: string };
}

/**
 * The service is done when the order platform confirmed the remedy (refund issued, replacement shipped, repair sent
 * back); the survey that follows is not part of it. A closed case without it was stopped (cancelled, rejected...).
 */
export function clockVerdict(record: SlaCaseFacts | undefined, indexedDueAt: string, now: Date, horizon: string | undefined): ClockVerdict {
  if (!record?.sla) return 'stopped';
  if (record.compensation?.status === 'completed') return 'met';
  if (record.status === 'closed') return 'stopped';
  // Paused, or moved since the index was read (eventually consistent): the next run sees it as it is.
  if (record.pause || record.sla.dueAt !== indexedDueAt) return 'skip';
  if (now.getTime() > Date.parse(indexedDueAt)) return 'breached';
  if (horizon === undefined || indexedDueAt <= horizon) return 'due_soon';
  return 'not_yet';
}

import type { AlertPort, CaseReader, CaseRepository, SlaPort } from './ports.js';
import type { CaseRecord } from '../domain/case-record.js';
import type { CaseStatus, TimelineEntry } from '../domain/case.js';
import type { Market, Markets } from '../domain/markets.js';
import { closeServiceSla, slaIndexPlace, startServiceSla, type ServiceSla } from '../domain/sla.js';
import { localDateOf } from '../domain/working-days.js';

export interface SlaDeps {
  cases: CaseRepository;
  sla: SlaPort;
  alerts: AlertPort;
  /** Each case's clock runs on its own market's service limits and working-day calendar. */
  markets: Markets;
}

const ATTEMPTS = 5;

/**
 * Runs `change` on a fresh read of the case until its version-guarded write lands: workflow steps update the same
 * case concurrently, and a change decided on a stale read must be decided again. `change` returns undefined when the
 * write lost the race, anything else when it is done (written or nothing to do).
 */
export async function onFreshCase<T>(cases: CaseReader, caseId: string, change: (record: CaseRecord) => Promise<T | undefined>): Promise<T> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    const outcome = await change(await cases.require(caseId));
    if (outcome !== undefined) return outcome;
  }
  throw new Error(`case ${caseId} kept changing; retry`);
}

/**
 * `cases`, whose first read of `read`'s case is `read` itself: the case as the caller read it a moment before, for
 * onFreshCase's first attempt (one read fewer; a write it lost to sends the next attempt to a fresh read).
 */
function firstRead(cases: CaseReader, read: CaseRecord | undefined): CaseReader {
  if (!read) return cases;
  let served = false;
  return {
    get: (caseId) => cases.get(caseId),
    require: async (caseId) => {
      if (served || caseId !== read.caseId) return cases.require(caseId);
      served = true;
      return read;
    },
  };
}

/**
 * Starts the case's service clock, once (a redelivered arrival changes nothing), with `alongWith` in the same write
 * (and `entriesAlong` in the same timeline write): from arrival at the service center,
 * or from acceptance for types without a return leg (docs/sla.md). When the calendar's data ends before the due time
 * the case records "due date unknown" instead of a wrong date and operators get one alert; the monitor retries it.
 */
export async function startServiceClock(
  deps: SlaDeps,
  caseId: string,
  startedAt: Date,
  now: Date,
  alongWith?: Partial<CaseRecord>,
  /** Entries, or entries made from the clock as the case then has it (started here, already running, or none). */
  along: TimelineEntry[] | ((sla: ServiceSla | undefined) => TimelineEntry[]) = [],
  read?: CaseRecord,
): Promise<ServiceSla | undefined> {
  const at = now.toISOString();
  let market: Market | undefined;
  const started = await onFreshCase(firstRead(deps.cases, read), caseId, async (record) => {
    if (record.sla) return { sla: record.sla, fresh: false };
    if (record.status === 'closed') return { sla: undefined, fresh: false };
    market = deps.markets.of(record);
    const { policy, calendar } = market;
    const started = startServiceSla(
      { type: record.type, expedited: record.expedited, startedAt, paused: Boolean(record.pause), withdrawnAt: new Date(record.createdAt) },
      policy,
      calendar,
    );
    // A replacement shipped ahead (VIP exchange) was confirmed before the old item arrived: nothing left to time.
    const served = record.compensation?.status === 'completed' ? (record.compensation.completedAt ?? at) : undefined;
    const sla: ServiceSla = served ? { ...started, state: 'met', metAt: served } : started;
    if (sla.provisionalFrom && !served) await deps.sla.markProvisional(caseId, sla.provisionalFrom);
    const written = await deps.sla.write(caseId, record.version, {
      // The case's `dueAt` and `serviceWorkingDays` are read from the clock (adapters/case-store.ts, caseOf): not stored twice.
      set: { ...alongWith, sla },
      index: slaIndexPlace(sla, record.pause),
      at,
    });
    return written ? { sla, fresh: true } : undefined;
  });
  const { sla } = started;
  const entriesAlong = typeof along === 'function' ? along(sla) : along;
  // `alongWith` (fields the caller writes with the clock) is written in any case, on its own if the clock was not.
  if (!started.fresh && alongWith) await deps.cases.update(caseId, alongWith);
  // `entriesAlong` (the caller's timeline entries) go in the same timeline write as the clock's, or on their own.
  if (!started.fresh || !sla) {
    if (entriesAlong.length > 0) await deps.cases.appendTimeline(caseId, ...entriesAlong);
    return sla;
  }
  await deps.cases.appendTimeline(caseId, slaStartedEntry(sla, at), ...entriesAlong);
  if (sla.unknownReason) await dueUnknown(deps, caseId, sla.unknownReason, at);
  if (sla.provisional && sla.state !== 'met') await dueProvisional(deps, caseId, sla, now, market!);
  return sla;
}

/** The timeline's record of a clock's start (also written again by a retry that finds it missing). */
export function slaStartedEntry(sla: ServiceSla, at: string): TimelineEntry {
  return {
    at,
    actor: 'pipeline',
    event: 'sla_started',
    detail: {
      service: sla.service,
      limit: sla.startsAt === 'acceptance' ? 'claim_settlement' : sla.service,
      startsAt: sla.startsAt,
      workingDays: sla.workingDays,
      expedited: sla.expedited,
      ...(sla.dueAt ? { dueAt: sla.dueAt } : {}),
    },
  };
}

/**
 * A due time that relies on predicted holidays: on the case's timeline, and in front of operators once per predicted
 * year per day (however many cases start that day): the fix is one policy change, not a per-case action.
 */
export async function dueProvisional(
  deps: Pick<SlaDeps, 'cases' | 'alerts'>,
  caseId: string,
  sla: ServiceSla,
  now: Date,
  market: Pick<Market, 'code' | 'calendar'>,
): Promise<void> {
  const at = now.toISOString();
  const from = sla.provisionalFrom!;
  const year = from.slice(0, 4);
  await deps.cases.appendTimeline(caseId, { at, actor: 'pipeline', event: 'sla_due_provisional', detail: { dueAt: sla.dueAt ?? '', provisionalFrom: from } });
  const day = localDateOf(now, market.calendar.timeZone);
  // Once per market too: each market's calendar lacks its own years, fixed in its own policy.
  await deps.alerts.raiseOnce(`calendar_provisional#${market.code}#${year}#${day}`, {
    kind: 'calendar_provisional',
    at,
    message:
      `Service due dates from ${from} are provisional: the working-day calendar has no published ${year}, so they count the ` +
      `statutory holidays by rule and no make-up working days (first today: case ${caseId}, market ${market.code}). Add the ` +
      `${year} statutory holidays as published (in China the State Council's notice) to the ${market.code} policy's calendar.extraYears (docs/sla.md); the SLA monitor then recomputes them.`,
    detail: { year: Number(year), provisionalFrom: from, firstCaseId: caseId, market: market.code },
  });
}

/** A due time the calendar cannot give: on the timeline and in front of operators, once per case. */
export async function dueUnknown(deps: Pick<SlaDeps, 'cases' | 'alerts'>, caseId: string, reason: string, at: string): Promise<void> {
  await deps.cases.appendTimeline(caseId, { at, actor: 'pipeline', event: 'sla_due_unknown', detail: { reason } });
  await deps.alerts.raise({
    kind: 'sla_due_unknown',
    caseId,
    at,
    message: `Case ${caseId}: ${reason}. Add the next calendar year to the market policy (docs/sla.md); the monitor then sets the due date.`,
  });
}

/**
 * The internal first-response target, in the due index for the monitor (set with the case's priority). A retried step
 * writing a target already due lists it now, where the monitor's next sweep reads.
 */
export async function startFirstResponseTarget(deps: Pick<SlaDeps, 'sla'>, caseId: string, responseDueAt: string, now?: Date): Promise<void> {
  const listAt = now && now.toISOString() > responseDueAt ? now.toISOString() : responseDueAt;
  await deps.sla.putTarget(caseId, 'first_response', responseDueAt, listAt);
}

/**
 * A closing case leaves the due index, or the paused list (its gsi2 keys go, whatever they were): its clock is
 * recorded as met (the service was confirmed; late counts as a breach) or stopped (cancelled, rejected, expired), a
 * pause still on it ends. Its first-response target stays: the monitor finds it due, sees the case answered or closed,
 * and writes nothing (TTL removes it; until 5 December it was deleted here, two write units per case).
 */
export async function stopServiceClock(deps: Pick<SlaDeps, 'cases' | 'sla'>, caseId: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await onFreshCase(deps.cases, caseId, async (record) => {
    const stop = clockStopOf(record, now);
    if (!stop) return true;
    return (await deps.sla.write(caseId, record.version, { ...stop, index: undefined, at })) || undefined;
  });
}

/**
 * Closes the case (`patch`, while its status is one of `open`) and stops its clock in the same write of the case item,
 * guarded by its version so the clock is stopped from what the case shows then. `closed`: the case as that write left
 * it (what the close is counted by, at once: nothing else may run between the deciding write and its count), absent
 * when the case was not open (a retried close). `clockStopped`: the close was that version-guarded write, so the
 * clock's stop is decided on the case exactly as it stood when it closed, and stopServiceClock would find nothing to
 * write. Otherwise (a plain status-guarded close of a case showing no clock or pause when read, or a retried close)
 * stopServiceClock must run on a fresh read: a pause added between that read and the close's write is found only there.
 */
export async function closeWithClock(
  deps: Pick<SlaDeps, 'cases' | 'sla'>,
  caseId: string,
  patch: Partial<CaseRecord>,
  open: CaseStatus[],
  now: Date,
  read?: CaseRecord,
): Promise<{ closed?: CaseRecord; clockStopped: boolean }> {
  return onFreshCase(firstRead(deps.cases, read), caseId, async (record): Promise<{ closed?: CaseRecord; clockStopped: boolean } | undefined> => {
    if (!open.includes(record.status)) return { clockStopped: false };
    const stop = clockStopOf(record, now);
    if (!stop) return (await deps.cases.update(caseId, patch, open)) ? { closed: { ...record, ...patch }, clockStopped: false } : { clockStopped: false };
    const written = await deps.sla.write(caseId, record.version, { set: { ...patch, ...stop.set }, remove: stop.remove, index: undefined, at: now.toISOString() });
    if (!written) return undefined;
    const closed: CaseRecord = { ...record, ...patch, ...stop.set };
    for (const key of stop.remove) delete closed[key];
    return { closed, clockStopped: true };
  });
}

/** What stopping the case's clock changes on the case: undefined when nothing (no clock running, no pause). */
function clockStopOf(record: CaseRecord, now: Date): { set: Partial<CaseRecord>; remove: Array<keyof CaseRecord> } | undefined {
  const sla = record.sla && closeServiceSla(record.sla, record.pause, record.compensation, now);
  if (!record.pause && sla === record.sla) return undefined;
  const breachedLate = sla?.breachedAt && !record.slaBreachedAt ? { slaBreachedAt: sla.breachedAt } : {};
  return { set: { ...(sla ? { sla } : {}), ...breachedLate }, remove: record.pause ? ['pause'] : [] };
}

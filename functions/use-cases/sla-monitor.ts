import type { DueEntry, SlaCaseItem } from './ports.js';
import type { MetricSink } from '../adapters/business-metrics.js';
import { firstResponseVerdict } from '../domain/response-target.js';
import { describeServiceLimit, serviceLimitName } from '../domain/service-limits.js';
import { clockVerdict, dueSoonHorizon, slaIndexPlace, withDue, type IndexedSlaState, type ServiceSla } from '../domain/sla.js';
import type { Market } from '../domain/markets.js';
import { dueProvisional, onFreshCase, type SlaDeps } from './sla-clock.js';

export interface MonitorDeps extends SlaDeps {
  metrics: MetricSink;
}

export interface MonitorReport {
  dueSoon: string[];
  breached: string[];
  met: string[];
  dueKnown: string[];
  /** Provisional due times recomputed because their year is now published in the policy. */
  dueRecomputed: string[];
  responseMissed: string[];
  /** Side effects (timeline, alert, metric) that failed after a threshold was recorded: the run must fail loudly. */
  failures: Array<{ caseId: string; errorName: string }>;
}

/** Entries read per partition per run; the rest wait for the next run (every 5 minutes in AWS). */
const BATCH = 100;
/** Pages of first-response targets read per run, and how far behind the run's time its mark is left. */
const SWEEP_PAGES = 10;
const SWEEP_LAG_MS = 2 * 60_000;
const FOREVER = '9999-12-31T23:59:59.999Z';

/**
 * The SLA monitor (a scheduled Lambda; `now` is the schedule's time). It reads only what is due from the due index,
 * never the table: clocks whose due time is within the warning (due soon) or past (breached), and internal targets
 * whose time has come. Each threshold is crossed with a conditional write on the case, and only the write that
 * crossed it first records it on the timeline, alerts operators and counts the metric: once per case and threshold,
 * however often the monitor runs or retries.
 */
export async function runSlaMonitor(deps: MonitorDeps, now: Date): Promise<MonitorReport> {
  const report: MonitorReport = { dueSoon: [], breached: [], met: [], dueKnown: [], dueRecomputed: [], responseMissed: [], failures: [] };
  await recomputeProvisionalDueTimes(deps, now, report);
  await retryUnknownDueTimes(deps, now, report);
  const horizons = dueSoonHorizons(deps, now);
  await sweep(deps, 'running', horizons.through, now, horizons, report);
  await sweep(deps, 'due_soon', now.toISOString(), now, horizons, report);
  // Breached cases stay listed until served or closed; a served one leaves the list with the time it was served.
  await sweep(deps, 'breached', undefined, now, horizons, report);
  await checkFirstResponses(deps, now, report);
  return report;
}

interface Horizons {
  /** Each market's due-soon horizon (its working hours on its calendar); undefined where the calendar's data ends first. */
  of(record: { market?: string } | undefined): string | undefined;
  /** The latest of them: how far the one due index is read. */
  through: string;
}

/** The due index holds every market's cases: read it to the latest horizon, judge each case by its own market's. */
function dueSoonHorizons(deps: MonitorDeps, now: Date): Horizons {
  const byMarket = new Map(deps.markets.codes.map((code) => [code, dueSoonHorizon(now, deps.markets.market(code).policy, deps.markets.market(code).calendar)]));
  const all = [...byMarket.values()];
  const through = all.some((h) => h === undefined) ? FOREVER : [now.toISOString(), ...(all as string[])].sort().at(-1)!;
  return { through, of: (record) => byMarket.get(deps.markets.of(record ?? {}).code) };
}

async function sweep(deps: MonitorDeps, state: IndexedSlaState, through: string | undefined, now: Date, horizons: Horizons, report: MonitorReport) {
  const entries = await deps.sla.listIndexed(state, { ...(through ? { through } : {}), limit: BATCH });
  const records = await deps.sla.casesOf(entries);
  for (const entry of entries) {
    const record = records.get(entry.caseId);
    const verdict = clockVerdict(record, entry.at, now, horizons.of(record));
    if (verdict === 'met' || verdict === 'stopped') await settle(deps, entry, state, record, verdict, now, report);
    else if (state === 'breached') continue;
    else if (verdict === 'breached' || (verdict === 'due_soon' && state === 'running')) await crossThreshold(deps, entry, state, verdict, record!, now, report);
  }
}

async function crossThreshold(deps: MonitorDeps, entry: DueEntry, from: IndexedSlaState, to: 'due_soon' | 'breached', record: SlaCaseItem, now: Date, report: MonitorReport) {
  const sla = record.sla!;
  const at = now.toISOString();
  const { moved, first } = await deps.sla.cross(entry.caseId, from, to, entry.at, at);
  if (!moved || !first) return;
  report[to === 'due_soon' ? 'dueSoon' : 'breached'].push(entry.caseId);
  // Named for what it is: a lost parcel's clock is the claim's settlement, not a "return service".
  const what = describeServiceLimit(record.type, sla);
  await sideEffects(entry.caseId, report, async () => {
    await deps.cases.appendTimeline(entry.caseId, {
      at,
      actor: 'sla_monitor',
      event: `sla_${to}`,
      detail: { dueAt: entry.at, service: sla.service, limit: serviceLimitName(record.type) },
    });
    await deps.alerts.raise({
      kind: `sla_${to}`,
      caseId: entry.caseId,
      at,
      message:
        to === 'due_soon'
          ? `Case ${entry.caseId} is due at ${entry.at} (${what}): less than ${deps.markets.of(record).policy.sla.dueSoonWorkingHours} working hours left.`
          : `Case ${entry.caseId} passed its service due time ${entry.at} (${what}).`,
      detail: { dueAt: entry.at, service: sla.service, limit: serviceLimitName(record.type) },
    });
    deps.metrics.count(to === 'due_soon' ? 'SlaDueSoon' : 'SlaBreached', { SlaService: sla.service });
  });
}

/** The service was done (recorded with its time; late counts as a breach) or the case closed: the clock leaves the index. */
async function settle(deps: MonitorDeps, entry: DueEntry, from: IndexedSlaState, record: SlaCaseItem | undefined, verdict: 'met' | 'stopped', now: Date, report: MonitorReport) {
  const at = now.toISOString();
  if (!record?.sla) return;
  if (verdict === 'stopped') {
    await deps.sla.leave(entry.caseId, from, { ...record.sla, state: 'stopped' }, at);
    return;
  }
  const metAt = record.compensation?.completedAt ?? at;
  const lateUnseen = from !== 'unknown' && metAt > entry.at && !record.sla.breachedAt;
  const sla: ServiceSla = { ...record.sla, state: 'met', metAt, ...(lateUnseen ? { breachedAt: metAt } : {}) };
  if (!(await deps.sla.leave(entry.caseId, from, sla, at, lateUnseen ? { slaBreachedAt: metAt } : {}))) return;
  report.met.push(entry.caseId);
  await sideEffects(entry.caseId, report, async () => {
    await deps.cases.appendTimeline(entry.caseId, { at, actor: 'sla_monitor', event: 'sla_met', detail: { dueAt: entry.at, metAt, late: metAt > entry.at } });
    // Served late between two runs: nothing left to alert about, but the breach is counted.
    if (lateUnseen) deps.metrics.count('SlaBreached', { SlaService: sla.service });
  });
}

/** Cases whose due time the calendar could not give: once the policy has the missing year, they get it. */
async function retryUnknownDueTimes(deps: MonitorDeps, now: Date, report: MonitorReport) {
  const at = now.toISOString();
  for (const entry of await deps.sla.listIndexed('unknown', { limit: BATCH })) {
    let market: Market | undefined;
    const known = await onFreshCase(deps.cases, entry.caseId, async (record) => {
      if (record.sla?.state !== 'unknown' || record.pause || record.status === 'closed') return { sla: undefined };
      market = deps.markets.of(record);
      const sla = withDue(record.sla, market.calendar, 'running');
      if (sla.state === 'unknown') return { sla: undefined };
      if (sla.provisionalFrom) await deps.sla.markProvisional(entry.caseId, sla.provisionalFrom);
      const written = await deps.sla.write(entry.caseId, record.version, { set: { sla, dueAt: sla.dueAt }, index: slaIndexPlace(sla, undefined), at });
      return written ? { sla } : undefined;
    });
    if (!known.sla) continue;
    report.dueKnown.push(entry.caseId);
    await sideEffects(entry.caseId, report, async () => {
      await deps.cases.appendTimeline(entry.caseId, {
        at,
        actor: 'sla_monitor',
        event: 'sla_due_known',
        detail: { dueAt: known.sla!.dueAt!, provisional: Boolean(known.sla!.provisional) },
      });
      if (known.sla!.provisional) await dueProvisional(deps, entry.caseId, known.sla!, now, market!);
    });
  }
}

/**
 * Provisional due times (counted on holidays predicted by rule) whose first predicted day the policy has since
 * published (`calendar.extraYears`): recomputed on the published days, found by their marks in the due index (one
 * query, never a scan). A clock that reaches a year still unpublished stays provisional, marked from that year; a mark
 * whose case is served, closed or no longer provisional is dropped. A breach already recorded stays recorded.
 */
async function recomputeProvisionalDueTimes(deps: MonitorDeps, now: Date, report: MonitorReport) {
  // The marks of every market are in one index: read up to the latest published day of any market's calendar, and
  // recompute each case on its own market's (a case whose market has not published its year yet stays marked).
  const publishedOf = (record: { market?: string }) => deps.markets.of(record).calendar.covers?.to ?? '';
  // ISO dates sort as text: the latest is last.
  const latest =
    deps.markets.codes
      .map((code) => publishedOf({ market: code }))
      .sort()
      .at(-1) ?? '';
  if (!latest) return;
  const at = now.toISOString();
  for (const entry of await deps.sla.provisionalBy(latest, { limit: BATCH })) {
    let market: Market | undefined;
    const outcome = await onFreshCase(deps.cases, entry.caseId, async (record) => {
      market = deps.markets.of(record);
      const published = publishedOf(record);
      const before = record.sla;
      const open = before?.provisional && before.state !== 'met' && before.state !== 'stopped' && record.status !== 'closed';
      if (!open) return { sla: undefined };
      // Marked again later (a resume reached a further year): the mark is rewritten, the clock left as it is.
      if (before.provisionalFrom && before.provisionalFrom > published) return { sla: before, unchanged: true };
      const state = record.pause ? 'paused' : before.breachedAt ? 'breached' : 'running';
      const sla = withDue(before, market.calendar, state);
      if (sla.provisionalFrom) await deps.sla.markProvisional(entry.caseId, sla.provisionalFrom);
      const written = await deps.sla.write(entry.caseId, record.version, {
        set: { sla, ...(sla.dueAt ? { dueAt: sla.dueAt } : {}) },
        remove: sla.dueAt ? [] : ['dueAt'],
        index: slaIndexPlace(sla, record.pause),
        at,
      });
      return written ? { sla, previousDueAt: before.dueAt } : undefined;
    });
    if (outcome.unchanged) {
      await deps.sla.markProvisional(entry.caseId, outcome.sla.provisionalFrom!);
      continue;
    }
    if (!outcome.sla?.provisional) await deps.sla.clearProvisional(entry.caseId);
    if (!outcome.sla) continue;
    const sla = outcome.sla;
    report.dueRecomputed.push(entry.caseId);
    await sideEffects(entry.caseId, report, async () => {
      await deps.cases.appendTimeline(entry.caseId, {
        at,
        actor: 'sla_monitor',
        event: 'sla_due_recomputed',
        detail: { dueAt: sla.dueAt ?? '', previousDueAt: outcome.previousDueAt ?? '', provisional: Boolean(sla.provisional) },
      });
      if (sla.provisional) await dueProvisional(deps, entry.caseId, sla, now, market!);
    });
  }
}

/**
 * First-response targets whose time has come. Missed: recorded on the case, counted, and alerted, except for a case
 * in front of an operator, whose review reminder and escalation (ReviewTimer, same targets) already alert. Only a
 * missed target is written to (deleted: the call that deletes it records and alerts, once); a met one stays for TTL.
 * Targets are read from where the last sweep stopped (a mark, one write per run), a little behind it so a target
 * listed just before a sweep is not passed; the previous release's targets, deleted when checked, are read as before.
 */
async function checkFirstResponses(deps: MonitorDeps, now: Date, report: MonitorReport) {
  const at = now.toISOString();
  await judgeTargets(deps, await deps.sla.dueTargets('first_response', { through: at, limit: BATCH }), now, report, true);
  const mark = (await deps.sla.sweepMark('first_response')) ?? '';
  // The mark is a sort key of the listing (`<time>#<caseId>`, or a time): the next sweep reads from it, inclusive.
  let from = mark;
  let next = from;
  // The first target not yet due holds the mark (the next run reads it again), but the entries listed after it are
  // judged all the same: its case's due time may be later than its listing (a classify retry), and must not stall them.
  let held: string | undefined;
  for (let page = 0; page < SWEEP_PAGES; page += 1) {
    const entries = await deps.sla.sweptTargets('first_response', { from, through: at, limit: BATCH });
    held ??= await judgeTargets(deps, entries, now, report, false);
    if (entries.length < BATCH) {
      // Read through now: the next sweep starts a little behind it, for a target listed while this one read.
      const behind = new Date(now.getTime() - SWEEP_LAG_MS).toISOString();
      next = from;
      if (behind > from) next = behind;
      break;
    }
    // A full page: the next one (or the next run) starts at its last entry, read again and judged the same.
    const last = entries.at(-1)!;
    from = `${last.at}#${last.caseId}`;
    next = from;
  }
  next = held ?? next;
  if (next > mark) await deps.sla.advanceSweep('first_response', next);
}

/** Judges due targets; returns where the first one not yet due is listed (the sweep's mark stays there), if any. */
async function judgeTargets(deps: MonitorDeps, entries: DueEntry[], now: Date, report: MonitorReport, deleteChecked: boolean): Promise<string | undefined> {
  const at = now.toISOString();
  const records = await deps.sla.casesOf(entries);
  let notYet: string | undefined;
  for (const entry of entries) {
    const record = records.get(entry.caseId);
    const dueAt = record?.responseDueAt ?? entry.at;
    const verdict = firstResponseVerdict(record, dueAt, now);
    if (verdict === 'not_yet') {
      notYet ??= `${entry.at}#${entry.caseId}`;
      continue;
    }
    if (verdict !== 'missed' && !deleteChecked) continue;
    if (!(await deps.sla.closeTarget(entry.caseId, 'first_response')) || verdict !== 'missed' || !record) continue;
    report.responseMissed.push(entry.caseId);
    await sideEffects(entry.caseId, report, async () => {
      await deps.cases.update(entry.caseId, { firstResponseMissedAt: at });
      await deps.cases.appendTimeline(entry.caseId, { at, actor: 'sla_monitor', event: 'first_response_missed', detail: { dueAt } });
      if (record.status !== 'awaiting_review') {
        await deps.alerts.raise({
          kind: 'first_response_missed',
          caseId: entry.caseId,
          at,
          message: `Case ${entry.caseId} has had no first response since ${dueAt} (its internal target; status ${record.status}).`,
        });
      }
      deps.metrics.count('FirstResponseMissed', { PriorityBand: record.priorityBand ?? 'unknown' });
    });
  }
  return notYet;
}

/** Runs what follows a recorded threshold; a failure is reported (the run fails) but does not stop the other cases. */
async function sideEffects(caseId: string, report: MonitorReport, run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    report.failures.push({ caseId, errorName: (error as Error).name });
  }
}

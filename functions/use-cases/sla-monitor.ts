import type { DueEntry } from './ports.js';
import type { CaseRecord } from '../domain/case-record.js';
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

async function crossThreshold(deps: MonitorDeps, entry: DueEntry, from: IndexedSlaState, to: 'due_soon' | 'breached', record: CaseRecord, now: Date, report: MonitorReport) {
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
async function settle(deps: MonitorDeps, entry: DueEntry, from: IndexedSlaState, record: CaseRecord | undefined, verdict: 'met' | 'stopped', now: Date, report: MonitorReport) {
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
 * in front of an operator, whose review reminder and escalation (ReviewTimer, same targets) already alert.
 */
async function checkFirstResponses(deps: MonitorDeps, now: Date, report: MonitorReport) {
  const at = now.toISOString();
  const entries = await deps.sla.dueTargets('first_response', { through: at, limit: BATCH });
  const records = await deps.sla.casesOf(entries);
  for (const entry of entries) {
    const record = records.get(entry.caseId);
    const verdict = firstResponseVerdict(record, entry.at, now);
    if (verdict === 'not_yet') continue;
    if (!(await deps.sla.closeTarget(entry.caseId, 'first_response')) || verdict !== 'missed' || !record) continue;
    report.responseMissed.push(entry.caseId);
    await sideEffects(entry.caseId, report, async () => {
      await deps.cases.update(entry.caseId, { firstResponseMissedAt: at });
      await deps.cases.appendTimeline(entry.caseId, { at, actor: 'sla_monitor', event: 'first_response_missed', detail: { dueAt: entry.at } });
      if (record.status !== 'awaiting_review') {
        await deps.alerts.raise({
          kind: 'first_response_missed',
          caseId: entry.caseId,
          at,
          message: `Case ${entry.caseId} has had no first response since ${entry.at} (its internal target; status ${record.status}).`,
        });
      }
      deps.metrics.count('FirstResponseMissed', { PriorityBand: record.priorityBand ?? 'unknown' });
    });
  }
}

/** Runs what follows a recorded threshold; a failure is reported (the run fails) but does not stop the other cases. */
async function sideEffects(caseId: string, report: MonitorReport, run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    report.failures.push({ caseId, errorName: (error as Error).name });
  }
}

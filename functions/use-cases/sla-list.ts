import type { SlaCaseItem, SlaPort } from './ports.js';
import { serviceLimitName } from '../domain/service-limits.js';
import type { SlaListState } from '../domain/sla.js';

/**
 * Open cases by SLA state, nearest due first (unknown ones: oldest start first; paused ones: oldest pause first), from
 * the due index: one query and one batch read, never a scan. The index is eventually consistent, so a case that moved
 * on since (served, paused, resumed, closed, crossed into another state) is left out.
 */
export async function listSla(sla: SlaPort, state: SlaListState, limit = 100) {
  return (await listSlaCases(sla, state, limit)).map(slaListEntry);
}

/** The cases of listSla, as read (the console shows each in its market's zone). */
export async function listSlaCases(sla: SlaPort, state: SlaListState, limit = 100): Promise<SlaCaseItem[]> {
  const entries = await sla.listIndexed(state, { limit });
  const records = await sla.casesOf(entries);
  return entries
    .map((entry) => records.get(entry.caseId))
    .filter((c): c is SlaCaseItem => c !== undefined && c.sla !== undefined && inState(c, state) && c.status !== 'closed' && c.compensation?.status !== 'completed');
}

/** A paused clock may be `paused` or, when the calendar could not tell, `unknown`: the pause on the case decides. */
const inState = (c: SlaCaseItem, state: SlaListState) =>
  state === 'paused' ? c.pause !== undefined && c.sla?.state !== 'met' && c.sla?.state !== 'stopped' : c.sla?.state === state && !c.pause;

/** One line of an SLA list: enough to act on, nothing personal. */
export function slaListEntry(c: SlaCaseItem) {
  const sla = c.sla!;
  return {
    caseId: c.caseId,
    type: c.type,
    status: c.status,
    priority: c.priority,
    priorityBand: c.priorityBand,
    service: sla.service,
    // What the clock measures: `claim_settlement` for types with no return leg (they borrow the return service's days).
    limit: serviceLimitName(c.type),
    expedited: sla.expedited,
    workingDays: sla.workingDays,
    startedAt: sla.startedAt,
    dueAt: sla.dueAt,
    state: sla.state,
    dueSoonAt: sla.dueSoonAt,
    breachedAt: sla.breachedAt,
    pausedWorkingMs: sla.pausedWorkingMs,
    unknownReason: sla.unknownReason,
    // Counted on holidays predicted by rule (their year is not published yet): recomputed once it is.
    provisional: Boolean(sla.provisional),
    provisionalFrom: sla.provisionalFrom,
    // While paused: since when, why (a delay reason; the operator's note stays on the timeline), expected end if known.
    pause: c.pause ? { since: c.pause.since, reason: c.pause.reason, count: c.pause.count, expectedResumeBy: c.pause.expectedResumeBy } : undefined,
  };
}

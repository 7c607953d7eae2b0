import { operatorActor, type Operator } from '../domain/operators.js';
import type { Market } from '../domain/markets.js';
import type { QueueSender } from '../adapters/queues.js';
import type { DelayReason } from '../domain/notices/types.js';
import type { NoticeMessage } from '../schemas/messages.js';
import { pauseRefusal, type CasePause, type PauseRefusal } from '../domain/pause.js';
import { expectedDueAfterPause, resumeServiceSla, slaIndexPlace, type ServiceSla } from '../domain/sla.js';
import { dueProvisional, dueUnknown, onFreshCase, type SlaDeps } from './sla-clock.js';

/** The notice queue's message for a pause: `delay_notice`, once per round, carrying the pause it announces. */
export type DelayNoticeMessage = NoticeMessage & { milestone: 'delay_notice'; round: number; pause: CasePause };

export interface PauseDeps extends SlaDeps {
  notices: Pick<QueueSender<DelayNoticeMessage>, 'send'>;
}

export type PauseResult = { status: 'done'; pause?: CasePause; dueAt?: string } | { status: 'refused'; refusal: PauseRefusal } | { status: 'not_found' };

/**
 * An operator pauses a case for special circumstances (000 §5.3): the service clock stands still (the case moves from
 * the due index to the paused list, which the monitor never sweeps: never breached while paused), the reason and the
 * operator go on the timeline, and the customer gets a delay notice offering to keep waiting or cancel. The note is internal: it stays on the timeline.
 */
export async function pauseCase(
  deps: PauseDeps,
  caseId: string,
  input: { reason: DelayReason; note: string; expectedResumeBy?: string },
  operator: Operator,
  now: Date,
): Promise<PauseResult> {
  if (!(await deps.cases.get(caseId))) return { status: 'not_found' };
  const at = now.toISOString();
  const result = await onFreshCase(deps.cases, caseId, async (record): Promise<PauseResult | undefined> => {
    const refusal = pauseRefusal(record, 'pause');
    if (refusal) return { status: 'refused', refusal };
    const pause: CasePause = {
      since: at,
      reason: input.reason,
      count: (record.pauseCount ?? 0) + 1,
      ...(input.expectedResumeBy ? { expectedResumeBy: input.expectedResumeBy } : {}),
    };
    const sla = record.sla && record.sla.state !== 'met' && record.sla.state !== 'stopped' ? { ...record.sla, state: 'paused' as const } : record.sla;
    const written = await deps.sla.write(caseId, record.version, { set: { pause, pauseCount: pause.count, ...(sla ? { sla } : {}) }, index: slaIndexPlace(sla, pause), at });
    if (!written) return undefined;
    const expectedDueAt = sla && input.expectedResumeBy ? expectedDueAfterPause(sla, now, new Date(input.expectedResumeBy), deps.markets.of(record).calendar) : undefined;
    await deps.cases.appendTimeline(caseId, {
      at,
      actor: operatorActor(operator),
      event: 'case_paused',
      detail: {
        role: operator.role,
        reason: input.reason,
        note: input.note,
        count: pause.count,
        ...(input.expectedResumeBy ? { expectedResumeBy: input.expectedResumeBy } : {}),
        ...(expectedDueAt ? { expectedDueAt } : {}),
      },
    });
    return { status: 'done', pause, ...(record.dueAt ? { dueAt: record.dueAt } : {}) };
  });
  // Only once the pause is stored; the message carries the pause, so a notice sent after a resume still tells this one.
  if (result.status === 'done' && result.pause) await deps.notices.send({ caseId, milestone: 'delay_notice', round: result.pause.count, pause: result.pause }, caseId);
  return result;
}

/** The operator resumes the case: the service clock runs again, due later by the working time it stood still. */
export async function resumeCase(deps: SlaDeps, caseId: string, input: { note?: string }, operator: Operator, now: Date): Promise<PauseResult> {
  if (!(await deps.cases.get(caseId))) return { status: 'not_found' };
  const at = now.toISOString();
  let becameUnknown: string | undefined;
  let becameProvisional: ServiceSla | undefined;
  let market: Market | undefined;
  const result = await onFreshCase(deps.cases, caseId, async (record): Promise<PauseResult | undefined> => {
    const refusal = pauseRefusal(record, 'resume');
    if (refusal || !record.pause) return { status: 'refused', refusal: refusal ?? 'not_paused' };
    market = deps.markets.of(record);
    const sla = record.sla ? resumeServiceSla(record.sla, new Date(record.pause.since), now, market.calendar) : undefined;
    if (sla?.provisionalFrom) await deps.sla.markProvisional(caseId, sla.provisionalFrom);
    const written = await deps.sla.write(caseId, record.version, {
      set: sla ? { sla, ...(sla.dueAt ? { dueAt: sla.dueAt } : {}) } : {},
      remove: ['pause', ...(sla && !sla.dueAt ? (['dueAt'] as const) : [])],
      index: slaIndexPlace(sla, undefined),
      at,
    });
    if (!written) return undefined;
    becameUnknown = sla?.unknownReason && record.sla?.dueAt ? sla.unknownReason : undefined;
    becameProvisional = sla?.provisional && !record.sla?.provisional ? sla : undefined;
    await deps.cases.appendTimeline(caseId, {
      at,
      actor: operatorActor(operator),
      event: 'case_resumed',
      detail: {
        role: operator.role,
        pausedSince: record.pause.since,
        ...(input.note ? { note: input.note } : {}),
        ...(sla?.dueAt ? { dueAt: sla.dueAt, previousDueAt: record.sla?.dueAt ?? '' } : {}),
        ...(sla?.pausedWorkingMs !== undefined ? { pausedWorkingMs: sla.pausedWorkingMs } : {}),
      },
    });
    return { status: 'done', ...(sla?.dueAt ? { dueAt: sla.dueAt } : {}) };
  });
  if (becameUnknown) await dueUnknown(deps, caseId, becameUnknown, at);
  if (becameProvisional) await dueProvisional(deps, caseId, becameProvisional, now, market!);
  return result;
}

import { CARRIER_TYPES, type AftersalesPolicy } from '../../domain/policy.js';
import { valueOf } from '../../domain/money.js';
import { priorityOf, type PriorityBand } from '../../domain/priority.js';
import type { TimelineEntry } from '../../domain/case.js';
import { slaServiceFor } from '../../domain/sla.js';
import { startFirstResponseTarget, startServiceClock, type SlaDeps } from '../sla-clock.js';

/** Durations the workflow's Wait and waiting Task states read from the execution (SecondsPath, TimeoutSecondsPath). */
export interface WorkflowTimings {
  carrierRecheckSeconds: number;
  /** The carrier API stayed down through the lookup's retries: how long the case waits before looking again. */
  carrierOutageWaitSeconds: number;
  evidenceWaitSeconds: number;
  returnWaitSeconds: number;
  surveyDelaySeconds: number;
  /** The survey is open this long in all; its one reminder goes out after the first part, the rest follows. */
  surveyExpirySeconds: number;
  surveyReminderSeconds: number;
  surveyExpiryAfterReminderSeconds: number;
  compensationConfirmSeconds: number;
  /** Operator review: the reminder, then the escalation after it (from the policy by priority band). */
  reviewReminderSeconds: number;
  reviewEscalationSeconds: number;
  reviewEscalateAfterReminderSeconds: number;
  /** How long the customer has to choose a remedy before the policy's default applies. */
  choiceTimeoutSeconds: number;
  /** An exchange shipped ahead: how long the customer has to send the old item back. */
  advanceReturnDeadlineSeconds: number;
}

/** Deployment overrides of the durations (set short by the local runtime); policy values otherwise. */
export type TimingOverrides = Partial<WorkflowTimings> &
  Pick<WorkflowTimings, 'carrierRecheckSeconds' | 'evidenceWaitSeconds' | 'returnWaitSeconds' | 'surveyDelaySeconds' | 'surveyExpirySeconds' | 'compensationConfirmSeconds'>;

export interface ClassifyResult {
  type: string;
  priority: number;
  band: string;
  needsCarrier: boolean;
  timings: WorkflowTimings;
}

export function timingsFor(type: string, band: PriorityBand, policy: AftersalesPolicy, overrides: TimingOverrides): WorkflowTimings {
  const hours = (h: number) => Math.max(1, Math.round(h * 3600));
  const reviewReminderSeconds = overrides.reviewReminderSeconds ?? hours(policy.manualReview.reminderHours[band]);
  const reviewEscalationSeconds = Math.max(reviewReminderSeconds + 1, overrides.reviewEscalationSeconds ?? hours(policy.manualReview.escalationHours[band]));
  const choice = policy.customerChoice[type as keyof AftersalesPolicy['customerChoice']];
  // The reminder falls inside the survey's life (at the latest a second before it closes), so both waits are positive.
  const surveyExpirySeconds = Math.max(2, overrides.surveyExpirySeconds);
  const surveyReminderSeconds = Math.min(Math.max(1, overrides.surveyReminderSeconds ?? Math.round(surveyExpirySeconds / 2)), surveyExpirySeconds - 1);
  return {
    ...overrides,
    surveyExpirySeconds,
    surveyReminderSeconds,
    surveyExpiryAfterReminderSeconds: surveyExpirySeconds - surveyReminderSeconds,
    reviewReminderSeconds,
    reviewEscalationSeconds,
    reviewEscalateAfterReminderSeconds: reviewEscalationSeconds - reviewReminderSeconds,
    choiceTimeoutSeconds: overrides.choiceTimeoutSeconds ?? hours(choice?.timeoutHours ?? 72),
    advanceReturnDeadlineSeconds: overrides.advanceReturnDeadlineSeconds ?? policy.advanceExchange.returnDeadlineDays * 86_400,
    carrierOutageWaitSeconds: overrides.carrierOutageWaitSeconds ?? 1800,
  };
}

/**
 * Priority and band, the internal first-response target by band (policy `sla.firstResponseHours`, watched by the SLA
 * monitor), and, for types with no return leg, the service clock from acceptance (docs/sla.md). A dispute's rerun
 * keeps all three.
 */
export async function classify(deps: SlaDeps & { overrides: TimingOverrides }, caseId: string, now: Date): Promise<ClassifyResult> {
  const record = await deps.cases.require(caseId);
  const { policy } = deps.markets.of(record);
  const { score, band } = priorityOf({ tier: record.tier, type: record.type, expedited: record.expedited, orderValue: valueOf(record.orderItems) });
  const responseDueAt = new Date(now.getTime() + policy.sla.firstResponseHours[band] * 3_600_000).toISOString();
  const classified = record.priority === undefined ? { priority: score, priorityBand: band, responseDueAt } : undefined;
  // Where the service clock starts now, the priority goes in the same write of the case item as the clock.
  const withClock = !record.dispute && slaServiceFor(record.type).startsAt === 'acceptance';
  if (classified && !withClock) await deps.cases.update(caseId, classified);
  const entry: TimelineEntry | undefined = classified && { at: now.toISOString(), actor: 'pipeline', event: 'classified', detail: { priority: score, band } };
  if (!record.dispute) {
    // The case's response time is written before its target (with the clock, or above): a retry reads it back and lists
    // the target at the same time, so the monitor's verdict (by the case) and the listing cannot drift apart. A target
    // already found missed (and deleted by the monitor) is not put again: it would be alerted twice.
    // With the clock, the entry goes in the clock's timeline write.
    if (withClock) await startServiceClock(deps, caseId, new Date(record.createdAt), now, classified, entry ? [entry] : [], record);
    if (!record.firstResponseMissedAt) await startFirstResponseTarget(deps, caseId, record.responseDueAt ?? responseDueAt, now);
  }
  if (entry && !withClock) await deps.cases.appendTimeline(caseId, entry);
  return {
    type: record.type,
    priority: score,
    band,
    needsCarrier: CARRIER_TYPES.has(record.type),
    timings: timingsFor(record.type, band, policy, deps.overrides),
  };
}

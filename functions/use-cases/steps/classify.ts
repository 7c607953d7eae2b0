import type { CaseStore } from '../../adapters/case-store.js';
import { CARRIER_TYPES, RETURN_FIRST_TYPES } from '../../domain/policy.js';
import { valueOf } from '../../domain/money.js';
import { priorityOf } from '../../domain/priority.js';

/** Durations the workflow's Wait and waiting Task states read from the execution (SecondsPath, TimeoutSecondsPath). */
export interface WorkflowTimings {
  carrierRecheckSeconds: number;
  evidenceWaitSeconds: number;
  returnWaitSeconds: number;
  surveyDelaySeconds: number;
  surveyExpirySeconds: number;
}

/** Internal first-response targets by priority band (001 §3.2), in hours. */
const RESPONSE_TARGET_HOURS = { high: 2, normal: 8, low: 24 } as const;

export interface ClassifyResult {
  type: string;
  priority: number;
  band: string;
  needsCarrier: boolean;
  needsReturn: boolean;
  timings: WorkflowTimings;
}

export async function classify(cases: CaseStore, caseId: string, timings: WorkflowTimings, now: Date): Promise<ClassifyResult> {
  const record = await cases.require(caseId);
  const { score, band } = priorityOf({ tier: record.tier, type: record.type, expedited: record.expedited, orderValue: valueOf(record.orderItems) });
  const responseDueAt = new Date(now.getTime() + RESPONSE_TARGET_HOURS[band] * 3_600_000).toISOString();
  if (record.priority === undefined) {
    await cases.update(caseId, { priority: score, priorityBand: band, responseDueAt });
    await cases.appendTimeline(caseId, { at: now.toISOString(), actor: 'pipeline', event: 'classified', detail: { priority: score, band } });
  }
  return {
    type: record.type,
    priority: score,
    band,
    needsCarrier: CARRIER_TYPES.has(record.type),
    needsReturn: RETURN_FIRST_TYPES.has(record.type),
    timings,
  };
}

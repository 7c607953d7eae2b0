import * as z from 'zod/mini';
import { closeCase } from '../use-cases/steps/close-case.js';
import { caseStores, marketCalendar, marketPolicy } from '../wiring.js';

const { cases, dedupe, sla, reports } = caseStores();
const calendar = marketCalendar(marketPolicy());
const input = z.object({
  caseId: z.string(),
  reason: z.enum(['completed', 'rejected', 'cancelled', 'evidence_expired', 'return_expired', 'survey_expired']),
});

/** Workflow step: the case's last state, counted for the reports. */
export async function handler(event: unknown) {
  const { caseId, reason } = input.parse(event);
  return closeCase({ cases, dedupe, sla, reports, calendar }, caseId, reason, new Date());
}

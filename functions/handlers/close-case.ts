import * as z from 'zod/mini';
import { closeCase } from '../use-cases/steps/close-case.js';
import { caseRedactor, caseStores, marketPolicy } from '../wiring.js';

const { cases, dedupe, sla, privacy } = caseStores();
const redactor = caseRedactor();
const { retentionDays } = marketPolicy().privacy;
const input = z.object({
  caseId: z.string(),
  reason: z.enum(['completed', 'rejected', 'cancelled', 'evidence_expired', 'return_expired', 'survey_expired']),
});

/** Workflow step: the case's last state. */
export async function handler(event: unknown) {
  const { caseId, reason } = input.parse(event);
  return closeCase({ cases, dedupe, sla, privacy: { privacy, redactor, retentionDays } }, caseId, reason, new Date());
}

import * as z from 'zod/mini';
import { closeCase } from '../use-cases/steps/close-case.js';
import { caseStores, metrics, withLambdaContext } from '../wiring.js';

const { cases, dedupe, sla } = caseStores();
const metricSink = metrics();
const input = z.object({
  caseId: z.string(),
  reason: z.enum(['completed', 'rejected', 'cancelled', 'evidence_expired', 'return_expired', 'survey_expired']),
});

/** Workflow step: the case's last state. */
async function handle(event: unknown) {
  const { caseId, reason } = input.parse(event);
  return closeCase({ cases, dedupe, sla, metrics: metricSink }, caseId, reason, new Date());
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

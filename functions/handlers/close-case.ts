import * as z from 'zod/mini';
import { closeCase } from '../use-cases/steps/close-case.js';
import { marketCalendar, marketPolicy } from '../wiring.js';
import { withLambdaContext } from '../wiring/logging.js';
import { metrics } from '../wiring/metrics.js';
import { caseRedactor, caseStore, dedupeStore, privacyStore, reportCounters, slaStore } from '../wiring/stores.js';

const cases = caseStore();
const dedupe = dedupeStore();
const sla = slaStore();
const reports = reportCounters();
const privacy = privacyStore();
const policy = marketPolicy();
const calendar = marketCalendar(policy);
const metricSink = metrics();
const redactor = caseRedactor();
const { retentionDays } = policy.privacy;
const input = z.object({
  caseId: z.string(),
  reason: z.enum(['completed', 'rejected', 'cancelled', 'evidence_expired', 'return_expired', 'survey_expired']),
});

/** Workflow step: the case's last state, counted for the reports. */
async function handle(event: unknown) {
  const { caseId, reason } = input.parse(event);
  return closeCase({ cases, dedupe, sla, reports, calendar, metrics: metricSink, privacy: { privacy, redactor, retentionDays } }, caseId, reason, new Date());
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

import * as z from 'zod/mini';
import { optional, seconds } from '../config.js';
import { classify, type TimingOverrides } from '../use-cases/steps/classify.js';
import { markets } from '../wiring.js';
import { opsAlerts } from '../wiring/alerts.js';
import { withLambdaContext } from '../wiring/logging.js';
import { caseStore, slaStore } from '../wiring/stores.js';

const cases = caseStore();
const sla = slaStore();
const alerts = opsAlerts();
// Each case is decided under its own market's policy and calendar (order.market; the default market without one).
const deploymentMarkets = markets();
const maybe = (name: string) => (optional(name) === undefined ? undefined : seconds(name, 0));
// Durations are configuration so the same state machine runs in days on AWS and in seconds locally.
const overrides: TimingOverrides = {
  carrierRecheckSeconds: seconds('CARRIER_RECHECK_SECONDS', 6 * 3600),
  evidenceWaitSeconds: seconds('EVIDENCE_WAIT_SECONDS', 7 * 86_400),
  returnWaitSeconds: seconds('RETURN_WAIT_SECONDS', 30 * 86_400),
  surveyDelaySeconds: seconds('SURVEY_DELAY_SECONDS', 86_400),
  surveyExpirySeconds: seconds('SURVEY_EXPIRY_SECONDS', 7 * 86_400),
  surveyReminderSeconds: seconds('SURVEY_REMINDER_SECONDS', 3 * 86_400),
  compensationConfirmSeconds: seconds('COMPENSATION_CONFIRM_SECONDS', 3600),
  reviewReminderSeconds: maybe('REVIEW_REMINDER_SECONDS'),
  reviewEscalationSeconds: maybe('REVIEW_ESCALATION_SECONDS'),
  choiceTimeoutSeconds: maybe('CHOICE_TIMEOUT_SECONDS'),
  advanceReturnDeadlineSeconds: maybe('ADVANCE_RETURN_DEADLINE_SECONDS'),
  carrierOutageWaitSeconds: maybe('CARRIER_OUTAGE_WAIT_SECONDS'),
};
const input = z.object({ caseId: z.string() });

/** Workflow step: priority, internal targets, which path the case takes. */
async function handle(event: unknown) {
  const { caseId } = input.parse(event);
  return classify({ cases, sla, alerts, markets: deploymentMarkets, overrides }, caseId, new Date());
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

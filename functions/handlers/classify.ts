import { classifyConfig, readConfig } from '../config/functions.js';
import * as z from 'zod/mini';
import { classify, type TimingOverrides } from '../use-cases/steps/classify.js';
import { markets } from '../wiring.js';
import { opsAlerts } from '../wiring/alerts.js';
import { withLambdaContext } from '../wiring/logging.js';
import { caseStore, slaStore } from '../wiring/stores.js';

const config = readConfig(classifyConfig);
const cases = caseStore(config);
const sla = slaStore(config);
const alerts = opsAlerts(config);
// Each case is decided under its own market's policy and calendar (order.market; the default market without one).
const deploymentMarkets = markets(config);
// Durations are configuration (functions/config/pieces.ts workflowTimings) so the same state machine runs in days on
// AWS and in seconds locally.
const overrides: TimingOverrides = {
  carrierRecheckSeconds: config.CARRIER_RECHECK_SECONDS,
  evidenceWaitSeconds: config.EVIDENCE_WAIT_SECONDS,
  returnWaitSeconds: config.RETURN_WAIT_SECONDS,
  surveyDelaySeconds: config.SURVEY_DELAY_SECONDS,
  surveyExpirySeconds: config.SURVEY_EXPIRY_SECONDS,
  surveyReminderSeconds: config.SURVEY_REMINDER_SECONDS,
  compensationConfirmSeconds: config.COMPENSATION_CONFIRM_SECONDS,
  reviewReminderSeconds: config.REVIEW_REMINDER_SECONDS,
  reviewEscalationSeconds: config.REVIEW_ESCALATION_SECONDS,
  choiceTimeoutSeconds: config.CHOICE_TIMEOUT_SECONDS,
  advanceReturnDeadlineSeconds: config.ADVANCE_RETURN_DEADLINE_SECONDS,
  carrierOutageWaitSeconds: config.CARRIER_OUTAGE_WAIT_SECONDS,
};
const input = z.object({ caseId: z.string() });

/** Workflow step: priority, internal targets, which path the case takes. */
async function handle(event: unknown) {
  const { caseId } = input.parse(event);
  return classify({ cases, sla, alerts, markets: deploymentMarkets, overrides }, caseId, new Date());
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

import * as z from 'zod/mini';
import { seconds } from '../config.js';
import { classify } from '../use-cases/steps/classify.js';
import { caseStores } from '../wiring.js';

const { cases } = caseStores();
// Durations are configuration so the same state machine runs in days on AWS and in seconds locally.
const timings = {
  carrierRecheckSeconds: seconds('CARRIER_RECHECK_SECONDS', 6 * 3600),
  evidenceWaitSeconds: seconds('EVIDENCE_WAIT_SECONDS', 7 * 86_400),
  returnWaitSeconds: seconds('RETURN_WAIT_SECONDS', 30 * 86_400),
  surveyDelaySeconds: seconds('SURVEY_DELAY_SECONDS', 86_400),
  surveyExpirySeconds: seconds('SURVEY_EXPIRY_SECONDS', 7 * 86_400),
};
const input = z.object({ caseId: z.string() });

/** Workflow step: priority, internal response target, which path the case takes. */
export async function handler(event: unknown) {
  const { caseId } = input.parse(event);
  return classify(cases, caseId, timings, new Date());
}

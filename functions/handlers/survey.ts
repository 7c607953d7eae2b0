import * as z from 'zod/mini';
import { openSurvey } from '../use-cases/steps/open-survey.js';
import { caseStores, caseWorkflow, markets, noticeQueue, withLambdaContext } from '../wiring.js';

const { cases, waits, surveys, satisfaction } = caseStores();
const workflow = caseWorkflow();
const notices = noticeQueue();
// The invitation is counted on its local day in the case's market's zone.
const deploymentMarkets = markets();
const input = z.object({ caseId: z.string(), taskToken: z.string().check(z.minLength(1)), expirySeconds: z.int().check(z.positive()) });

/** Workflow step (waitForTaskToken): sends the survey and waits for the answer. */
async function handle(event: unknown) {
  const { caseId, taskToken, expirySeconds } = input.parse(event);
  await openSurvey({ cases, waits, workflow, surveys, notices, satisfaction, markets: deploymentMarkets }, caseId, taskToken, expirySeconds, new Date());
  return { surveyOpened: true };
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

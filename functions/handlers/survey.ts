import { surveyConfig, readConfig } from '../config/functions.js';
import * as z from 'zod/mini';
import { openSurvey } from '../use-cases/steps/open-survey.js';
import { withLambdaContext } from '../wiring/logging.js';
import { noticeQueue } from '../wiring/queues.js';
import { caseStore, satisfactionStore, surveyStore, waitStore } from '../wiring/stores.js';
import { caseWorkflow } from '../wiring/workflow.js';
import { markets } from '../wiring.js';

const config = readConfig(surveyConfig);
const cases = caseStore(config);
const waits = waitStore(config);
const surveys = surveyStore(config);
const satisfaction = satisfactionStore(config);
const workflow = caseWorkflow();
const notices = noticeQueue(config);
// The invitation is counted on its local day in the case's market's zone.
const deploymentMarkets = markets(config);
const input = z.object({ caseId: z.string(), taskToken: z.string().check(z.minLength(1)), expirySeconds: z.int().check(z.positive()) });

/** Workflow step (waitForTaskToken): sends the survey and waits for the answer. */
async function handle(event: unknown) {
  const { caseId, taskToken, expirySeconds } = input.parse(event);
  await openSurvey({ cases, waits, workflow, surveys, notices, satisfaction, markets: deploymentMarkets }, caseId, taskToken, expirySeconds, new Date());
  return { surveyOpened: true };
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

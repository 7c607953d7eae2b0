import { surveyConfig, readConfig } from '../config/functions.js';
import * as z from 'zod/mini';
import { openSurvey, remindSurvey } from '../use-cases/steps/open-survey.js';
import { withLambdaContext } from '../wiring/logging.js';
import { noticeQueue } from '../wiring/queues.js';
import { caseStore, satisfactionStore, surveyStore, waitStore } from '../wiring/stores.js';
import { caseWorkflow } from '../wiring/workflow.js';
import { marketPolicies } from '../wiring/market-policies.js';

const config = readConfig(surveyConfig);
const cases = caseStore(config);
const waits = waitStore(config);
const surveys = surveyStore(config);
const satisfaction = satisfactionStore(config);
const workflow = caseWorkflow();
const notices = noticeQueue(config);
// The invitation is counted on its local day in the case's market's zone.
const deploymentMarkets = marketPolicies(config);
const token = z.string().check(z.minLength(1));
// Without `stage`: the Survey step opens the survey (as every release's workflow calls it). `reminder`: SurveyReminded
// reminds and waits on; a workflow started before it sends the reminder from a step of its own and waits with await-event.
const input = z.union([
  z.object({ caseId: z.string(), taskToken: token, stage: z.literal('reminder'), round: z._default(z.int().check(z.nonnegative()), 0) }),
  z.object({ caseId: z.string(), taskToken: token, expirySeconds: z.int().check(z.positive()) }),
]);

/** Workflow step (waitForTaskToken): sends the survey, or its reminder, and waits for the answer. */
async function handle(event: unknown) {
  const request = input.parse(event);
  if ('stage' in request) {
    await remindSurvey({ cases, waits, workflow, notices }, request.caseId, request.taskToken, request.round, new Date());
    return { surveyReminded: true };
  }
  await openSurvey({ cases, waits, workflow, surveys, notices, satisfaction, markets: deploymentMarkets }, request.caseId, request.taskToken, request.expirySeconds, new Date());
  return { surveyOpened: true };
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

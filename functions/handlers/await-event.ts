import { awaitEventConfig, readConfig } from '../config/functions.js';
import * as z from 'zod/mini';
import { awaitEvent } from '../use-cases/steps/await-event.js';
import { withLambdaContext } from '../wiring/logging.js';
import { caseStore, waitStore } from '../wiring/stores.js';
import { caseWorkflow } from '../wiring/workflow.js';

const config = readConfig(awaitEventConfig);
const cases = caseStore(config);
const waits = waitStore(config);
const workflow = caseWorkflow();
const input = z.object({
  caseId: z.string(),
  kind: z.enum(['evidence', 'return', 'manual_review', 'remedy_choice', 'compensation', 'survey']),
  taskToken: z.string().check(z.minLength(1)),
  review: z.optional(z.object({ reminderSeconds: z.number(), escalationSeconds: z.number() })),
});

/** Workflow step (waitForTaskToken): parks the token until the awaited event arrives (evidence, return parcel, operator decision, customer's choice, payment confirmation, the survey answer after its reminder). */
async function handle(event: unknown) {
  const { caseId, kind, taskToken, review } = input.parse(event);
  await awaitEvent({ cases, waits, workflow }, caseId, kind, taskToken, new Date(), review);
  return { registered: kind };
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

import { awaitEventConfig, readConfig } from '../config/functions.js';
import type { ConfigOf } from '../config/read.js';
import * as z from 'zod/mini';
import { awaitEvent } from '../use-cases/steps/await-event.js';
import { withLambdaContext } from '../wiring/logging.js';
import { caseStore, waitStore } from '../wiring/stores.js';
import { caseWorkflow } from '../wiring/workflow.js';

const input = z.object({
  caseId: z.string(),
  kind: z.enum(['evidence', 'return', 'manual_review', 'remedy_choice', 'compensation', 'survey']),
  taskToken: z.string().check(z.minLength(1)),
  review: z.optional(z.object({ reminderSeconds: z.number(), escalationSeconds: z.number() })),
});

/** The step built from a configuration: its own, read at cold start (below); a test may pass another. */
export function createHandler(config: ConfigOf<typeof awaitEventConfig>) {
  const [cases, waits, workflow] = [caseStore(config), waitStore(config), caseWorkflow()];

  /** Workflow step (waitForTaskToken): parks the token until the awaited event arrives (evidence, return parcel, operator decision, customer's choice, payment confirmation, the survey answer after its reminder). */
  async function handle(event: unknown) {
    const { caseId, kind, taskToken, review } = input.parse(event);
    await awaitEvent({ cases, waits, workflow }, caseId, kind, taskToken, new Date(), review);
    return { registered: kind };
  }
  // The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext).
  return withLambdaContext(handle);
}

export const handler = createHandler(readConfig(awaitEventConfig));

import * as z from 'zod/mini';
import { awaitEvent } from '../use-cases/steps/await-event.js';
import { caseStores, caseWorkflow } from '../wiring.js';

const { cases, waits } = caseStores();
const workflow = caseWorkflow();
const input = z.object({ caseId: z.string(), kind: z.enum(['evidence', 'return']), taskToken: z.string().check(z.minLength(1)) });

/** Workflow step (waitForTaskToken): parks the token until the customer's evidence or return parcel arrives. */
export async function handler(event: unknown) {
  const { caseId, kind, taskToken } = input.parse(event);
  await awaitEvent({ cases, waits, workflow }, caseId, kind, taskToken, new Date());
  return { registered: kind };
}

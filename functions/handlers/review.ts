import { z } from 'zod';
import { review } from '../use-cases/steps/review.js';
import { calendar, caseStores, policy } from '../wiring.js';

const { cases } = caseStores();
const input = z.object({ caseId: z.string() });

/** Workflow step: the policy decision. */
export async function handler(event: unknown) {
  const { caseId } = input.parse(event);
  return review(cases, caseId, policy, calendar, new Date());
}

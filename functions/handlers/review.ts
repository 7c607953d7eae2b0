import * as z from 'zod/mini';
import { review } from '../use-cases/steps/review.js';
import { caseStores, marketCalendar, marketPolicy } from '../wiring.js';

const { cases } = caseStores();
const policy = marketPolicy();
const calendar = marketCalendar(policy);
const input = z.object({ caseId: z.string() });

/** Workflow step: the policy decision. */
export async function handler(event: unknown) {
  const { caseId } = input.parse(event);
  return review(cases, caseId, policy, calendar, new Date());
}

import * as z from 'zod/mini';
import { review } from '../use-cases/steps/review.js';
import { defaultPolicy as policy } from '../domain/policy.js';
import { cnCalendar as calendar } from '../domain/cn-calendar.js';
import { caseStores } from '../wiring.js';

const { cases } = caseStores();
const input = z.object({ caseId: z.string() });

/** Workflow step: the policy decision. */
export async function handler(event: unknown) {
  const { caseId } = input.parse(event);
  return review(cases, caseId, policy, calendar, new Date());
}

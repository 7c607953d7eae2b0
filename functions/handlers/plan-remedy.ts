import * as z from 'zod/mini';
import { planRemedy } from '../use-cases/steps/plan-remedy.js';
import { caseStores, marketPolicy } from '../wiring.js';

const { cases } = caseStores();
const policy = marketPolicy();
const input = z.object({ caseId: z.string(), applyDefault: z._default(z.boolean(), false) });

/** Workflow step: the remedy of an approved case, after the customer's choice where they have one. */
export async function handler(event: unknown) {
  const { caseId, applyDefault } = input.parse(event);
  return planRemedy({ cases, policy }, caseId, new Date(), applyDefault);
}

import * as z from 'zod/mini';
import { HttpCarrierTracker } from '../adapters/carrier-tracker.js';
import { optional, required } from '../config.js';
import { carrierLookup } from '../use-cases/steps/carrier-lookup.js';
import { cnCalendar as calendar } from '../domain/cn-calendar.js';
import { caseStores, marketPolicy } from '../wiring.js';

const { cases } = caseStores();
const policy = marketPolicy();
const tracker = new HttpCarrierTracker(required('CARRIER_API_URL'), optional('CARRIER_API_KEY'));
const input = z.object({ caseId: z.string() });

/** Workflow step: confirms a loss or measures a delay from the carrier's tracking. */
export async function handler(event: unknown) {
  const { caseId } = input.parse(event);
  return carrierLookup({ cases, tracker, policy, calendar }, caseId, new Date());
}

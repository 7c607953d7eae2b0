import * as z from 'zod/mini';
import { trackerFromConfig } from '../adapters/carriers/from-config.js';
import { TRACKING_PROVIDERS } from '../adapters/carriers/routing.js';
import type { CarrierTracker } from '../adapters/carrier-tracker.js';
import { optional, required } from '../config.js';
import { carrierLookup } from '../use-cases/steps/carrier-lookup.js';
import { caseStores, marketCalendar, marketPolicy, secretValue } from '../wiring.js';

const { cases } = caseStores();
const policy = marketPolicy();
const calendar = marketCalendar(policy);
const provider = z.enum(TRACKING_PROVIDERS).parse(optional('CARRIER_PROVIDER') ?? 'simulator');
// One provider for every carrier by default; CARRIER_TRACKING (full JSON) routes carriers to several providers.
const trackingConfig =
  optional('CARRIER_TRACKING') ??
  JSON.stringify({
    routing: { default: provider },
    providers: { [provider]: { baseUrl: required('CARRIER_API_URL'), codes: JSON.parse(optional('CARRIER_CODES') ?? '{}') } },
  });
let tracker: CarrierTracker | undefined;
const input = z.object({ caseId: z.string() });

/** Workflow step: confirms a loss or measures a delay from the carrier's tracking. */
export async function handler(event: unknown) {
  const { caseId } = input.parse(event);
  tracker ??= trackerFromConfig(trackingConfig, { [provider]: optional('CARRIER_API_KEY') ?? (optional('CARRIER_API_KEY_SECRET_ARN') ? await secretValue('CARRIER_API_KEY') : '') });
  return carrierLookup({ cases, tracker, policy, calendar }, caseId, new Date());
}

import { planRemedyConfig, readConfig } from '../config/functions.js';
import type { ConfigOf } from '../config/read.js';
import * as z from 'zod/mini';
import { planRemedy } from '../use-cases/steps/plan-remedy.js';
import { markets } from '../wiring.js';
import { withLambdaContext } from '../wiring/logging.js';
import { caseStore } from '../wiring/stores.js';

const input = z.object({ caseId: z.string(), applyDefault: z._default(z.boolean(), false) });

/** The step built from a configuration: its own, read at cold start (below); a test may pass another. */
export function createHandler(config: ConfigOf<typeof planRemedyConfig>) {
  const cases = caseStore(config);
  // Each case is decided under its own market's policy and calendar (order.market; the default market without one).
  const deploymentMarkets = markets(config);

  /** Workflow step: the remedy of an approved case, after the customer's choice where they have one. */
  async function handle(event: unknown) {
    const { caseId, applyDefault } = input.parse(event);
    return planRemedy({ cases, markets: deploymentMarkets }, caseId, new Date(), applyDefault);
  }
  // The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext).
  return withLambdaContext(handle);
}

export const handler = createHandler(readConfig(planRemedyConfig));

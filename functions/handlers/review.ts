import { reviewConfig, readConfig } from '../config/functions.js';
import type { ConfigOf } from '../config/read.js';
import * as z from 'zod/mini';
import { review } from '../use-cases/steps/review.js';
import { markets } from '../wiring.js';
import { withLambdaContext } from '../wiring/logging.js';
import { metrics } from '../wiring/metrics.js';
import { caseStore } from '../wiring/stores.js';

const input = z.object({ caseId: z.string() });

/** The step built from a configuration: its own, read at cold start (below); a test may pass another. */
export function createHandler(config: ConfigOf<typeof reviewConfig>) {
  const cases = caseStore(config);
  // Each case is decided under its own market's policy and calendar (order.market; the default market without one).
  const deploymentMarkets = markets(config);
  const metricSink = metrics(config);

  /** Workflow step: the policy decision. */
  async function handle(event: unknown) {
    const { caseId } = input.parse(event);
    const result = await review(cases, caseId, deploymentMarkets, new Date());
    // The policy's decision (approve, reject, needs_evidence, manual: an operator decides, counted then).
    metricSink.count('Decisions', { DecidedBy: 'policy', Decision: result.decision });
    return result;
  }
  // The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext).
  return withLambdaContext(handle);
}

export const handler = createHandler(readConfig(reviewConfig));

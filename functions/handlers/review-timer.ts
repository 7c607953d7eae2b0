import { reviewTimerConfig, readConfig } from '../config/functions.js';
import type { ConfigOf } from '../config/read.js';
import * as z from 'zod/mini';
import { reviewTimer } from '../use-cases/steps/review-timer.js';
import { opsAlerts } from '../wiring/alerts.js';
import { withLambdaContext } from '../wiring/logging.js';
import { caseStore } from '../wiring/stores.js';

const input = z.object({ caseId: z.string(), stage: z.enum(['reminder', 'escalation']) });

/** The step built from a configuration: its own, read at cold start (below); a test may pass another. */
export function createHandler(config: ConfigOf<typeof reviewTimerConfig>) {
  const cases = caseStore(config);
  const alerts = opsAlerts(config);

  /** Workflow step: an undecided operator review reached its reminder or escalation target. */
  async function handle(event: unknown) {
    const { caseId, stage } = input.parse(event);
    return reviewTimer({ cases, alerts }, caseId, stage, new Date());
  }
  // The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext).
  return withLambdaContext(handle);
}

export const handler = createHandler(readConfig(reviewTimerConfig));

import { closeCaseConfig, readConfig } from '../config/functions.js';
import type { ConfigOf } from '../config/read.js';
import * as z from 'zod/mini';
import { closeCase } from '../use-cases/steps/close-case.js';
import { markets } from '../wiring.js';
import { withLambdaContext } from '../wiring/logging.js';
import { metrics } from '../wiring/metrics.js';
import { caseRedactor, privacyStore } from '../wiring/privacy-stores.js';
import { caseStore, dedupeStore, reportCounters, slaStore } from '../wiring/stores.js';

const input = z.object({
  caseId: z.string(),
  reason: z.enum(['completed', 'rejected', 'cancelled', 'evidence_expired', 'return_expired', 'survey_expired']),
});

/** The step built from a configuration: its own, read at cold start (below); a test may pass another. */
export function createHandler(config: ConfigOf<typeof closeCaseConfig>) {
  const [cases, dedupe, sla, reports, privacy] = [caseStore(config), dedupeStore(config), slaStore(config), reportCounters(config), privacyStore(config)];
  // Each case is decided under its own market's policy and calendar (order.market; the default market without one).
  const deploymentMarkets = markets(config);
  const metricSink = metrics(config);
  const redactor = caseRedactor(config);

  /** Workflow step: the case's last state, counted for the reports. */
  async function handle(event: unknown) {
    const { caseId, reason } = input.parse(event);
    return closeCase({ cases, dedupe, sla, reports, markets: deploymentMarkets, metrics: metricSink, privacy: { privacy, redactor } }, caseId, reason, new Date());
  }
  // The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext).
  return withLambdaContext(handle);
}

export const handler = createHandler(readConfig(closeCaseConfig));

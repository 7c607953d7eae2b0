import { statusPageConfig, readConfig } from '../config/functions.js';
import type { ConfigOf } from '../config/read.js';
import { statusPageApp } from '../http/status-page-app.js';
import { marketPolicies } from '../wiring/market-policies.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { keyRing, secretsMaxAgeSeconds } from '../wiring/secrets.js';
import { caseStore, waitStore } from '../wiring/stores.js';
import { lazyCaseWorkflow } from '../wiring/lazy-workflow.js';

/** The status page built from a configuration: its own, read at cold start (below); a test may pass another. */
export function createHandler(config: ConfigOf<typeof statusPageConfig>) {
  const [cases, waits, workflow] = [caseStore(config), waitStore(config), lazyCaseWorkflow()];
  // Each case is shown under its own market's policy and zone (order.market; the default market without one).
  const deploymentMarkets = marketPolicies(config);
  /**
   * After a rotation, links signed with the previous key open if they expire within this long of the rotation: a
   * link's lifetime, plus the cache age during which a notifier may still sign with the old key.
   */
  const previousKeyWindowMs = (config.STATUS_LINK_DAYS * 86_400 + secretsMaxAgeSeconds(config)) * 1000;
  const statusKeys = (opts?: { fresh?: boolean }) => keyRing(config.STATUS_LINK_SECRET, config, opts);

  /** The customer's status page and choice while on hold, from a signed link (functions/http/status-page-app.ts). */
  const app = statusPageApp({ cases, waits, workflow, markets: deploymentMarkets, statusKeys, previousKeyWindowMs, logger });
  // The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext).
  return withLambdaContext(app);
}

export const handler = createHandler(readConfig(statusPageConfig));

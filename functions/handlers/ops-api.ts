import { opsApiConfig, readConfig } from '../config/functions.js';
import type { ConfigOf } from '../config/read.js';
import { opsApiApp, type OpsApiBase } from '../http/ops-api-app.js';
import { opsAlerts } from '../wiring/alerts.js';
import { checkDefaultMarket } from '../wiring/default-market.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { onFirstUse } from '../wiring/on-first-use.js';
import { caseStore } from '../wiring/table.js';

/** The operations API built from a configuration: its own, read at cold start (below); a test may pass another. */
export function createHandler(config: ConfigOf<typeof opsApiConfig>) {
  // The markets are built on first use (below), but a default market without a valid policy stops the function here.
  checkDefaultMarket(config);
  // What the router answers with itself (the review queue, the alerts): built at cold start.
  const base: OpsApiBase = { cases: caseStore(config), alerts: opsAlerts(config), logger };
  // The other stores, the markets and metrics: built with the first request a route group serves (wiring/ops-api-deps.ts).
  // A failed import or build is not kept: the next request retries.
  const loadGroupDeps = onFirstUse(() =>
    import('../wiring/ops-api-deps.js').then(({ opsApiDeps }) => {
      try {
        return opsApiDeps(config, base);
      } catch (error) {
        // A configuration error (a market's calendar, say): its message names markets and years, never a person.
        logger.error('ops route groups could not be built', { errorMessage: error instanceof Error ? error.message : String(error) });
        throw error;
      }
    }),
  );
  // Routes, roles and answers: functions/http/ops-api-app.ts and its route modules (docs/operations.md).
  // Operations API: /ops/*, behind the operators' JWT authorizer. Logs carry the invocation's request id and cold start (wiring.ts withLambdaContext).
  return withLambdaContext(opsApiApp(base, loadGroupDeps));
}

export const handler = createHandler(readConfig(opsApiConfig));

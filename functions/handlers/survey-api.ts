import { surveyApiConfig, readConfig } from '../config/functions.js';
import type { ConfigOf } from '../config/read.js';
import { surveyApp } from '../http/survey-app.js';
import { marketPolicies } from '../wiring/market-policies.js';
import { opsAlerts } from '../wiring/alerts.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { caseStore, followUpStore, satisfactionStore, surveyStore, waitStore } from '../wiring/stores.js';
import { lazyCaseWorkflow } from '../wiring/lazy-workflow.js';

/** The survey API built from a configuration: its own, read at cold start (below); a test may pass another. */
export function createHandler(config: ConfigOf<typeof surveyApiConfig>) {
  const [cases, surveys, waits] = [caseStore(config), surveyStore(config), waitStore(config)];
  const [satisfaction, followUps, alerts] = [satisfactionStore(config), followUpStore(config), opsAlerts(config)];
  const workflow = lazyCaseWorkflow();
  // Each case is counted under its own market's policy and zone (order.market; the default market without one).
  const deploymentMarkets = marketPolicies(config);

  /** GET /surveys/{token}: the form. POST /surveys/{token}: the answer (form-encoded from the page, or JSON); functions/http/survey-app.ts. */
  const app = surveyApp({ cases, surveys, waits, workflow, satisfaction, followUps, alerts, markets: deploymentMarkets, logger });
  // The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext).
  return withLambdaContext(app);
}

export const handler = createHandler(readConfig(surveyApiConfig));

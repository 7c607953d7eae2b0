/**
 * How much each audience of the HTTP API may ask of it, and how many queue consumers may run at once: the one place
 * these numbers live. The CDK stack writes them into the API stage's route settings and the SQS event source mappings;
 * the local runtime reads them back from the synthesized template (local/cfn), so `npm start` throttles exactly as
 * the deployed API does. Why each value: docs/operations.md, "Limits, keys and access".
 */

/** API Gateway's token bucket: `burstLimit` requests at once, refilled at `rateLimit` per second. */
export interface RouteLimit {
  rateLimit: number;
  burstLimit: number;
}

export type RouteGroup = 'orderPlatformWebhooks' | 'carrierPushes' | 'customerPages' | 'operations';

export interface RouteGroupLimit extends RouteLimit {
  /** HTTP API route keys (`METHOD /path`); API Gateway keeps one bucket per route key, each with these limits. */
  routes: readonly string[];
}

export const ROUTE_LIMITS: Readonly<Record<RouteGroup, RouteGroupLimit>> = {
  // One event per customer action or instruction; a sale-day peak of a large shop stays well under 100/s. Its own
  // bucket: nothing a customer or a provider does can take it away.
  orderPlatformWebhooks: { routes: ['POST /webhooks/order-platform'], rateLimit: 100, burstLimit: 200 },
  // Providers push in bursts when they catch up (a backlog of checkpoints), then go quiet.
  carrierPushes: { routes: ['POST /webhooks/carriers/{provider}'], rateLimit: 50, burstLimit: 100 },
  // Unauthenticated until the token is checked, each call a Lambda invocation: people reading a page or answering
  // a survey, a few requests each.
  customerPages: {
    routes: ['GET /surveys/{token}', 'POST /surveys/{token}', 'GET /cases/{caseId}/status', 'POST /cases/{caseId}/status'],
    rateLimit: 20,
    burstLimit: 40,
  },
  // A team of operators: the ops API behind the Cognito authorizer, and the console's pages (a few requests a click).
  operations: { routes: ['ANY /ops/{proxy+}', 'GET /console', 'GET /console/{proxy+}', 'POST /console/{proxy+}'], rateLimit: 50, burstLimit: 100 },
};

/** The stage default: any route not named above (none today; a new route gets a decision or this). */
export const DEFAULT_ROUTE_LIMIT: RouteLimit = { rateLimit: 50, burstLimit: 100 };

/**
 * Concurrent invocations an SQS event source may start (Lambda's MaximumConcurrency, 2 to 1000). Without it Lambda
 * scales a queue's consumers up to the account's concurrency, and a backlog becomes a burst on the table, Step
 * Functions' StartExecution quota, SES's sending rate and the SMS origination identity's parts per second.
 */
export const QUEUE_CONSUMER_CONCURRENCY = {
  /** StartCase: up to 10 events per batch, each a few table writes and a StartExecution. */
  intake: 5,
  /** Notifier: one email or SMS per message; SES's default production rate is 14 per second. */
  notices: 2,
} as const;

/** The group a route key belongs to, or undefined for a route without its own limits. */
export function routeGroupOf(routeKey: string): RouteGroup | undefined {
  return (Object.keys(ROUTE_LIMITS) as RouteGroup[]).find((group) => ROUTE_LIMITS[group].routes.includes(routeKey));
}

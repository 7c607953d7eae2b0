import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { AccessLog } from '../adapters/access-log.js';
import type { MetricSink } from '../adapters/business-metrics.js';
import type { CaseSearch } from '../adapters/case-search.js';
import type { OpsAlerts } from '../adapters/ops-alerts.js';
import type { PrivacyStore } from '../adapters/privacy-store.js';
import type { QueueSender } from '../adapters/queues.js';
import type { DecideDeps } from '../use-cases/decide-case.js';
import type { DelayNoticeMessage } from '../use-cases/pause-case.js';
import { reviewListEntry } from '../use-cases/case-report.js';
import type { ReportDeps } from '../use-cases/reports.js';
import type { SlaDeps } from '../use-cases/sla-clock.js';
import { bindOperator, isCanonicalOpsPath, mayCall, operatorFrom } from './ops-auth.js';
import { registerCaseRoutes } from './ops-case-routes.js';
import { registerDecisionRoutes } from './ops-decision-routes.js';
import { registerFollowUpRoutes, type FollowUpRouteDeps } from './ops-follow-up-routes.js';
import { registerPrivacyRoutes } from './ops-privacy-routes.js';
import { registerReportRoutes } from './ops-report-routes.js';
import { registerSlaRoutes, slaListResponse } from './ops-sla-routes.js';

/** What the ops API's routes read and write, built once at cold start by functions/handlers/ops-api.ts. */
export interface OpsApiDeps extends DecideDeps, SlaDeps, FollowUpRouteDeps, Omit<ReportDeps, 'markets'> {
  alerts: OpsAlerts;
  privacy: PrivacyStore;
  search: CaseSearch;
  accessLog: AccessLog;
  /** The default market's zone: search days are its local days. */
  timeZone: string;
  /** Made at the first pause: only a pause sends a notice. */
  notices: () => Pick<QueueSender<DelayNoticeMessage>, 'send'>;
  metrics: MetricSink;
  logger: { info(message: string, detail: Record<string, unknown>): void; error(message: string, detail: Record<string, unknown>): void };
}

type Result = { statusCode: number; headers: Record<string, string>; body: string };

const reply = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });
/** Answered before the router runs: the gate's own plain JSON answers (no cache-control, as the authorizer's would be). */
const gate = (statusCode: number, body: unknown, headers: Record<string, string> = {}): Result => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** The operations API's routes on one Powertools router, each route group in its own module (functions/http/ops-*-routes.ts). */
function opsRouter(deps: OpsApiDeps): Router {
  const app = new Router();
  const { logger } = deps;
  // The case view, search and export, assignment and the access log (docs/operations.md).
  registerCaseRoutes(app, { ...deps, privacyTrail: async (id) => (await deps.privacy.get(id))?.history, slaList: (req) => slaListResponse(deps, req, reply) }, reply);
  // Privacy requests from the order platform: progress, audit trail and exports (docs/privacy.md).
  registerPrivacyRoutes(app, deps, reply);
  /** Pending operator reviews, highest priority first, then nearest escalation target. */
  app.get('/ops/reviews', async () => reply(200, { reviews: (await deps.cases.listByStatus('awaiting_review', 100)).map(reviewListEntry) }));
  registerDecisionRoutes(app, deps, reply, (message, detail) => logger.info(message, detail), deps.metrics);
  app.get('/ops/alerts', async () => reply(200, { alerts: await deps.alerts.recent(100) }));
  registerFollowUpRoutes(app, deps, reply, (message, detail) => logger.info(message, detail));
  // Volume, resolution time, compensation cost, costs, satisfaction and the carrier scorecard (docs/operations.md "Reports").
  registerReportRoutes(app, deps, reply);
  // SLA lists, pause and resume (docs/sla.md).
  registerSlaRoutes(app, deps, reply);
  app.notFound(async () => reply(404, { error: 'not_found', message: 'No such operations endpoint.' }));
  app.errorHandler(Error, async (error) => {
    logger.error('ops request failed', { errorName: error.name });
    // A decision may have been recorded before the failure: the operator reads the case before trying again.
    return reply(500, { error: 'internal_error', message: 'The request failed. Read the case to see what was recorded before trying again.' });
  });
  return app;
}

/**
 * The operations API, /ops/*, behind the operators' JWT authorizer (Cognito in AWS, the local gateway's operators
 * locally): no operator is a 401, a path that is not canonical a 404, a role too weak for the route a 403, before any
 * route runs.
 */
export function opsApiApp(deps: OpsApiDeps) {
  const app = opsRouter(deps);
  return async (event: APIGatewayProxyEventV2, context: Context) => {
    const operator = operatorFrom(event);
    if (!operator) return gate(401, { error: 'unauthorized', message: 'Operator credentials are required.' }, { 'www-authenticate': 'Bearer' });
    if (!isCanonicalOpsPath(event.rawPath)) return gate(404, { error: 'not_found', message: 'No such operations endpoint.' });
    const access = mayCall(operator, event.requestContext.http.method, event.rawPath);
    if (!access.allowed) return gate(403, { error: 'forbidden', needs: access.needs, message: `This needs the ${access.needs} role.` });
    bindOperator(event, operator);
    return app.resolve(event, context);
  };
}

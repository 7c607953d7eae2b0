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
import type { FollowUpRouteDeps } from './ops-follow-up-routes.js';

/**
 * What the ops API's route groups read and write: built by functions/wiring/ops-api-deps.ts with the first request a
 * group serves (functions/handlers/ops-api.ts), once per cold start.
 */
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

/** What the router answers with itself (the review queue and the alerts, the error log): built at cold start. */
export type OpsApiBase = Pick<OpsApiDeps, 'cases' | 'alerts' | 'logger'>;

type Result = { statusCode: number; headers: Record<string, string>; body: string };

const reply = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });
/** Answered before the router runs: the gate's own plain JSON answers (no cache-control, as the authorizer's would be). */
const gate = (statusCode: number, body: unknown, headers: Record<string, string> = {}): Result => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

type Reply = typeof reply;
type Register = (app: Router, deps: OpsApiDeps, reply: Reply) => void;

/**
 * The route groups, each in its own module (functions/http/ops-*-routes.ts), imported by the first request it serves
 * (esbuild puts each in its own chunk): a cold start loads the router and the one group its request needs, not the
 * code of every route. `serves` is a superset of the group's routes (any id where the route has `:caseId`): a request
 * it sends to a group that has no such route gets that router's 404, as the single router answered before.
 */
const GROUPS: Array<{ serves: (method: string, path: string) => boolean; load: () => Promise<Register> }> = [
  // The case view, search and export, assignment and the access log (docs/operations.md); `?sla=` lists (docs/sla.md).
  {
    serves: (method, path) => (method === 'GET' && /^\/ops\/(cases|cases\/[^/]+|audit)$/.test(path)) || (method === 'POST' && /^\/ops\/cases\/[^/]+\/assign$/.test(path)),
    load: async () => {
      const [{ registerCaseRoutes }, { slaListResponse }] = await Promise.all([import('./ops-case-routes.js'), import('./ops-sla-routes.js')]);
      return (app, deps, reply) =>
        registerCaseRoutes(app, { ...deps, privacyTrail: async (id) => (await deps.privacy.get(id))?.history, slaList: (req) => slaListResponse(deps, req, reply) }, reply);
    },
  },
  // Privacy requests from the order platform: progress, audit trail and exports (docs/privacy.md).
  { serves: (method, path) => method === 'GET' && path.startsWith('/ops/privacy/'), load: async () => (await import('./ops-privacy-routes.js')).registerPrivacyRoutes },
  {
    serves: (method, path) => method === 'POST' && /^\/ops\/cases\/[^/]+\/decision$/.test(path),
    load: async () => {
      const { registerDecisionRoutes } = await import('./ops-decision-routes.js');
      return (app, deps, reply) => registerDecisionRoutes(app, deps, reply, (message, detail) => deps.logger.info(message, detail), deps.metrics);
    },
  },
  {
    serves: (method, path) => (method === 'GET' && path === '/ops/follow-ups') || (method === 'POST' && /^\/ops\/cases\/[^/]+\/follow-up$/.test(path)),
    load: async () => {
      const { registerFollowUpRoutes } = await import('./ops-follow-up-routes.js');
      return (app, deps, reply) => registerFollowUpRoutes(app, deps, reply, (message, detail) => deps.logger.info(message, detail));
    },
  },
  // Volume, resolution time, compensation cost, costs, satisfaction and the carrier scorecard (docs/operations.md "Reports").
  { serves: (method, path) => method === 'GET' && path.startsWith('/ops/reports/'), load: async () => (await import('./ops-report-routes.js')).registerReportRoutes },
  // SLA pause and resume (docs/sla.md).
  { serves: (method, path) => method === 'POST' && /^\/ops\/cases\/[^/]+\/(pause|resume)$/.test(path), load: async () => (await import('./ops-sla-routes.js')).registerSlaRoutes },
];

/** A Powertools router with the ops API's 404 and error answers, and `register`'s routes on it. */
function opsRouter(deps: Pick<OpsApiBase, 'logger'>, register: (app: Router) => void): Router {
  const app = new Router();
  register(app);
  app.notFound(async () => reply(404, { error: 'not_found', message: 'No such operations endpoint.' }));
  app.errorHandler(Error, async (error) => {
    // `code` (e.g. ERR_MODULE_NOT_FOUND for a chunk that failed to load) names the cause without personal data.
    deps.logger.error('ops request failed', { errorName: error.name, errorCode: (error as { code?: unknown }).code });
    // A decision may have been recorded before the failure: the operator reads the case before trying again.
    return reply(500, { error: 'internal_error', message: 'The request failed. Read the case to see what was recorded before trying again.' });
  });
  return app;
}

/** The routes small enough to keep in the router itself, and every request no group serves (its 404). */
function baseRouter(deps: OpsApiBase): Router {
  return opsRouter(deps, (app) => {
    /** Pending operator reviews, highest priority first, then nearest escalation target. */
    app.get('/ops/reviews', async () => reply(200, { reviews: (await deps.cases.listByStatus('awaiting_review', 100)).map(reviewListEntry) }));
    app.get('/ops/alerts', async () => reply(200, { alerts: await deps.alerts.recent(100) }));
  });
}

/**
 * The router of each group, made when its module and the groups' stores (`groupDeps`) are first loaded; a failed
 * import is not kept (the next request retries).
 */
function groupRouters(groupDeps: () => Promise<OpsApiDeps>) {
  const routers = new Map<(typeof GROUPS)[number], Promise<Router>>();
  return (group: (typeof GROUPS)[number]): Promise<Router> => {
    let router = routers.get(group);
    if (!router) {
      router = Promise.all([group.load(), groupDeps()]).then(([register, deps]) => opsRouter(deps, (app) => register(app, deps, reply)));
      routers.set(group, router);
      router.catch(() => routers.delete(group));
    }
    return router;
  };
}

/**
 * The operations API, /ops/*, behind the operators' JWT authorizer (Cognito in AWS, the local gateway's operators
 * locally): no operator is a 401, a path that is not canonical a 404, a role too weak for the route a 403, before any
 * route runs.
 */
export function opsApiApp(deps: OpsApiBase, groupDeps: () => Promise<OpsApiDeps>) {
  const base = baseRouter(deps);
  const routerOf = groupRouters(groupDeps);
  return async (event: APIGatewayProxyEventV2, context: Context) => {
    const operator = operatorFrom(event);
    if (!operator) return gate(401, { error: 'unauthorized', message: 'Operator credentials are required.' }, { 'www-authenticate': 'Bearer' });
    if (!isCanonicalOpsPath(event.rawPath)) return gate(404, { error: 'not_found', message: 'No such operations endpoint.' });
    const access = mayCall(operator, event.requestContext.http.method, event.rawPath);
    if (!access.allowed) return gate(403, { error: 'forbidden', needs: access.needs, message: `This needs the ${access.needs} role.` });
    bindOperator(event, operator);
    const group = GROUPS.find((candidate) => candidate.serves(event.requestContext.http.method.toUpperCase(), event.rawPath));
    if (!group) return base.resolve(event, context);
    // The group's code could not be loaded: answered as any failed request is, by a router's error handler.
    const router = await routerOf(group).catch((error: unknown) =>
      opsRouter(deps, (app) =>
        app.use(() => {
          throw error;
        }),
      ),
    );
    return router.resolve(event, context);
  };
}

import { opsApiConfig, readConfig } from '../config/functions.js';
import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { AccessLog } from '../adapters/access-log.js';
import { CaseSearch } from '../adapters/case-search.js';
import { COST_DIMENSIONS } from '../adapters/ledger-store.js';
import { SATISFACTION_GROUPS } from '../adapters/satisfaction-store.js';
import { CASE_ID_PATTERN } from '../domain/case-id.js';
import { FOLLOW_UP_OUTCOMES } from '../domain/satisfaction.js';
import { bindOperator, isCanonicalOpsPath, mayCall, operatorFrom, operatorOf } from '../http/ops-auth.js';
import { registerCaseRoutes } from '../http/ops-case-routes.js';
import { registerDecisionRoutes } from '../http/ops-decision-routes.js';
import { registerReportRoutes, reportQuery } from '../http/ops-report-routes.js';
import { registerPrivacyRoutes } from '../http/ops-privacy-routes.js';
import { registerSlaRoutes, slaListResponse } from '../http/ops-sla-routes.js';
import { reviewListEntry } from '../use-cases/case-report.js';
import type { DelayNoticeMessage } from '../use-cases/pause-case.js';
import { readFollowUps } from '../use-cases/read-follow-ups.js';
import { recordFollowUp } from '../use-cases/record-follow-up.js';
import { satisfactionReport } from '../use-cases/satisfaction-report.js';
import { markets as deploymentMarkets } from '../wiring.js';
import { opsAlerts } from '../wiring/alerts.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { metrics } from '../wiring/metrics.js';
import { lazyQueue } from '../wiring/queues.js';
import {
  caseStore,
  followUpStore,
  ledgerStore,
  privacyStore,
  refundStore,
  reportCounters,
  reviewStore,
  satisfactionStore,
  slaStore,
  tableAccess,
  waitStore,
} from '../wiring/stores.js';
import { caseWorkflow } from '../wiring/workflow.js';

const config = readConfig(opsApiConfig);
const cases = caseStore(config);
const waits = waitStore(config);
const ledger = ledgerStore(config);
const satisfaction = satisfactionStore(config);
const followUps = followUpStore(config);
const sla = slaStore(config);
const reviews = reviewStore(config);
const refunds = refundStore(config);
const reports = reportCounters(config);
const privacy = privacyStore(config);
// Each case is decided under its own market; the console's dates and the reports use the default market's.
const markets = deploymentMarkets(config);
const { policy, calendar } = markets.market();
const workflow = caseWorkflow();
const alerts = opsAlerts(config);
const app = new Router();

const reply = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });
const notFound = () => reply(404, { error: 'case_not_found', message: 'No case has this id.' });
/** A report's `from`, `to` (real local days, from ≤ to, a bounded range) and `groupBy` (default type), or the 400 saying what is expected. */
function groupedReportQuery<G extends string>(requestUrl: string, groups: readonly G[]): { from: string; to: string; groupBy: G } | Response {
  const query = reportQuery(requestUrl, { name: 'groupBy', values: groups, default: 'type' as G });
  if ('error' in query) return reply(400, { error: 'invalid_query', message: query.error });
  return { from: query.from, to: query.to, groupBy: query.choice };
}

// The case view, search and export, assignment and the access log (docs/operations.md).
const [db, table] = tableAccess(config);
const accessLog = new AccessLog(db, table);
registerCaseRoutes(
  app,
  {
    cases,
    search: new CaseSearch(db, table),
    accessLog,
    privacyTrail: async (id) => (await privacy.get(id))?.history,
    timeZone: calendar.timeZone,
    slaList: (req) => slaListResponse({ sla }, req, reply),
  },
  reply,
);

// Privacy requests from the order platform: progress, audit trail and exports (docs/privacy.md).
registerPrivacyRoutes(app, { privacy, accessLog }, reply);

/** Pending operator reviews, highest priority first, then nearest escalation target. */
app.get('/ops/reviews', async () => {
  const pending = await cases.listByStatus('awaiting_review', 100);
  return reply(200, { reviews: pending.map(reviewListEntry) });
});

registerDecisionRoutes(app, { cases, reviews, refunds, waits, workflow, markets }, reply, (message, detail) => logger.info(message, detail), metrics(config));

app.get('/ops/alerts', async () => reply(200, { alerts: await alerts.recent(100) }));

/** Compensation costs over local days from..to, totalled by case type, remedy or carrier, from the ledger's counters. */
app.get('/ops/reports/costs', async ({ req }) => {
  const query = groupedReportQuery(req.url, COST_DIMENSIONS);
  if (query instanceof Response) return query;
  const { from, to, groupBy } = query;
  const totals = await ledger.totals(groupBy, from, to);
  return reply(200, { from, to, groupBy, totals });
});

/** Open follow-up tasks (low survey scores), oldest first; each comment read is in the access log. */
app.get('/ops/follow-ups', async ({ event }) => reply(200, { followUps: await readFollowUps({ followUps, accessLog }, operatorOf(event), 'GET /ops/follow-ups', new Date()) }));

const followUpBody = z.strictObject({ outcome: z.enum(FOLLOW_UP_OUTCOMES), note: z.string().check(z.minLength(1), z.maxLength(1000)) });

/** The operator's call-back after a low score: closes the follow-up task; the record stays on the case. */
app.post('/ops/cases/:caseId/follow-up', async ({ params, req, event }) => {
  const caseId = params.caseId ?? '';
  if (!CASE_ID_PATTERN.test(caseId)) return notFound();
  const parsed = followUpBody.safeParse(await req.json().catch(() => undefined));
  if (!parsed.success) {
    return reply(422, {
      error: 'invalid_follow_up',
      message: `Expected {"outcome": ${FOLLOW_UP_OUTCOMES.map((o) => `"${o}"`).join(' | ')}, "note"} (note 1-1000 characters).`,
      issues: parsed.error.issues.map((i) => i.path.join('.')),
    });
  }
  const result = await recordFollowUp({ cases, followUps }, caseId, parsed.data, operatorOf(event), new Date());
  if (result.status === 'not_found') return notFound();
  if (result.status === 'not_open') {
    const state = result.followUp ? `its follow-up was already recorded (${result.followUp.outcome ?? 'closed'})` : 'it has no follow-up task';
    return reply(409, { error: 'no_open_follow_up', message: `The case has no open follow-up: ${state}.` });
  }
  logger.info('follow-up recorded', { caseId, outcome: parsed.data.outcome });
  return reply(200, { caseId, followUp: result.followUp });
});

/** Satisfaction over local days from..to by case type, carrier or remedy, with the previous period of equal length. */
app.get('/ops/reports/satisfaction', async ({ req }) => {
  const query = groupedReportQuery(req.url, SATISFACTION_GROUPS);
  if (query instanceof Response) return query;
  return reply(200, await satisfactionReport(satisfaction, query.groupBy, query.from, query.to));
});

// Volume, resolution time, compensation cost and the carrier scorecard, from the report counters (docs/operations.md "Reports").
registerReportRoutes(app, { reports, ledger, satisfaction, policy, markets }, reply);

// SLA lists, pause and resume (docs/sla.md). Only a pause sends a notice: the queue client is made at the first one.
registerSlaRoutes(app, { cases, sla, alerts, markets, notices: lazyQueue<DelayNoticeMessage>(config.NOTICE_QUEUE_URL, 'NOTICE_QUEUE_URL') }, reply);

app.notFound(async () => reply(404, { error: 'not_found', message: 'No such operations endpoint.' }));
app.errorHandler(Error, async (error) => {
  logger.error('ops request failed', { errorName: error.name });
  // A decision may have been recorded before the failure: the operator reads the case before trying again.
  return reply(500, { error: 'internal_error', message: 'The request failed. Read the case to see what was recorded before trying again.' });
});

const reply404 = () => ({
  statusCode: 404,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ error: 'not_found', message: 'No such operations endpoint.' }),
});

/** Operations API: /ops/*, behind the operators' JWT authorizer (Cognito in AWS, the local gateway's operators locally). */
async function handle(event: APIGatewayProxyEventV2, context: Context) {
  const operator = operatorFrom(event);
  if (!operator) {
    return {
      statusCode: 401,
      headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
      body: JSON.stringify({ error: 'unauthorized', message: 'Operator credentials are required.' }),
    };
  }
  if (!isCanonicalOpsPath(event.rawPath)) return reply404();
  const access = mayCall(operator, event.requestContext.http.method, event.rawPath);
  if (!access.allowed) {
    return {
      statusCode: 403,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: 'forbidden', needs: access.needs, message: `This needs the ${access.needs} role.` }),
    };
  }
  bindOperator(event, operator);
  return app.resolve(event, context);
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

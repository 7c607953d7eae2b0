import { consoleConfig, readConfig } from '../config/functions.js';
import { AccessLog } from '../adapters/access-log.js';
import { CaseSearch } from '../adapters/case-search.js';
import { OperatorSignInClient } from '../adapters/operator-sign-in.js';
import { consoleApp, withFailurePage } from '../http/console-app.js';
import { executionLinks } from '../http/execution-links.js';
import type { DelayNoticeMessage } from '../use-cases/pause-case.js';
import { opsAlerts } from '../wiring/alerts.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { lazyQueue } from '../wiring/lazy-queue.js';
import { caseStore, followUpStore, ledgerStore, refundStore, reportCounters, reviewStore, satisfactionStore, slaStore, tableAccess, waitStore } from '../wiring/stores.js';
import { lazyCaseWorkflow } from '../wiring/lazy-workflow.js';
import { marketPolicies } from '../wiring/market-policies.js';

const config = readConfig(consoleConfig);
// Pages need markets' zones and policies; forms count working days, so calendars load with the first form sent.
const deploymentMarkets = marketPolicies(config);
const withCalendars = () => import('../wiring.js').then(({ markets }) => markets(config));
const [db, table] = tableAccess(config);
const stateMachineArn = config.STATE_MACHINE_ARN;
/** The execution page: `{executionArn}` / `{executionName}` filled in (AWS: the Step Functions console; locally /local/executions). */
const executionLink = config.EXECUTION_LINK;

const app = consoleApp({
  cases: caseStore(config),
  waits: waitStore(config),
  sla: slaStore(config),
  followUps: followUpStore(config),
  satisfaction: satisfactionStore(config),
  ledger: ledgerStore(config),
  reports: reportCounters(config),
  reviews: reviewStore(config),
  refunds: refundStore(config),
  markets: deploymentMarkets,
  actionMarkets: withCalendars,
  workflow: lazyCaseWorkflow(config),
  alerts: opsAlerts(config),
  search: new CaseSearch(db, table),
  accessLog: new AccessLog(db, table),
  notices: lazyQueue<DelayNoticeMessage>(config.NOTICE_QUEUE_URL, 'NOTICE_QUEUE_URL'),
  signIn: new OperatorSignInClient({
    signInUrl: config.OPERATOR_SIGN_IN_URL,
    issuer: config.OPERATOR_ISSUER,
    clientId: config.OPERATOR_CLIENT_ID,
    redirectUri: config.CONSOLE_URL,
  }),
  executions: executionLinks(stateMachineArn, executionLink),
  log: (message, detail) => logger.info(message, detail),
});

/**
 * The operations console: GET /console and GET/POST /console/{proxy+}, HTML for operators' browsers. Not behind the
 * HTTP API's JWT authorizer (a browser navigation carries no Authorization header): it signs operators in itself and
 * verifies their access token from its cookie on every request (functions/http/console-app.ts, docs/operations.md).
 */
const handle = withFailurePage(app, (message, detail) => logger.error(message, detail));

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

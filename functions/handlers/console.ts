import { AccessLog } from '../adapters/access-log.js';
import { CaseSearch } from '../adapters/case-search.js';
import { OperatorSignInClient } from '../adapters/operator-sign-in.js';
import { required } from '../config.js';
import { consoleApp, withFailurePage } from '../http/console-app.js';
import { executionLinks } from '../http/execution-links.js';
import type { DelayNoticeMessage } from '../use-cases/pause-case.js';
import { markets } from '../wiring.js';
import { opsAlerts } from '../wiring/alerts.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { queueSender } from '../wiring/queues.js';
import { caseStore, followUpStore, ledgerStore, refundStore, reportCounters, reviewStore, satisfactionStore, slaStore, tableAccess, waitStore } from '../wiring/stores.js';
import { caseWorkflow } from '../wiring/workflow.js';

const deploymentMarkets = markets();
const [db, table] = tableAccess();
const stateMachineArn = required('STATE_MACHINE_ARN');
/** The execution page: `{executionArn}` / `{executionName}` filled in (AWS: the Step Functions console; locally /local/executions). */
const executionLink = required('EXECUTION_LINK');
let delayNotices: ReturnType<typeof queueSender<DelayNoticeMessage>> | undefined;

const app = consoleApp({
  cases: caseStore(),
  waits: waitStore(),
  sla: slaStore(),
  followUps: followUpStore(),
  satisfaction: satisfactionStore(),
  ledger: ledgerStore(),
  reports: reportCounters(),
  reviews: reviewStore(),
  refunds: refundStore(),
  markets: deploymentMarkets,
  workflow: caseWorkflow(),
  alerts: opsAlerts(),
  search: new CaseSearch(db, table),
  accessLog: new AccessLog(db, table),
  notices: () => (delayNotices ??= queueSender<DelayNoticeMessage>('NOTICE_QUEUE_URL')),
  signIn: new OperatorSignInClient({
    signInUrl: required('OPERATOR_SIGN_IN_URL'),
    issuer: required('OPERATOR_ISSUER'),
    clientId: required('OPERATOR_CLIENT_ID'),
    redirectUri: required('CONSOLE_URL'),
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

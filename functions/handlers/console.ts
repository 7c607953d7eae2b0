import { consoleConfig, readConfig } from '../config/functions.js';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AccessLog } from '../adapters/access-log.js';
import { CaseSearch } from '../adapters/case-search.js';
import { OperatorSignInClient } from '../adapters/operator-sign-in.js';
import { consoleApp } from '../http/console-app.js';
import type { DelayNoticeMessage } from '../use-cases/pause-case.js';
import { markets } from '../wiring.js';
import { opsAlerts } from '../wiring/alerts.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { lazyQueue } from '../wiring/queues.js';
import { caseStore, followUpStore, ledgerStore, refundStore, reportCounters, reviewStore, satisfactionStore, slaStore, tableAccess, waitStore } from '../wiring/stores.js';
import { caseWorkflow } from '../wiring/workflow.js';

const config = readConfig(consoleConfig);
const deploymentMarkets = markets(config);
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
  workflow: caseWorkflow(config),
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
  executions: (caseId, rounds) =>
    Array.from({ length: rounds + 1 }, (_, round) => {
      const name = round === 0 ? caseId : `${caseId}-dispute-${round}`;
      const arn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
      return { name, url: executionLink.replace('{executionArn}', arn).replace('{executionName}', encodeURIComponent(name)) };
    }),
  log: (message, detail) => logger.info(message, detail),
});

/**
 * The operations console: GET /console and GET/POST /console/{proxy+}, HTML for operators' browsers. Not behind the
 * HTTP API's JWT authorizer (a browser navigation carries no Authorization header): it signs operators in itself and
 * verifies their access token from its cookie on every request (functions/http/console-app.ts, docs/operations.md).
 */
async function handle(event: APIGatewayProxyEventV2) {
  try {
    return await app(event);
  } catch (error) {
    logger.error('console request failed', { errorName: (error as Error).name });
    return {
      statusCode: 500,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      body: 'The console failed to answer. Reload the page; read the case before trying an action again.',
    };
  }
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AccessLog } from '../adapters/access-log.js';
import { CaseSearch } from '../adapters/case-search.js';
import { OperatorSignInClient } from '../adapters/operator-sign-in.js';
import { required } from '../config.js';
import { consoleApp } from '../http/console-app.js';
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

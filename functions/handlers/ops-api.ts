import { opsApiConfig, readConfig } from '../config/functions.js';
import type { ConfigOf } from '../config/read.js';
import { AccessLog } from '../adapters/access-log.js';
import { CaseSearch } from '../adapters/case-search.js';
import { opsApiApp } from '../http/ops-api-app.js';
import type { DelayNoticeMessage } from '../use-cases/pause-case.js';
import { markets as deploymentMarkets } from '../wiring.js';
import { opsAlerts } from '../wiring/alerts.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { metrics } from '../wiring/metrics.js';
import { lazyQueue } from '../wiring/lazy-queue.js';
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
import { lazyCaseWorkflow } from '../wiring/lazy-workflow.js';

/** The operations API built from a configuration: its own, read at cold start (below); a test may pass another. */
export function createHandler(config: ConfigOf<typeof opsApiConfig>) {
  const [cases, waits, ledger, satisfaction, followUps] = [caseStore(config), waitStore(config), ledgerStore(config), satisfactionStore(config), followUpStore(config)];
  const [sla, reviews, refunds, reports, privacy] = [slaStore(config), reviewStore(config), refundStore(config), reportCounters(config), privacyStore(config)];
  // Each case is decided under its own market; the console's dates and the reports use the default market's.
  const markets = deploymentMarkets(config);
  const { policy, calendar } = markets.market();
  const workflow = lazyCaseWorkflow();
  const alerts = opsAlerts(config);
  const [db, table] = tableAccess(config);
  // Only a pause sends a notice: the queue client is made at the first one.
  const notices = lazyQueue<DelayNoticeMessage>(config.NOTICE_QUEUE_URL, 'NOTICE_QUEUE_URL');

  // Routes, roles and answers: functions/http/ops-api-app.ts and its route modules (docs/operations.md).
  const stores = { cases, waits, ledger, satisfaction, followUps, sla, reviews, refunds, reports, privacy, search: new CaseSearch(db, table), accessLog: new AccessLog(db, table) };
  const app = opsApiApp({ ...stores, markets, policy, timeZone: calendar.timeZone, workflow, alerts, notices, metrics: metrics(config), logger });
  // Operations API: /ops/*, behind the operators' JWT authorizer. Logs carry the invocation's request id and cold start (wiring.ts withLambdaContext).
  return withLambdaContext(app);
}

export const handler = createHandler(readConfig(opsApiConfig));

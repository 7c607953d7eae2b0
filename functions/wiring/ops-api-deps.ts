import { AccessLog } from '../adapters/access-log.js';
import { CaseSearch } from '../adapters/case-search.js';
import type { opsApiConfig } from '../config/functions.js';
import type { ConfigOf } from '../config/read.js';
import type { OpsApiBase, OpsApiDeps } from '../http/ops-api-app.js';
import type { DelayNoticeMessage } from '../use-cases/pause-case.js';
import { markets as deploymentMarkets } from '../wiring.js';
import { lazyQueue } from './lazy-queue.js';
import { lazyCaseWorkflow } from './lazy-workflow.js';
import { metrics } from './metrics.js';
import { privacyStore } from './privacy-stores.js';
import { followUpStore, ledgerStore, refundStore, reportCounters, reviewStore, satisfactionStore, slaStore, tableAccess, waitStore } from './stores.js';

/**
 * What the ops API's route groups read and write beyond the router's own (functions/handlers/ops-api.ts): every store
 * but the cases, the deployment's markets (policies and calendars), metrics, the workflow and the notice queue.
 * Imported with the first request a route group serves, so a cold start does not build them (nor load their code)
 * before it knows it needs them; built once per cold start after that.
 */
export function opsApiDeps(config: ConfigOf<typeof opsApiConfig>, base: OpsApiBase): OpsApiDeps {
  const [db, table] = tableAccess(config);
  // Each case is decided under its own market; the search days and the reports use the default market's.
  const markets = deploymentMarkets(config);
  const { policy, calendar } = markets.market();
  return {
    ...base,
    waits: waitStore(config),
    ledger: ledgerStore(config),
    satisfaction: satisfactionStore(config),
    followUps: followUpStore(config),
    sla: slaStore(config),
    reviews: reviewStore(config),
    refunds: refundStore(config),
    reports: reportCounters(config),
    privacy: privacyStore(config),
    search: new CaseSearch(db, table),
    accessLog: new AccessLog(db, table),
    markets,
    policy,
    timeZone: calendar.timeZone,
    workflow: lazyCaseWorkflow(),
    // Only a pause sends a notice: the queue client is made at the first one.
    notices: lazyQueue<DelayNoticeMessage>(config.NOTICE_QUEUE_URL, 'NOTICE_QUEUE_URL'),
    metrics: metrics(config),
  };
}

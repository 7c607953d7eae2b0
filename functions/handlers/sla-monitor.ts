import { slaMonitorConfig, readConfig } from '../config/functions.js';
import type { ConfigOf } from '../config/read.js';
import * as z from 'zod/mini';
import { runSlaMonitor } from '../use-cases/sla-monitor.js';
import { markets } from '../wiring.js';
import { opsAlerts } from '../wiring/alerts.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { metrics } from '../wiring/metrics.js';
import { caseStore, slaStore } from '../wiring/stores.js';

/** EventBridge's scheduled event: its `time` is the tick's time (locally, the local clock's), the monitor's "now". */
const scheduledEvent = z.object({ time: z.iso.datetime({ offset: true }) });

/** The monitor built from a configuration: its own, read at cold start (below); a test may pass another. */
export function createHandler(config: ConfigOf<typeof slaMonitorConfig>) {
  const [cases, sla, alerts] = [caseStore(config), slaStore(config), opsAlerts(config)];
  // Each case is decided under its own market's policy and calendar (order.market; the default market without one).
  const deploymentMarkets = markets(config);
  const metricSink = metrics(config);

  /** Scheduled (every 5 minutes): open cases due soon and overdue, and missed first-response targets, alerted once. */
  async function handle(event: unknown) {
    const now = new Date(scheduledEvent.parse(event).time);
    const report = await runSlaMonitor({ cases, sla, alerts, markets: deploymentMarkets, metrics: metricSink }, now);
    const counts = {
      dueSoon: report.dueSoon.length,
      breached: report.breached.length,
      met: report.met.length,
      dueKnown: report.dueKnown.length,
      dueRecomputed: report.dueRecomputed.length,
      responseMissed: report.responseMissed.length,
    };
    logger.info('sla monitor run', { now: now.toISOString(), ...counts });
    if (report.failures.length > 0) {
      // The thresholds are recorded (the cases are on the lists); what failed after is logged, and the run fails so
      // the function's error alarm tells operations.
      logger.error('sla monitor side effects failed', { failures: report.failures });
      throw new Error(`${report.failures.length} SLA notification(s) failed after their threshold was recorded`);
    }
    return counts;
  }
  // The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext).
  return withLambdaContext(handle);
}

export const handler = createHandler(readConfig(slaMonitorConfig));

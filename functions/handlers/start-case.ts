import { startCaseConfig, readConfig } from '../config/functions.js';
import type { ConfigOf } from '../config/read.js';
import type { SQSRecord } from 'aws-lambda';
import { intakeMessage } from '../schemas/messages.js';
import { applyIntakeEvent } from '../use-cases/apply-intake-event.js';
import type { NoticeMessage } from '../schemas/messages.js';
import { markets } from '../wiring.js';
import { opsAlerts } from '../wiring/alerts.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { metrics } from '../wiring/metrics.js';
import { lazyQueue } from '../wiring/lazy-queue.js';
import { partialBatchHandler } from '../wiring/sqs-batch.js';
import { caseStore, dedupeStore, reportCounters, slaStore, waitStore } from '../wiring/stores.js';
import { onFirstUse } from '../wiring/on-first-use.js';
import { caseWorkflow } from '../wiring/workflow.js';
import { carrierRouting, configuredCarrierTracking, trackingSettings, trackingStores } from '../tracking-wiring.js';

/** The intake consumer built from a configuration: its own, read at cold start (below); a test may pass another. */
export function createHandler(config: ConfigOf<typeof startCaseConfig>) {
  const [cases, waits, dedupe, sla] = [caseStore(config), waitStore(config), dedupeStore(config), slaStore(config)];
  const [reports, alerts] = [reportCounters(config), opsAlerts(config)];
  // Each case is decided under its own market's policy and calendar (order.market; the default market without one).
  const deploymentMarkets = markets(config);
  const [workflow, metricSink] = [caseWorkflow(config), metrics(config)];
  const notices = lazyQueue<NoticeMessage>(config.NOTICE_QUEUE_URL, 'NOTICE_QUEUE_URL');
  // Return parcels and announced shipments are watched where carrier tracking is configured (always, in the stack).
  const trackingConfig = configuredCarrierTracking(config);
  const tracking = trackingConfig && {
    shipments: trackingStores(config).shipments,
    providerFor: carrierRouting(trackingConfig).providerFor,
    proactiveEnabled: trackingSettings(deploymentMarkets, config).proactiveEnabled,
  };

  // Privacy requests come through the intake queue like every webhook (docs/privacy.md). They, and a duplicate
  // request closed here, are rare: the privacy store, the redactor and the export code load with the first one. A
  // failed load is not kept: the record fails alone, and its redelivery (or the next such record) loads again.
  const privacy = onFirstUse(() => import('../wiring/intake-privacy.js').then(({ intakePrivacyOf }) => intakePrivacyOf(config, cases, deploymentMarkets)));

  async function processRecord(record: SQSRecord): Promise<void> {
    const message = intakeMessage.parse(JSON.parse(record.body));
    await applyIntakeEvent(
      { cases, waits, dedupe, workflow, notices, sla, alerts, markets: deploymentMarkets, tracking, reports, metrics: metricSink, privacy },
      message,
      new Date(),
    );
    logger.info('intake event applied', { caseId: message.caseId, eventType: message.event.type });
  }

  /** Intake queue consumer: one record failing returns only that record to the queue (partial batch response). */
  const handle = partialBatchHandler(processRecord, 'intake event failed');
  // The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext).
  return withLambdaContext(handle);
}

export const handler = createHandler(readConfig(startCaseConfig));

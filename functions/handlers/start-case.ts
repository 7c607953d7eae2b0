import type { SQSRecord } from 'aws-lambda';
import { intakeMessage } from '../schemas/messages.js';
import { applyIntakeEvent } from '../use-cases/apply-intake-event.js';
import type { QueueSender } from '../adapters/queues.js';
import type { NoticeMessage } from '../schemas/messages.js';
import { markets } from '../wiring.js';
import { opsAlerts } from '../wiring/alerts.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { metrics } from '../wiring/metrics.js';
import { noticeQueue } from '../wiring/queues.js';
import { partialBatchHandler } from '../wiring/sqs-batch.js';
import { caseRedactor, caseStore, dedupeStore, privacyStore, reportCounters, slaStore, surveyStore, waitStore } from '../wiring/stores.js';
import { caseWorkflow } from '../wiring/workflow.js';
import { carrierRouting, configuredCarrierTracking, trackingSettings, trackingStores } from '../tracking-wiring.js';

const cases = caseStore();
const waits = waitStore();
const dedupe = dedupeStore();
const sla = slaStore();
const reports = reportCounters();
const surveys = surveyStore();
const privacyRequests = privacyStore();
const alerts = opsAlerts();
// Each case is decided under its own market's policy and calendar (order.market; the default market without one).
const deploymentMarkets = markets();
const workflow = caseWorkflow();
const metricSink = metrics();
let noticeSender: QueueSender<NoticeMessage> | undefined;
const notices = () => (noticeSender ??= noticeQueue());
// Return parcels and announced shipments are watched where carrier tracking is configured (always, in the stack).
const trackingConfig = configuredCarrierTracking();
const tracking = trackingConfig && {
  shipments: trackingStores().shipments,
  providerFor: carrierRouting(trackingConfig).providerFor,
  proactiveEnabled: trackingSettings(deploymentMarkets).proactiveEnabled,
};

// Privacy requests come through the intake queue like every webhook (docs/privacy.md).
const redactor = caseRedactor();
const privacy = { privacy: privacyRequests, surveys, redactor, shipments: trackingStores().shipments };

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

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

// First: traces the AWS SDK clients and HTTP calls made below (functions/tracing.ts).
import '../tracing.js';
import { trackShipmentsConfig, readConfig } from '../config/functions.js';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { PROVIDER_LIMITS } from '../adapters/carriers/limits.js';
import type { IntakeMessage } from '../schemas/messages.js';
import { pollShipments } from '../use-cases/tracking/poll-shipments.js';
import { carrierRouting, carrierTracker, carrierTrackingConfig, trackingSettings, trackingStores } from '../tracking-wiring.js';
import { markets } from '../wiring.js';
import { opsAlerts } from '../wiring/alerts.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { lazyQueue } from '../wiring/lazy-queue.js';
import { caseStore } from '../wiring/stores.js';

const config = readConfig(trackShipmentsConfig);
const cases = caseStore(config);
const { shipments, health } = trackingStores(config);
const alerts = opsAlerts(config);
const intake = lazyQueue<IntakeMessage>(config.INTAKE_QUEUE_URL, 'INTAKE_QUEUE_URL')(); // SQS on the first return or proactive case
// Each case is decided under its own market's policy and calendar (order.market; the default market without one).
const deploymentMarkets = markets(config);
const settings = trackingSettings(deploymentMarkets, config);
const tracking = carrierTrackingConfig(config);
const [{ providers }, trackerNow] = [carrierRouting(tracking), carrierTracker(tracking, config)];
/** An EventBridge "Scheduled Event": its `time` is the run's "now" (the local runtime's clock when run locally). */
const scheduledEvent = z.looseObject({ time: z.iso.datetime({ offset: true }) });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Scheduled: polls the watched shipments that are due, within each provider's rate limits (polling is the fallback to pushes). */
async function handle(event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
  const now = new Date(scheduledEvent.parse(event).time);
  const tracker = await trackerNow();
  // Stop starting lookups 30 s before the timeout; without a context (tests), allow four minutes.
  const deadline = Date.now() + (context ? context.getRemainingTimeInMillis() - 30_000 : 240_000);
  const summary = await pollShipments(
    {
      shipments,
      cases,
      intake,
      markets: deploymentMarkets,
      ...settings,
      tracker,
      health,
      alerts,
      providers,
      limits: PROVIDER_LIMITS,
      random: Math.random,
      sleep,
      remainingMs: () => deadline - Date.now(),
    },
    now,
  );
  if (summary.polled > 0) logger.info('shipments polled', { ...summary });
  return summary;
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

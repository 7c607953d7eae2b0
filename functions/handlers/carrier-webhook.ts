import { carrierWebhookConfig, readConfig } from '../config/functions.js';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { PushProvider } from '../adapters/carriers/push.js';
import { json, problem, rawBody } from '../http/responses.js';
import type { IntakeMessage } from '../schemas/messages.js';
import { receivePush } from '../use-cases/tracking/receive-push.js';
import { acceptedKeys } from '../domain/key-ring.js';
import { carrierRouting, carrierTrackingConfig, carrierWebhookKeys, PREVIOUS_CARRIER_WEBHOOK_SECRET_MS, trackingSettings, trackingStores } from '../tracking-wiring.js';
import { markets } from '../wiring.js';
import { opsAlerts } from '../wiring/alerts.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { queueSender } from '../wiring/queues.js';
import { caseStore } from '../wiring/stores.js';

const config = readConfig(carrierWebhookConfig);
const PUSH_PROVIDERS: readonly PushProvider[] = ['aftership', '17track', 'kuaidi100'];
const cases = caseStore(config);
const { shipments } = trackingStores(config);
const intake = queueSender<IntakeMessage>(config.INTAKE_QUEUE_URL);
const alerts = opsAlerts(config);
// Each case is decided under its own market's policy and calendar (order.market; the default market without one).
const deploymentMarkets = markets(config);
const { proactiveEnabled, pollIntervalSeconds } = trackingSettings(deploymentMarkets, config);
const routing = carrierRouting(carrierTrackingConfig(config));

/** Kuaidi100 marks a push delivered only when the answer says so; anything else is pushed again later. */
const KUAIDI100_OK = { result: true, returnCode: '200', message: '成功' };

/** POST /webhooks/carriers/{provider}: a tracking provider's push (docs/carrier-tracking.md, "Push"). */
async function handle(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const provider = event.pathParameters?.provider as PushProvider | undefined;
  if (!provider || !PUSH_PROVIDERS.includes(provider)) {
    return problem(404, 'unknown_provider', `Pushes are accepted from ${PUSH_PROVIDERS.join(', ')}.`);
  }
  try {
    // Fetched through Powertools' 5-minute cache, so a rotated secret is picked up without a cold start; the previous
    // one still verifies for a while, so pushes signed before the provider switched are not refused.
    const now = new Date();
    const secret = acceptedKeys(await carrierWebhookKeys(config, provider), now, PREVIOUS_CARRIER_WEBHOOK_SECRET_MS);
    const raw = rawBody(event);
    // Kuaidi100 posts a form (sign, param); the others sign a JSON body and send the signature in a header.
    const fields = provider === 'kuaidi100' ? Object.fromEntries(new URLSearchParams(raw)) : event.headers;
    const answer = await receivePush(
      { shipments, cases, intake, alerts, markets: deploymentMarkets, proactiveEnabled, pollIntervalSeconds, secret, carrierCodes: routing.codesFor(provider) },
      provider,
      raw,
      fields,
      now,
    );
    if (answer.status !== 200) {
      logger.warn('carrier push refused', { provider, status: answer.status, error: answer.error });
      return problem(answer.status, answer.error, answer.message);
    }
    logger.info('carrier push applied', { provider, received: answer.received, applied: answer.applied, ignored: answer.ignored });
    if (provider === 'kuaidi100') return json(200, KUAIDI100_OK);
    return json(200, { received: answer.received, applied: answer.applied, ignored: answer.ignored });
  } catch (error) {
    logger.error('carrier push failed', { provider, errorName: (error as Error).name });
    // Not applied: the provider retries a non-2xx answer.
    return problem(503, 'temporarily_unavailable', 'The push was not applied; retry later.');
  }
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

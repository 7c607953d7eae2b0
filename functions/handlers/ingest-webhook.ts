import { ingestWebhookConfig, readConfig } from '../config/functions.js';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { parseKeyRing } from '../domain/key-ring.js';
import { acceptWebhook, anyKeyVerifier } from '../use-cases/accept-webhook.js';
import type { IntakeMessage } from '../schemas/messages.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { queueSender } from '../wiring/queues.js';
import { fromSecret } from '../wiring/secrets.js';
import { privacyRequests } from '../wiring/privacy-stores.js';
import { dedupeStore } from '../wiring/stores.js';
import { knownMarkets } from '../wiring.js';
import { json, problem, rawBody } from '../http/responses.js';

const config = readConfig(ingestWebhookConfig);
const [dedupe, privacy] = [dedupeStore(config), privacyRequests(config)];
const intake = queueSender<IntakeMessage>(config.INTAKE_QUEUE_URL);
const markets = knownMarkets(config);
/**
 * After a rotation (the secret's value `{"current", "previous", "rotatedAt"}`, functions/domain/key-ring.ts) the
 * previous secret still verifies for this long, so the order platform can switch to the new one at its own pace.
 */
export const PREVIOUS_WEBHOOK_SECRET_MS = 24 * 3_600_000;
// The secret is read per request (cached 5 minutes), so a rotated one is honoured without a cold start.
const webhookKeys = fromSecret(config.WEBHOOK_SECRET, config, (value) => {
  const ring = parseKeyRing(value, 'WEBHOOK_SECRET');
  const previous = ring.previous && { verifier: new Webhook(ring.previous.key), until: ring.previous.rotatedAt.getTime() + PREVIOUS_WEBHOOK_SECRET_MS };
  return { current: new Webhook(ring.current), previous };
});

async function webhookVerifier(now: Date) {
  const { current, previous } = await webhookKeys();
  return previous && now.getTime() < previous.until ? anyKeyVerifier([current, previous.verifier]) : current;
}

/** POST /webhooks/order-platform — see docs/webhook-contract.md. */
async function handle(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const now = new Date();
    const verifier = await webhookVerifier(now);
    const answer = await acceptWebhook({ verifier, dedupe, intake, privacy, markets }, rawBody(event), event.headers, now);
    if (answer.status === 202 && 'privacyRequestId' in answer) {
      logger.info('privacy request accepted', { privacyRequestId: answer.privacyRequestId, duplicate: answer.duplicate });
      return json(202, { privacyRequestId: answer.privacyRequestId, ...(answer.duplicate ? { duplicate: true } : {}) });
    }
    if (answer.status === 202) {
      logger.info('webhook accepted', { caseId: answer.caseId, duplicate: answer.duplicate });
      return json(202, { caseId: answer.caseId, ...(answer.duplicate ? { duplicate: true } : {}) });
    }
    logger.warn('webhook refused', { status: answer.status, error: answer.error });
    return problem(answer.status, answer.error, answer.message, answer.issues ? { issues: answer.issues } : {});
  } catch (error) {
    logger.error('webhook intake failed', { errorName: (error as Error).name });
    return problem(503, 'temporarily_unavailable', 'The request was not accepted; retry later.', {});
  }
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { PushProvider } from '../adapters/carriers/push.js';
import { acceptedKeys, type KeyRing } from '../domain/key-ring.js';
import { receivePush, type PushDeps } from '../use-cases/tracking/receive-push.js';
import { json, problem, rawBody } from './responses.js';

const PUSH_PROVIDERS: readonly PushProvider[] = ['aftership', '17track', 'kuaidi100'];

/** Kuaidi100 marks a push delivered only when the answer says so; anything else is pushed again later. */
const KUAIDI100_OK = { result: true, returnCode: '200', message: '成功' };

export interface CarrierPushDeps extends Omit<PushDeps, 'secret' | 'carrierCodes'> {
  /** The provider's webhook secret as a key ring, read per push (secrets cache) so a rotation needs no cold start. */
  webhookKeys: (provider: PushProvider) => Promise<KeyRing>;
  /** How long after a rotation the previous secret still verifies. */
  previousSecretMs: number;
  /** Pipeline carrier code -> the provider's code. */
  carrierCodes: (provider: PushProvider) => PushDeps['carrierCodes'];
  logger: Record<'info' | 'warn' | 'error', (message: string, detail: Record<string, unknown>) => void>;
}

/** POST /webhooks/carriers/{provider}: a tracking provider's push (docs/carrier-tracking.md, "Push"). */
export function carrierPushApp(deps: CarrierPushDeps) {
  const { logger } = deps;
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const provider = event.pathParameters?.provider as PushProvider | undefined;
    if (!provider || !PUSH_PROVIDERS.includes(provider)) {
      return problem(404, 'unknown_provider', `Pushes are accepted from ${PUSH_PROVIDERS.join(', ')}.`);
    }
    try {
      // Fetched through Powertools' 5-minute cache, so a rotated secret is picked up without a cold start; the previous
      // one still verifies for a while, so pushes signed before the provider switched are not refused.
      const now = new Date();
      const secret = acceptedKeys(await deps.webhookKeys(provider), now, deps.previousSecretMs);
      const raw = rawBody(event);
      // Kuaidi100 posts a form (sign, param); the others sign a JSON body and send the signature in a header.
      const fields = provider === 'kuaidi100' ? Object.fromEntries(new URLSearchParams(raw)) : event.headers;
      const answer = await receivePush({ ...deps, secret, carrierCodes: deps.carrierCodes(provider) }, provider, raw, fields, now);
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
  };
}

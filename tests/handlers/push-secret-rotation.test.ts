import { createHash, createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShipmentStore } from '../../functions/adapters/shipment-store.js';
import { fixture, fixtureText } from '../unit/carriers/fake-fetch.js';
import { apiEvent, importFresh, sleep, TABLE_NAME, withEnv } from './env.js';
import { seedCase, unique } from './fixtures.js';
import { startSecretsManagerFake, type SecretsManagerFake } from './secrets-manager-fake.js';
import { startTrackingEnv, type TrackingEnv } from './tracking-env.js';

/**
 * Issue 16, item 6: the carriers' webhook secret (CarrierWebhookSecret) rotated under a running carrier-webhook
 * function. Kuaidi100 signs each push with the salt the parcel was subscribed with, so parcels watched before the
 * rotation keep pushing with the old salt: the previous secret must keep verifying, and does, for 30 days.
 */
type Handler = typeof import('../../functions/handlers/carrier-webhook.js')['handler'];

let env: TrackingEnv;
let secrets: SecretsManagerFake;
let handler: Handler;
let restore: () => void;
const secretArn = `arn:aws:secretsmanager:us-east-1:000000000000:secret:CarrierWebhookSecret-${randomBytes(3).toString('hex')}`;
const DAY = 86_400_000;

const kuaidi100Form = (trackingNumber: string, salt: string) => {
  const param = JSON.parse(fixtureText('kuaidi100', 'push-delivered')) as Record<string, any>;
  param.lastResult.nu = trackingNumber;
  const text = JSON.stringify(param);
  return new URLSearchParams({
    sign: createHash('md5')
      .update(text + salt)
      .digest('hex')
      .toUpperCase(),
    param: text,
  }).toString();
};
const afterShipBody = (trackingNumber: string) => {
  const body = fixture<Record<string, any>>('aftership', 'webhook-delivered');
  body.msg.tracking_number = trackingNumber;
  return JSON.stringify(body);
};

async function pushStatus(provider: 'kuaidi100' | 'aftership', trackingNumber: string, secret: string): Promise<number | undefined> {
  const body = provider === 'kuaidi100' ? kuaidi100Form(trackingNumber, secret) : afterShipBody(trackingNumber);
  const headers: Record<string, string> =
    provider === 'kuaidi100' ? { 'content-type': 'application/x-www-form-urlencoded' } : { 'aftership-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64') };
  const res = await handler(
    apiEvent({ method: 'POST', path: `/webhooks/carriers/${provider}`, routeKey: 'POST /webhooks/carriers/{provider}', pathParameters: { provider }, headers, body }),
  );
  return res.statusCode;
}

/** A return waiting for its parcel, watched through `provider`. */
async function watched(provider: 'kuaidi100' | 'aftership') {
  const trackingNumber = unique('SF').toUpperCase();
  const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return', waitingFor: 'return' } });
  await new ShipmentStore(env.db, TABLE_NAME).watch({ carrier: 'SF', trackingNumber, provider, watcher: { role: 'return', caseId } }, new Date());
  return { caseId, trackingNumber };
}

beforeAll(async () => {
  env = await startTrackingEnv();
  secrets = await startSecretsManagerFake();
  secrets.set(secretArn, JSON.stringify({ kuaidi100: 'salt-1', aftership: 'as-secret-1' }));
  restore = withEnv({ AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint, SECRETS_MAX_AGE_SECONDS: '1' });
  const tracking = {
    routing: { default: 'aftership', byCarrier: { ZTO: 'kuaidi100' } },
    providers: {
      aftership: { baseUrl: 'https://api.aftership.com/', codes: { SF: 'sf-express' } },
      kuaidi100: { baseUrl: 'https://poll.kuaidi100.com/', codes: { SF: 'shunfeng' }, customer: 'c' },
    },
  };
  handler = (
    await importFresh(() => import('../../functions/handlers/carrier-webhook.js'), {
      CARRIER_TRACKING: JSON.stringify(tracking),
      CARRIER_WEBHOOK_SECRET: undefined,
      CARRIER_WEBHOOK_SECRET_SECRET_ARN: secretArn,
    })
  ).handler;
});

afterAll(async () => {
  restore?.();
  await secrets?.close();
  await env?.close();
});

describe('carrier webhook secret rotation', () => {
  it('pushes signed with the previous salt or secret are applied during the grace period, and refused after it', async () => {
    const first = await watched('kuaidi100');
    expect(await pushStatus('kuaidi100', first.trackingNumber, 'salt-1')).toBe(200);

    const rotatedAt = new Date().toISOString();
    secrets.set(
      secretArn,
      JSON.stringify({
        kuaidi100: { current: 'salt-2', previous: 'salt-1', rotatedAt },
        aftership: { current: 'as-secret-2', previous: 'as-secret-1', rotatedAt },
      }),
    );
    await sleep(1_100);
    await env.drainIntake();
    // A parcel subscribed before the rotation: Kuaidi100 still signs with its old salt, and the push is applied.
    const subscribedBefore = await watched('kuaidi100');
    expect(await pushStatus('kuaidi100', subscribedBefore.trackingNumber, 'salt-1')).toBe(200);
    const subscribedAfter = await watched('kuaidi100');
    expect(await pushStatus('kuaidi100', subscribedAfter.trackingNumber, 'salt-2')).toBe(200);
    expect((await env.drainIntake()).map((m) => m.caseId).sort()).toEqual([subscribedBefore.caseId, subscribedAfter.caseId].sort());
    // AfterShip switched to its new secret at its own moment: both verify meanwhile.
    expect(await pushStatus('aftership', (await watched('aftership')).trackingNumber, 'as-secret-1')).toBe(200);
    expect(await pushStatus('aftership', (await watched('aftership')).trackingNumber, 'as-secret-2')).toBe(200);
    expect(await pushStatus('aftership', (await watched('aftership')).trackingNumber, 'as-secret-0')).toBe(401);

    // 30 days after the rotation the old salt no longer verifies (the poller covers those parcels).
    secrets.set(secretArn, JSON.stringify({ kuaidi100: { current: 'salt-2', previous: 'salt-1', rotatedAt: new Date(Date.now() - 30 * DAY - 1000).toISOString() } }));
    await sleep(1_100);
    expect(await pushStatus('kuaidi100', (await watched('kuaidi100')).trackingNumber, 'salt-1')).toBe(401);
    expect(await pushStatus('kuaidi100', (await watched('kuaidi100')).trackingNumber, 'salt-2')).toBe(200);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { resolveTopology } from '../../local/cfn/index.js';
import { localConfig } from '../../local/config.js';
import { startHttpGateway, type HttpGateway } from '../../local/gateway/http-gateway.js';
import { StageThrottle } from '../../local/gateway/throttle.js';
import { ACCOUNT, REGION, loadFixtureTemplate } from './fixtures/runtime-fixture.js';

/** The stage's throttle, locally: route settings read from the template, one token bucket per route key. */
function throttledTemplate() {
  const template = loadFixtureTemplate();
  const [, stage] = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Stage')!;
  stage.Properties = {
    ...stage.Properties,
    DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    // One token per 10 s: a slow machine cannot refill the bucket between the requests below.
    RouteSettings: { 'GET /surveys/{token}': { ThrottlingRateLimit: 0.1, ThrottlingBurstLimit: 3 } },
  };
  return template;
}

describe('StageThrottle', () => {
  it('lets a burst through, refuses past it with the seconds until a token, and refills at the rate', () => {
    let now = 0;
    const throttle = new StageThrottle(() => now);
    const limit = { rateLimit: 2, burstLimit: 3 };
    expect([1, 2, 3].map(() => throttle.take('GET /a', limit).allowed)).toEqual([true, true, true]);
    expect(throttle.take('GET /a', limit)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(throttle.take('GET /b', limit).allowed).toBe(true); // each route key has its own bucket
    now = 500; // half a second at 2/s: one token
    expect(throttle.take('GET /a', limit).allowed).toBe(true);
    expect(throttle.take('GET /a', limit).allowed).toBe(false);
    now = 60_000; // never more than the burst
    expect([1, 2, 3, 4].map(() => throttle.take('GET /a', limit).allowed)).toEqual([true, true, true, false]);
  });

  it('a route without limits is never throttled; a zero burst refuses everything', () => {
    const throttle = new StageThrottle(() => 0);
    expect(Array.from({ length: 1000 }, () => throttle.take('GET /free', undefined).allowed).every(Boolean)).toBe(true);
    expect(throttle.take('GET /closed', { rateLimit: 0, burstLimit: 0 })).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });
});

describe('the local gateway', () => {
  const topology = resolveTopology(throttledTemplate(), { region: REGION, accountId: ACCOUNT, sqsEndpoint: 'http://127.0.0.1:1' });
  let gateway: HttpGateway | undefined;
  afterAll(async () => {
    await gateway?.close();
  });

  it('reads each route its stage setting: RouteSettings by route key, else DefaultRouteSettings', () => {
    const throttleOf = (key: string) => topology.httpRoutes.find((r) => r.routeKey === key)?.throttle;
    expect(throttleOf('GET /surveys/{token}')).toEqual({ rateLimit: 0.1, burstLimit: 3 });
    expect(throttleOf('POST /webhooks/orders')).toEqual({ rateLimit: 100, burstLimit: 200 });
  });

  it('answers 429 with Retry-After past the burst, before the function runs, and other routes go on', async () => {
    const invoked: string[] = [];
    gateway = await startHttpGateway({
      topology,
      host: '127.0.0.1',
      port: 0,
      lambda: { invoke: async (fn) => (invoked.push(fn), { statusCode: 200, body: '{}' }) },
    });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${gateway.url}/surveys/abc`)).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429, 429]);
    expect(invoked.length).toBe(statuses.filter((s) => s === 200).length);

    const refused = await fetch(`${gateway.url}/surveys/abc`);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
    expect(await refused.json()).toEqual({ message: 'Too Many Requests', error: 'too_many_requests', retryAfterSeconds: retryAfter });
    expect((await fetch(`${gateway.url}/webhooks/orders`, { method: 'POST', body: '{}' })).status).toBe(200);
  });

  it('throttles nothing when turned off (LOCAL_THROTTLE=off)', async () => {
    const open = await startHttpGateway({ topology, host: '127.0.0.1', port: 0, throttle: false, lambda: { invoke: async () => ({ statusCode: 200, body: '{}' }) } });
    try {
      const statuses = await Promise.all(Array.from({ length: 20 }, () => fetch(`${open.url}/surveys/abc`).then((r) => r.status)));
      expect(statuses.every((s) => s === 200)).toBe(true);
    } finally {
      await open.close();
    }
  });
});

describe('LOCAL_THROTTLE', () => {
  it('is on by default (npm start throttles as AWS does), off only when asked, and refuses anything else', () => {
    expect(localConfig({}).throttle).toBe(true);
    expect(localConfig({ LOCAL_THROTTLE: 'on' }).throttle).toBe(true);
    expect(localConfig({ LOCAL_THROTTLE: 'off' }).throttle).toBe(false);
    expect(() => localConfig({ LOCAL_THROTTLE: 'no' })).toThrow(/LOCAL_THROTTLE must be on or off/);
  });
});

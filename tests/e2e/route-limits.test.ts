import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_LIMITS } from '../../lib/route-limits.js';
import { requestedEvent } from '../../scripts/example-cases.js';
import { startHarness, type Harness } from './harness.js';

/**
 * Issue 16, limits per route: the local gateway throttles each route key with the limits the stage's route settings
 * carry (lib/route-limits.ts, read back from the synthesized template), so a flood of a public customer route is
 * refused there while the order platform's signed webhooks and the operators keep being served.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const statusPage = () =>
  fetch(`${h.pipeline.urls.api}/cases/AS-FLOOD0000000/status?t=not-a-token`).then(async (res) => ({
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: await res.text(),
  }));

describe('a burst on a public customer route', () => {
  it('is throttled with 429 and Retry-After, while a signed webhook sent during it is accepted and operators are served', async () => {
    const burst = Array.from({ length: 300 }, () => statusPage());
    const webhook = h.platform.send(requestedEvent({ caseType: 'lost' }));
    const operator = h.opsAs('viewer').get('/ops/reviews');
    const answers = await Promise.all(burst);

    expect((await webhook).status).toBe(202);
    expect((await operator).status).toBe(200);

    const refused = answers.filter((a) => a.status === 429);
    const served = answers.filter((a) => a.status !== 429);
    const { burstLimit, rateLimit } = ROUTE_LIMITS.customerPages;
    expect(refused.length).toBeGreaterThan(0);
    // The bucket's burst, plus what it refilled while the burst lasted (a few seconds at most on a loaded machine).
    expect(served.length).toBeGreaterThanOrEqual(burstLimit);
    expect(served.length).toBeLessThan(burstLimit + rateLimit * 10);
    // Served ones reached the status page function (an unsigned link is its own 4xx, not the gateway's).
    expect(served.every((a) => a.status >= 400 && a.status < 500)).toBe(true);

    const first = refused[0]!;
    expect(Number(first.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(first.body)).toEqual({ message: 'Too Many Requests', error: 'too_many_requests', retryAfterSeconds: Number(first.retryAfter) });
  });

  it('does not spend the other customer routes, and the flooded one recovers after Retry-After', async () => {
    const survey = await fetch(`${h.pipeline.urls.api}/surveys/not-a-real-token`);
    expect(survey.status).not.toBe(429);

    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await statusPage()).status).not.toBe(429);
  });
});

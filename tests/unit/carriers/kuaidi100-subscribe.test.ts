import { describe, expect, it } from 'vitest';
import { CarrierAuthError, TrackingNotFoundError } from '../../../functions/adapters/carriers/errors.js';
import { Kuaidi100Tracker } from '../../../functions/adapters/carriers/kuaidi100.js';
import { json, scriptedFetch } from './fake-fetch.js';

/**
 * Kuaidi100's 订阅 (subscribe) API: POST https://poll.kuaidi100.com/poll, form `schema=json` and `param` =
 * { company, number, key, parameters: { callbackurl, salt, resultv2 } } (Kuaidi100's subscription document, as
 * reproduced at https://ispacesoft.com/252793.html, and the official SDK kuaidi100-api/go-demo base/poll.go). Answers
 * `{ result, returnCode, message }`: 200 提交成功, 501 重复订阅, 600 您不是合法的订阅者, 701 拒绝订阅的快递公司.
 */
const query = { carrier: 'SF', trackingNumber: 'SF1234567890123' };
const subscription = { callbackUrl: 'https://pipeline.example/webhooks/carriers/kuaidi100', salt: 'salt-123' };

function tracker(fetch: ReturnType<typeof scriptedFetch>['fetch'], withSubscription = true) {
  return new Kuaidi100Tracker({
    baseUrl: 'https://poll.kuaidi100.test',
    apiKey: 'kd-key',
    customer: 'CUSTOMER01',
    coms: { SF: 'shunfeng' },
    fetch,
    ...(withSubscription ? { subscription } : {}),
  });
}

describe('Kuaidi100 subscription', () => {
  it('posts schema=json and param {company, number, key, parameters {callbackurl, salt, resultv2}} to /poll', async () => {
    const fake = scriptedFetch(json({ result: true, returnCode: '200', message: '提交成功' }));
    expect(await tracker(fake.fetch).subscribe(query)).toBe(true);
    const [call] = fake.calls;
    expect(call!.url.toString()).toBe('https://poll.kuaidi100.test/poll');
    expect(call!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(call!.body!);
    expect(form.get('schema')).toBe('json');
    expect(JSON.parse(form.get('param')!)).toEqual({
      company: 'shunfeng',
      number: 'SF1234567890123',
      key: 'kd-key',
      parameters: { callbackurl: subscription.callbackUrl, salt: 'salt-123', resultv2: '4' },
    });
  });

  it('takes 501 重复订阅 (already subscribed) as subscribed', async () => {
    expect(await tracker(scriptedFetch(json({ result: false, returnCode: '501', message: '重复订阅' })).fetch).subscribe(query)).toBe(true);
  });

  it('maps 600 to an account problem and 701 to a number that cannot be followed', async () => {
    await expect(tracker(scriptedFetch(json({ result: false, returnCode: '600', message: '您不是合法的订阅者' })).fetch).subscribe(query)).rejects.toBeInstanceOf(CarrierAuthError);
    await expect(tracker(scriptedFetch(json({ result: false, returnCode: '701', message: '拒绝订阅的快递公司' })).fetch).subscribe(query)).rejects.toBeInstanceOf(
      TrackingNotFoundError,
    );
  });

  it('without a configured subscription, asks nothing and says so', async () => {
    const fake = scriptedFetch();
    expect(await tracker(fake.fetch, false).subscribe(query)).toBe(false);
    expect(fake.calls).toHaveLength(0);
  });

  it('refuses to start without the customer id, rather than failing every lookup', () => {
    expect(() => new Kuaidi100Tracker({ baseUrl: 'https://poll.kuaidi100.test', apiKey: 'k', customer: '', coms: {} })).toThrow(/customer/);
  });
});

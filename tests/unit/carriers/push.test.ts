import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyAndParsePush } from '../../../functions/adapters/carriers/push.js';
import { fixtureText } from './fake-fetch.js';

// Signatures below are computed here from each provider's documented algorithm, not with the code under test.
const afterShipSign = (body: string, secret: string) => createHmac('sha256', secret).update(body).digest('base64');
const seventeenSign = (body: string, key: string) => createHash('sha256').update(`${body}/${key}`).digest('hex');
const kuaidi100Sign = (param: string, salt: string) =>
  createHash('md5')
    .update(param + salt)
    .digest('hex')
    .toUpperCase();

describe('AfterShip push', () => {
  const body = fixtureText('aftership', 'webhook-delivered');
  const secret = 'whsec-aftership';

  it('accepts the base64 HMAC-SHA256 of the raw body in aftership-hmac-sha256 and parses the tracking', () => {
    const result = verifyAndParsePush('aftership', body, { 'Aftership-Hmac-Sha256': afterShipSign(body, secret) }, secret, { carrierCodes: { SF: 'sf-express' } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.updates).toHaveLength(1);
    expect(result.updates[0]).toMatchObject({
      carrier: 'SF',
      trackingNumber: 'SF1234567890123',
      snapshot: { status: 'delivered', lost: false, deliveredAt: '2025-10-16T06:00:00.000Z' },
    });
    expect(result.updates[0]!.snapshot.checkpoints).toHaveLength(5);
  });

  it("names the carrier registry's canonical code when no map is given (else the provider's own), and ignores events that are not status updates", () => {
    const result = verifyAndParsePush('aftership', body, { 'aftership-hmac-sha256': afterShipSign(body, secret) }, secret);
    expect(result.ok && result.updates[0]!.carrier).toBe('SF');
    const unknown = body.replaceAll('"sf-express"', '"some-new-courier"');
    expect(unknown).not.toBe(body);
    const other = verifyAndParsePush('aftership', unknown, { 'aftership-hmac-sha256': afterShipSign(unknown, secret) }, secret);
    expect(other.ok && other.updates[0]!.carrier).toBe('some-new-courier');
    const edd = JSON.stringify({ event: 'edd_revise', event_id: 'e', msg: {}, ts: 1 });
    expect(verifyAndParsePush('aftership', edd, { 'aftership-hmac-sha256': afterShipSign(edd, secret) }, secret)).toEqual({ ok: true, updates: [] });
  });

  it('rejects a tampered body, a wrong secret, a missing header and an empty secret', () => {
    const signature = afterShipSign(body, secret);
    expect(verifyAndParsePush('aftership', body.replace('Delivered_001', 'Exception_013'), { 'aftership-hmac-sha256': signature }, secret)).toEqual({
      ok: false,
      reason: 'invalid_signature',
    });
    expect(verifyAndParsePush('aftership', body, { 'aftership-hmac-sha256': afterShipSign(body, 'other') }, secret)).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyAndParsePush('aftership', body, {}, secret)).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyAndParsePush('aftership', body, { 'aftership-hmac-sha256': afterShipSign(body, '') }, '')).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyAndParsePush('aftership', body, { 'aftership-hmac-sha256': 'short' }, secret)).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('reports a correctly signed body that is not a tracking webhook as malformed', () => {
    const junk = '{"event":"tracking_update","msg":{"tag":42}}';
    expect(verifyAndParsePush('aftership', junk, { 'aftership-hmac-sha256': afterShipSign(junk, secret) }, secret)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyAndParsePush('aftership', 'not json', { 'aftership-hmac-sha256': afterShipSign('not json', secret) }, secret)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('17TRACK push', () => {
  const body = fixtureText('17track', 'webhook-lost');
  const key = '17-security-key';

  it('accepts sign = hex SHA-256 of body + "/" + key and parses a lost parcel', () => {
    const result = verifyAndParsePush('17track', body, { sign: seventeenSign(body, key) }, key, { carrierCodes: { SF: 100012 } });
    expect(result).toMatchObject({ ok: true, updates: [{ carrier: 'SF', trackingNumber: 'SF1234567890123', snapshot: { status: 'exception', lost: true } }] });
    if (result.ok) expect(result.updates[0]!.snapshot.checkpoints!.at(-1)!.time).toBe('2025-10-17T10:30:00.000Z');
  });

  it('accepts an upper-case hex signature', () => {
    expect(verifyAndParsePush('17track', body, { SIGN: seventeenSign(body, key).toUpperCase() }, key).ok).toBe(true);
  });

  // 17TRACK's published TRACKING_STOPPED sample (API v2.x, "Webhook" section of https://api.17track.net/en/doc):
  // tests/fixtures/carriers/17track/webhook-stopped.json.
  it('reports TRACKING_STOPPED as a tracking issue (no parcel update): 17TRACK stopped following the number', () => {
    const stopped = fixtureText('17track', 'webhook-stopped');
    expect(verifyAndParsePush('17track', stopped, { sign: seventeenSign(stopped, key) }, key)).toEqual({
      ok: true,
      updates: [],
      issues: [{ reason: 'tracking_stopped', carrier: 'CHINAPOST', trackingNumber: 'RR123456789CN' }],
    });
  });

  it('reports a TRACKING_UPDATED whose number is NotFound_InvalidCode as tracking_not_found, not as a pending parcel', () => {
    // The documented gettrackinfo answer for an invalid number (invalid-code.json), as the push's data.
    const accepted = JSON.parse(fixtureText('17track', 'invalid-code')).data.accepted[0];
    const push = JSON.stringify({ event: 'TRACKING_UPDATED', data: accepted });
    expect(verifyAndParsePush('17track', push, { sign: seventeenSign(push, key) }, key)).toEqual({
      ok: true,
      updates: [],
      issues: [{ reason: 'tracking_not_found', carrier: 'SF', trackingNumber: 'SF1234567890123' }],
    });
  });

  it('rejects a tampered body and a wrong key', () => {
    const sign = seventeenSign(body, key);
    expect(verifyAndParsePush('17track', body.replace('Exception_Lost', 'Delivered_Other'), { sign }, key)).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyAndParsePush('17track', body, { sign: seventeenSign(body, 'wrong') }, key)).toEqual({ ok: false, reason: 'invalid_signature' });
  });
});

describe('Kuaidi100 push', () => {
  const param = JSON.stringify(JSON.parse(fixtureText('kuaidi100', 'push-delivered')));
  const salt = 'kd-salt';

  it('accepts sign = MD5(param + salt) from the form body and parses lastResult in Shanghai time', () => {
    const raw = new URLSearchParams({ sign: kuaidi100Sign(param, salt), param }).toString();
    const result = verifyAndParsePush('kuaidi100', raw, {}, salt, { carrierCodes: { SF: 'shunfeng' } });
    expect(result).toMatchObject({
      ok: true,
      updates: [{ carrier: 'SF', trackingNumber: 'SF1234567890123', snapshot: { status: 'delivered', lost: false, deliveredAt: '2025-10-16T06:00:00.000Z' } }],
    });
    if (result.ok) expect(result.updates[0]!.snapshot.checkpoints!.map((c) => c.time)).toEqual([...result.updates[0]!.snapshot.checkpoints!.map((c) => c.time)].sort());
  });

  it('takes already-decoded form fields and a lower-case signature', () => {
    const result = verifyAndParsePush('kuaidi100', '', { sign: kuaidi100Sign(param, salt).toLowerCase(), param }, salt);
    // No configured map: the registry knows Kuaidi100's "shunfeng" is SF.
    expect(result.ok && result.updates[0]!.carrier).toBe('SF');
  });

  it('rejects a tampered param and a wrong salt', () => {
    const tampered = param.replace('"state":"3"', '"state":"2"');
    expect(tampered).not.toBe(param);
    const signed = kuaidi100Sign(param, salt);
    expect(verifyAndParsePush('kuaidi100', new URLSearchParams({ sign: signed, param: tampered }).toString(), {}, salt)).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(verifyAndParsePush('kuaidi100', new URLSearchParams({ sign: kuaidi100Sign(param, 'other'), param }).toString(), {}, salt)).toEqual({
      ok: false,
      reason: 'invalid_signature',
    });
  });

  // Kuaidi100's published push sample (推送输入参数示例 of its subscription document, reproduced in public SDK samples):
  // autoCheck 1, comOld yuantong, comNew ems. Only its JSON slips (a missing brace, trailing commas) are repaired.
  it('honours comNew: the update names the carrier it was watched under (comOld) and the corrected carrier (comNew)', () => {
    const param = JSON.stringify(JSON.parse(fixtureText('kuaidi100', 'push-corrected-com')));
    const result = verifyAndParsePush('kuaidi100', new URLSearchParams({ sign: kuaidi100Sign(param, salt), param }).toString(), {}, salt);
    expect(result).toMatchObject({ ok: true, updates: [{ carrier: 'YTO', correctedCarrier: 'EMS', trackingNumber: 'V030344422', snapshot: { status: 'in_transit' } }] });
    if (result.ok) expect(result.updates[0]!.snapshot.checkpoints!.map((c) => c.time)).toEqual(['2012-08-27T15:22:42.000Z', '2012-08-28T08:33:19.000Z']);
  });

  it('a push without a correction has no correctedCarrier', () => {
    const param = JSON.stringify(JSON.parse(fixtureText('kuaidi100', 'push-delivered')));
    const result = verifyAndParsePush('kuaidi100', new URLSearchParams({ sign: kuaidi100Sign(param, salt), param }).toString(), {}, salt);
    expect(result.ok && result.updates[0]!.correctedCarrier).toBeUndefined();
  });

  it('gives no update when Kuaidi100 aborts a number it never found', () => {
    const abort = JSON.stringify(JSON.parse(fixtureText('kuaidi100', 'push-abort')));
    expect(verifyAndParsePush('kuaidi100', new URLSearchParams({ sign: kuaidi100Sign(abort, salt), param: abort }).toString(), {}, salt)).toEqual({ ok: true, updates: [] });
  });
});

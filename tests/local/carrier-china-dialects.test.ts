import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CarrierAuthError, ProviderUnavailableError, TrackingNotFoundError } from '../../functions/adapters/carriers/errors.js';
import { Kuaidi100Tracker } from '../../functions/adapters/carriers/kuaidi100.js';
import { verifyAndParsePush } from '../../functions/adapters/carriers/push.js';
import { SeventeenTrackTracker } from '../../functions/adapters/carriers/seventeen-track.js';
import { startCarrierSimulator, type CarrierSimulator } from '../../local/simulators/carrier.js';

/** The carrier simulator's 17TRACK and Kuaidi100 protocols, driven by the real adapters (as the local runtime does). */
const NOW = new Date('2026-03-10T04:00:00Z');
let carrier: CarrierSimulator;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];

beforeAll(async () => {
  carrier = await startCarrierSimulator({ now: () => NOW, seventeenTrackKey: 'st-key', kuaidi100: { key: 'kd-key', customer: 'KD-CUST' }, pushIntervalMs: 50 });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end('{"result":true,"returnCode":"200","message":"成功"}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
});
afterAll(async () => {
  await carrier?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});
beforeEach(() => {
  carrier.reset();
  received.length = 0;
});

const seventeen = (apiKey = 'st-key') => new SeventeenTrackTracker({ baseUrl: carrier.url, apiKey, carriers: { SF: 100012 }, now: () => NOW });
const kuaidi100 = (apiKey = 'kd-key', subscription?: { callbackUrl: string; salt: string }) =>
  new Kuaidi100Tracker({ baseUrl: carrier.url, apiKey, customer: 'KD-CUST', coms: { SF: 'shunfeng' }, now: () => NOW, ...(subscription ? { subscription } : {}) });

describe('17TRACK dialect', () => {
  it('registers on first lookup and reports SIM-LOST as lost (Exception_Lost), with UTC times', async () => {
    const snapshot = await seventeen().track({ carrier: 'SF', trackingNumber: 'SIM-LOST-0001' });
    expect(snapshot).toMatchObject({ status: 'exception', lost: true });
    expect(snapshot.checkpoints!.length).toBeGreaterThan(1);
    expect(snapshot.checkpoints!.every((c, i, all) => i === 0 || c.time >= all[i - 1]!.time)).toBe(true);
  });

  it('answers a number that is no scenario as NotFound_InvalidCode (the adapter: TrackingNotFoundError)', async () => {
    await expect(seventeen().track({ carrier: 'SF', trackingNumber: 'SF000000000' })).rejects.toBeInstanceOf(TrackingNotFoundError);
  });

  it('refuses another key, and is unavailable while SIM-DOWN', async () => {
    await expect(seventeen('wrong').track({ carrier: 'SF', trackingNumber: 'SIM-DELIVERED-1' })).rejects.toBeInstanceOf(CarrierAuthError);
    await expect(seventeen().track({ carrier: 'SF', trackingNumber: 'SIM-DOWN1-DELIVERED-2' })).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('pushes a registered number as a signed TRACKING_UPDATED that the pipeline verifies', async () => {
    carrier.setSeventeenTrackPushTarget({ url: `${receiverUrl}/17track`, secret: 'st-key' });
    await seventeen().track({ carrier: 'SF', trackingNumber: 'SIM-DELIVERED-PUSH' });
    await expect.poll(() => received.length, { timeout: 3000 }).toBeGreaterThan(0);
    carrier.setSeventeenTrackPushTarget(undefined);
    const result = verifyAndParsePush('17track', received[0]!.body, received[0]!.headers, 'st-key');
    expect(result).toMatchObject({ ok: true, updates: [{ carrier: 'SF', trackingNumber: 'SIM-DELIVERED-PUSH', snapshot: { status: 'delivered' } }] });
  });
});

describe('Kuaidi100 dialect', () => {
  it('answers a signed query; SIM-LOST is 疑难 with its last scan days old (Kuaidi100 has no lost state)', async () => {
    const snapshot = await kuaidi100().track({ carrier: 'SF', trackingNumber: 'SIM-LOST-0002' });
    expect(snapshot).toMatchObject({ status: 'exception', lost: false });
    expect(NOW.getTime() - Date.parse(snapshot.lastEventAt!)).toBeGreaterThan(10 * 86_400_000);
  });

  it('answers 500 (查询无结果) for a number that is no scenario, 503 for a wrong signature, 502 while down', async () => {
    await expect(kuaidi100().track({ carrier: 'SF', trackingNumber: 'SF000000000' })).rejects.toBeInstanceOf(TrackingNotFoundError);
    await expect(kuaidi100('wrong').track({ carrier: 'SF', trackingNumber: 'SIM-DELIVERED-3' })).rejects.toBeInstanceOf(CarrierAuthError);
    await expect(kuaidi100().track({ carrier: 'SF', trackingNumber: 'SIM-DOWN1-DELIVERED-4' })).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('subscribes (a repeat is 501, still subscribed) and pushes to the callbackurl, signed with the salt', async () => {
    const tracker = kuaidi100('kd-key', { callbackUrl: `${receiverUrl}/kuaidi100`, salt: 'kd-salt' });
    expect(await tracker.subscribe({ carrier: 'SF', trackingNumber: 'SIM-TRANSIT-5' })).toBe(true);
    expect(await tracker.subscribe({ carrier: 'SF', trackingNumber: 'SIM-TRANSIT-5' })).toBe(true);
    expect(carrier.kuaidi100Subscriptions()).toEqual(['SIM-TRANSIT-5']);
    await expect.poll(() => received.length, { timeout: 3000 }).toBeGreaterThan(0);
    const result = verifyAndParsePush('kuaidi100', received[0]!.body, {}, 'kd-salt');
    expect(result).toMatchObject({ ok: true, updates: [{ carrier: 'SF', trackingNumber: 'SIM-TRANSIT-5', snapshot: { status: 'in_transit' } }] });
    await expect(kuaidi100('wrong', { callbackUrl: receiverUrl, salt: 's' }).subscribe({ carrier: 'SF', trackingNumber: 'SIM-TRANSIT-6' })).rejects.toBeInstanceOf(
      CarrierAuthError,
    );
  });
});

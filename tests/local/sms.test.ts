import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DescribePhoneNumbersCommand, PinpointSMSVoiceV2Client, ConflictException, SendTextMessageCommand, ValidationException } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { OPTED_OUT_SMS_NUMBERS, smsSegments, startSmsEmulator, type SmsEmulator, type StoredSms } from '../../local/emulators/sms.js';
import { OPTED_OUT_CONFLICT } from '../fixtures/providers/end-user-messaging.js';

const CN_NUMBER = '+8613800138000';
const US_NUMBER = '+12065550100';

const clientFor = (url: string) =>
  new PinpointSMSVoiceV2Client({
    region: 'us-east-1',
    endpoint: url,
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
    maxAttempts: 1,
  });

describe('SMS emulator over the real PinpointSMSVoiceV2Client', () => {
  let sms: SmsEmulator;
  let client: PinpointSMSVoiceV2Client;
  const listed = async (query = ''): Promise<StoredSms[]> => ((await (await fetch(`${sms.url}/messages${query}`)).json()) as { messages: StoredSms[] }).messages;

  beforeAll(async () => {
    sms = await startSmsEmulator();
    client = clientFor(sms.url);
  });
  afterAll(async () => {
    client.destroy();
    await sms.close();
  });
  beforeEach(() => sms.clear());

  it('stores a sent message with every request member and returns a MessageId', async () => {
    const out = await client.send(
      new SendTextMessageCommand({
        DestinationPhoneNumber: CN_NUMBER,
        MessageBody: 'Your refund of CNY 19.99 is on its way.',
        OriginationIdentity: 'AfterSales',
        MessageType: 'TRANSACTIONAL',
        ConfigurationSetName: 'aftersales-local',
        Context: { caseId: 'case-1' },
      }),
    );
    expect(out.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await listed()).toEqual([
      {
        messageId: out.MessageId,
        destination: CN_NUMBER,
        body: 'Your refund of CNY 19.99 is on its way.',
        originationIdentity: 'AfterSales',
        messageType: 'TRANSACTIONAL',
        configurationSetName: 'aftersales-local',
        context: { caseId: 'case-1' },
        segments: 1,
        sentAt: expect.any(String),
      },
    ]);
  });

  it('counts segments: long English is GSM-7, Chinese is UCS-2', async () => {
    const english = 'Your parcel is delayed. '.repeat(8); // 192 GSM-7 chars -> 2 parts of 153
    const chinese = '您的包裹已延误，我们已为您安排退款，预计三至五个工作日到账。'.repeat(3); // 90 UCS-2 chars -> 2 parts of 67
    await client.send(new SendTextMessageCommand({ DestinationPhoneNumber: US_NUMBER, MessageBody: english }));
    await client.send(new SendTextMessageCommand({ DestinationPhoneNumber: CN_NUMBER, MessageBody: chinese }));
    expect((await listed()).map((m) => m.segments)).toEqual([2, 2]);
    expect(smsSegments('a'.repeat(160))).toBe(1);
    expect(smsSegments('a'.repeat(161))).toBe(2);
    expect(smsSegments('a'.repeat(306))).toBe(2);
    expect(smsSegments('a'.repeat(307))).toBe(3);
    expect(smsSegments('退'.repeat(70))).toBe(1);
    expect(smsSegments('退'.repeat(71))).toBe(2);
    expect(smsSegments('{'.repeat(80))).toBe(1); // extension chars take two septets each
    expect(smsSegments('{'.repeat(81))).toBe(2);
  });

  it('surfaces validation failures as the SDK ValidationException', async () => {
    const badNumber = client.send(new SendTextMessageCommand({ DestinationPhoneNumber: '13800138000', MessageBody: 'hi' }));
    await expect(badNumber).rejects.toBeInstanceOf(ValidationException);
    await expect(badNumber).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/E\.164/) });
    const empty = client.send(new SendTextMessageCommand({ DestinationPhoneNumber: CN_NUMBER, MessageBody: '' }));
    await expect(empty).rejects.toBeInstanceOf(ValidationException);
    expect(await listed()).toEqual([]);
  });

  it('answers an opted-out number (+8613800000002) as the service does: ConflictException DESTINATION_PHONE_NUMBER_OPTED_OUT, nothing sent', async () => {
    expect(OPTED_OUT_SMS_NUMBERS).toContain('+8613800000002');
    const refused = client.send(new SendTextMessageCommand({ DestinationPhoneNumber: '+8613800000002', MessageBody: 'hi', MessageType: 'TRANSACTIONAL' }));
    await expect(refused).rejects.toBeInstanceOf(ConflictException);
    await expect(refused).rejects.toMatchObject({ name: 'ConflictException', Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT', $metadata: { httpStatusCode: 400 } });
    expect(await listed()).toEqual([]);

    // The wire shape, as in the documented fixture: type in x-amzn-errortype and __type, members Message and Reason.
    const raw = await fetch(`${sms.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'PinpointSMSVoiceV2.SendTextMessage' },
      body: JSON.stringify({ DestinationPhoneNumber: '+8613800000002', MessageBody: 'hi' }),
    });
    expect(raw.status).toBe(OPTED_OUT_CONFLICT.status);
    expect(raw.headers.get('x-amzn-errortype')).toBe(OPTED_OUT_CONFLICT.headers['x-amzn-errortype']);
    const body = (await raw.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(Object.keys(OPTED_OUT_CONFLICT.body).sort());
    expect(body).toMatchObject({ __type: 'ConflictException', Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT' });

    // Other numbers, including the blocked and unreachable ones reported later by event, are accepted.
    await client.send(new SendTextMessageCommand({ DestinationPhoneNumber: '+8613800000000', MessageBody: 'hi' }));
    expect((await listed()).map((m) => m.destination)).toEqual(['+8613800000000']);
  });

  it('rejects operations it does not implement', async () => {
    await expect(client.send(new DescribePhoneNumbersCommand({}))).rejects.toMatchObject({ name: 'UnknownOperationException' });
  });

  it('filters by recipient, clears, and renders an escaped HTML inbox', async () => {
    await client.send(new SendTextMessageCommand({ DestinationPhoneNumber: CN_NUMBER, MessageBody: '<script>alert("x")</script>' }));
    await client.send(new SendTextMessageCommand({ DestinationPhoneNumber: US_NUMBER, MessageBody: 'second' }));
    expect((await listed(`?to=${encodeURIComponent(CN_NUMBER)}`)).map((m) => m.destination)).toEqual([CN_NUMBER]);
    expect((await listed(`?to=${CN_NUMBER}`)).length).toBe(1); // an unencoded '+' still works
    expect((await listed()).map((m) => m.body)).toEqual(['<script>alert("x")</script>', 'second']);

    const page = await fetch(`${sms.url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).not.toContain('<script>');

    const cleared = await fetch(`${sms.url}/messages`, { method: 'DELETE' });
    expect(await cleared.json()).toEqual({ deleted: 2 });
    expect(await listed()).toEqual([]);
  });
});

describe('SMS emulator persistence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sms-emulator-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps messages across a restart and clears the file on DELETE', async () => {
    const dataFile = join(dir, 'nested', 'sms.jsonl');
    const first = await startSmsEmulator({ dataFile });
    const client = clientFor(first.url);
    await client.send(new SendTextMessageCommand({ DestinationPhoneNumber: CN_NUMBER, MessageBody: '验证码 123456' }));
    client.destroy();
    await first.close();

    const second = await startSmsEmulator({ dataFile });
    try {
      expect(second.messages()).toMatchObject([{ destination: CN_NUMBER, body: '验证码 123456', segments: 1 }]);
      await fetch(`${second.url}/messages`, { method: 'DELETE' });
      expect(readFileSync(dataFile, 'utf8')).toBe('');
    } finally {
      await second.close();
    }
  });
});

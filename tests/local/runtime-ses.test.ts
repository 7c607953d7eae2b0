import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSes, type SesEmulator } from '../../local/emulators/ses.js';
import { fakeAws } from './fixtures/runtime-fixture.js';

let ses: SesEmulator;
let client: SESv2Client;

beforeAll(async () => {
  ses = await startSes();
  client = new SESv2Client({ ...fakeAws, endpoint: ses.endpoint });
});

afterAll(async () => {
  client?.destroy();
  await ses?.close();
});

describe('SES emulator', () => {
  it('accepts SESv2 SendEmail and lists the mail at GET /store', async () => {
    expect(ses.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const sent = await client.send(
      new SendEmailCommand({
        FromEmailAddress: 'service@shop.example',
        Destination: { ToAddresses: ['customer@example.com'] },
        Content: { Simple: { Subject: { Data: 'We received your return request' }, Body: { Text: { Data: 'Case C-1 is open.' } } } },
      }),
    );
    expect(sent.MessageId).toBeTruthy();

    const store = (await (await fetch(`${ses.endpoint}/store`)).json()) as {
      emails: Array<{ messageId: string; from: string; destination: { to: string[] }; subject: string; body: { text?: string } }>;
    };
    expect(store.emails).toEqual([
      expect.objectContaining({
        messageId: sent.MessageId,
        from: 'service@shop.example',
        destination: expect.objectContaining({ to: ['customer@example.com'] }) as unknown,
        subject: 'We received your return request',
        body: expect.objectContaining({ text: 'Case C-1 is open.' }) as unknown,
      }),
    ]);
    const viewer = await fetch(ses.viewerUrl);
    expect(viewer.status).toBe(200);
    expect(viewer.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('starts with an empty inbox even though the package keeps mail in a module singleton', async () => {
    const again = await startSes();
    try {
      const store = (await (await fetch(`${again.endpoint}/store`)).json()) as { emails: unknown[] };
      expect(store.emails).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it('rejects a port that is already taken instead of crashing', async () => {
    await expect(startSes({ port: ses.port })).rejects.toThrow(/could not listen/);
  });
});

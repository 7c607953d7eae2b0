import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('keeps mail across a restart in its data file, as the SMS fake does, and empties it when the inbox is cleared', async () => {
    await ses.close();
    const dir = mkdtempSync(join(tmpdir(), 'ses-mail-'));
    const dataFile = join(dir, 'email.jsonl');
    const send = (endpoint: string, subject: string) =>
      new SESv2Client({ ...fakeAws, endpoint }).send(
        new SendEmailCommand({
          FromEmailAddress: 'service@shop.example',
          Destination: { ToAddresses: ['customer@example.com'] },
          Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: 'body' } } } },
        }),
      );
    const subjects = async (endpoint: string) => ((await (await fetch(`${endpoint}/store`)).json()) as { emails: Array<{ subject: string }> }).emails.map((e) => e.subject);
    try {
      const first = await startSes({ dataFile });
      await send(first.endpoint, 'before the restart');
      await first.close();

      const second = await startSes({ dataFile });
      expect(await subjects(second.endpoint)).toEqual(['before the restart']);
      await send(second.endpoint, 'after the restart');
      expect(await subjects(second.endpoint)).toEqual(['before the restart', 'after the restart']);
      await second.close();

      // A start without a data file neither shows nor touches the kept mail.
      const plain = await startSes();
      expect(await subjects(plain.endpoint)).toEqual([]);
      await send(plain.endpoint, 'not kept');
      await plain.close();
      expect(readFileSync(dataFile, 'utf8').trim().split('\n')).toHaveLength(2);

      const third = await startSes({ dataFile });
      expect(await subjects(third.endpoint)).toEqual(['before the restart', 'after the restart']);
      await fetch(`${third.endpoint}/clear-store`, { method: 'POST' });
      expect(readFileSync(dataFile, 'utf8')).toBe('');
      await third.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      ses = await startSes();
    }
  });
});

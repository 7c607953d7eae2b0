import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStatusToken, verifyStatusToken } from '../../functions/domain/status-link.js';
import { readConfig, statusPageConfig } from '../../functions/config/functions.js';
import { apiEvent, importFresh, sleep, startHandlerEnv, TABLE_NAME, withEnv, type HandlerEnv } from './env.js';
import { seedCase } from './fixtures.js';
import { deliverNotices, emailsTo, freshContact, noticeRecord, NOTIFIER_ENV, type NotifierHandler } from './notice-helpers.js';
import { startSecretsManagerFake, type SecretsManagerFake } from './secrets-manager-fake.js';

/**
 * Issue 16, item 6: rotating the status-link key (StatusLinkSecret) under running functions keeps every link already
 * sent working until it expires, signs new links with the new key, and a value without "previous" revokes them all.
 * The notifier and the status page read the key by ARN through Powertools' cache, from a Secrets Manager fake.
 */
type StatusPage = typeof import('../../functions/handlers/status-page.js')['handler'];

const DAY = 86_400_000;
let env: HandlerEnv;
let secrets: SecretsManagerFake;
let notifier: NotifierHandler;
let statusPage: StatusPage;
let createStatusPage: typeof import('../../functions/handlers/status-page.js')['createHandler'];
let restore: () => void;
const secretArn = `arn:aws:secretsmanager:us-east-1:000000000000:secret:StatusLinkSecret-${randomBytes(3).toString('hex')}`;
const key = () => randomBytes(24).toString('base64url');
const [keyA, keyB, keyC] = [key(), key(), key()];

beforeAll(async () => {
  env = await startHandlerEnv({ ses: true, sms: true });
  secrets = await startSecretsManagerFake();
  secrets.set(secretArn, keyA); // a plain value, as the stack generates it
  // SECRETS_MAX_AGE_SECONDS shortens the 5-minute cache so the test need not wait (the default is tested in secret-rotation).
  restore = withEnv({ AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint, SECRETS_MAX_AGE_SECONDS: '1' });
  const fromArn = { STATUS_LINK_SECRET: undefined, STATUS_LINK_SECRET_SECRET_ARN: secretArn };
  notifier = (await importFresh(() => import('../../functions/handlers/notifier.js'), { ...NOTIFIER_ENV, ...fromArn })).handler;
  // The status page from its own configuration: the key by ARN, the shortened cache.
  createStatusPage = (await import('../../functions/handlers/status-page.js')).createHandler;
  statusPage = createStatusPage(readConfig(statusPageConfig, { TABLE_NAME, STATUS_LINK_SECRET_SECRET_ARN: secretArn, SECRETS_MAX_AGE_SECONDS: '1' }));
});

afterAll(async () => {
  restore?.();
  await secrets?.close();
  await env?.close();
});

/** Sends the case's "received" notice and returns the status link's token from the email. */
async function linkSent(caseId: string, email: string): Promise<string> {
  expect(await deliverNotices(notifier, noticeRecord(caseId, 'received'))).toEqual({ batchItemFailures: [] });
  const [mail] = await emailsTo(env, email);
  const match = new RegExp(`/cases/${caseId}/status\\?token=([\\w.%-]+)`).exec(mail!.body.text!);
  return decodeURIComponent(match![1]!);
}

async function open(caseId: string, token: string): Promise<number | undefined> {
  const event = apiEvent({ method: 'GET', path: `/cases/${caseId}/status`, routeKey: 'GET /cases/{caseId}/status', pathParameters: { caseId }, query: `token=${token}` });
  event.queryStringParameters = { token };
  return ((await statusPage(event)) as APIGatewayProxyStructuredResultV2).statusCode;
}

async function newCase() {
  const to = freshContact();
  const { caseId } = await seedCase(env.db, { contact: { ...to, channels: ['email'] } });
  return { caseId, email: to.email };
}

describe('status-link key rotation', () => {
  it('links sent before the rotation keep opening; new links use the new key; dropping "previous" revokes them all', async () => {
    const before = await newCase();
    const oldLink = await linkSent(before.caseId, before.email);
    expect(await open(before.caseId, oldLink)).toBe(200);

    // Rotated under the running functions: the new key current, the old one previous since now.
    secrets.set(secretArn, JSON.stringify({ current: keyB, previous: keyA, rotatedAt: new Date().toISOString() }));
    await sleep(1_100);
    expect(await open(before.caseId, oldLink)).toBe(200); // the link in the customer's inbox still works

    const after = await newCase();
    const newLink = await linkSent(after.caseId, after.email);
    expect(verifyStatusToken(newLink, after.caseId, new Date(), keyB).ok).toBe(true);
    expect(verifyStatusToken(newLink, after.caseId, new Date(), keyA).ok).toBe(false);
    expect(await open(after.caseId, newLink)).toBe(200);

    // Someone holding the old key cannot mint a link that outlives the old links (90 days from the rotation).
    const forged = signStatusToken({ caseId: before.caseId, expiresAt: new Date(Date.now() + 95 * DAY) }, keyA);
    expect(await open(before.caseId, forged)).toBe(403);
    const withinWindow = signStatusToken({ caseId: before.caseId, expiresAt: new Date(Date.now() + 30 * DAY) }, keyA);
    expect(await open(before.caseId, withinWindow)).toBe(200);

    // A leaked key: put a value without "previous", and every link signed before is refused within the cache age.
    secrets.set(secretArn, JSON.stringify({ current: keyC }));
    await sleep(1_100);
    expect(await open(before.caseId, oldLink)).toBe(403);
    expect(await open(after.caseId, newLink)).toBe(403);
    expect(secrets.reads(secretArn)).toBeLessThan(12); // read once per cache period and function, not per request
  });

  it('a link signed with a key this status page has not read yet opens at once: a bad signature re-reads the key, at most every 10 s', async () => {
    const arn = `${secretArn}-warm`;
    secrets.set(arn, keyA);
    // The default cache (300 s): the page would hold keyA for 5 minutes.
    const page = createStatusPage(readConfig(statusPageConfig, { TABLE_NAME, STATUS_LINK_SECRET_SECRET_ARN: arn, SECRETS_MAX_AGE_SECONDS: '300' }));
    const openOn = async (caseId: string, token: string) => {
      const event = apiEvent({ method: 'GET', path: `/cases/${caseId}/status`, routeKey: 'GET /cases/{caseId}/status', pathParameters: { caseId }, query: `token=${token}` });
      event.queryStringParameters = { token };
      return ((await page(event)) as APIGatewayProxyStructuredResultV2).statusCode;
    };
    const { caseId } = await newCase();
    expect(await openOn(caseId, signStatusToken({ caseId, expiresAt: new Date(Date.now() + DAY) }, keyA))).toBe(200);
    expect(secrets.reads(arn)).toBe(1);
    // A notifier read the rotated key first and signed a link with it.
    secrets.set(arn, JSON.stringify({ current: keyB, previous: keyA, rotatedAt: new Date().toISOString() }));
    expect(await openOn(caseId, signStatusToken({ caseId, expiresAt: new Date(Date.now() + DAY) }, keyB))).toBe(200);
    expect(secrets.reads(arn)).toBe(2);
    // Bad links right after do not read the key again.
    for (let i = 0; i < 3; i++) expect(await openOn(caseId, signStatusToken({ caseId, expiresAt: new Date(Date.now() + DAY) }, keyC))).toBe(403);
    expect(secrets.reads(arn)).toBe(2);
  });
});

import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { PrivacyStore } from '../../functions/adapters/privacy-store.js';
import { ShipmentStore } from '../../functions/adapters/shipment-store.js';
import { SurveyStore } from '../../functions/adapters/survey-store.js';
import { suppressionKey } from '../../functions/adapters/suppression-store.js';
import { REDACTED } from '../../functions/domain/privacy.js';
import { closeCaseConfig, opsApiConfig, privacyRetentionConfig, readConfig, startCaseConfig } from '../../functions/config/functions.js';
import { callOpsApi, lambdaContext, sqsEvent, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { PERSON, seedCase, unique } from './fixtures.js';

/**
 * Privacy requests and retention (docs/privacy.md) through the real handlers: the intake consumer (start-case) carries
 * out a request stored as the ingest function stores it, the ops API shows it, close-case finishes a redaction that
 * waited, the retention job redacts after the policy's period. DynamoDB is dynalite.
 */
type StartCase = typeof import('../../functions/handlers/start-case.js')['handler'];
type OpsApi = typeof import('../../functions/handlers/ops-api.js')['handler'];
type CloseCase = typeof import('../../functions/handlers/close-case.js')['handler'];
type Retention = typeof import('../../functions/handlers/privacy-retention.js')['handler'];

let env: HandlerEnv;
let startCase: StartCase;
let opsApi: OpsApi;
let closeCase: CloseCase;
let retention: Retention;
let cases: CaseStore;
let privacy: PrivacyStore;
let output: string[];

const DISPUTE = 'The inspector Zhang scratched it himself, call me on my mobile';
const COMMENT = 'Slow, and the courier was rude to my mother at home';
const EVIDENCE = 'https://cdn.example.com/evidence/li-wei-front-door.jpg';
const SECRET_WORDS = [PERSON.name, PERSON.email, PERSON.phone, 'The key feel is not what I expected.', DISPUTE, COMMENT, EVIDENCE];
const traces = (text: string) => SECRET_WORDS.filter((word) => text.includes(word));

beforeAll(async () => {
  // start-case needs its state machine (STATE_MACHINE_ARN, required by its configuration); none is started here.
  env = await startHandlerEnv({ env: { POWERTOOLS_LOG_LEVEL: 'INFO', STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:CaseWorkflow' } });
  cases = new CaseStore(env.db, TABLE_NAME);
  privacy = new PrivacyStore(env.db, TABLE_NAME);
  startCase = (await import('../../functions/handlers/start-case.js')).createHandler(
    readConfig(startCaseConfig, { TABLE_NAME, STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:CaseWorkflow' }),
  );
  opsApi = (await import('../../functions/handlers/ops-api.js')).createHandler(readConfig(opsApiConfig, { TABLE_NAME }));
  closeCase = (await import('../../functions/handlers/close-case.js')).createHandler(readConfig(closeCaseConfig, { TABLE_NAME }));
  retention = (await import('../../functions/handlers/privacy-retention.js')).createHandler(readConfig(privacyRetentionConfig, { TABLE_NAME }));
});

afterAll(async () => {
  await env?.close();
});

// Everything the functions log, to check that no personal data is in it.
beforeAll(() => {
  output = [];
  const capture = (chunk: unknown) => {
    output.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture as typeof process.stderr.write);
});
afterEach(() => {
  expect(traces(output.join(''))).toEqual([]);
});

/** A closed case of `customerId` with every kind of personal data: contact, description, evidence, a dispute, a survey comment. */
async function closedCaseWithEverything(customerId: string, tokenKept: 'on the case' | 'with the facts' = 'on the case') {
  const token = unique('survey');
  const seeded = await seedCase(env.db, {
    record: {
      customerId,
      status: 'closed',
      outcome: 'approved',
      closedAt: new Date(Date.now() - 1000).toISOString(),
      evidence: [{ kind: 'photo', url: EVIDENCE }],
      // A case created from 5 December keeps the token it drew at intake with its facts (adapters/case-store.ts).
      ...(tokenKept === 'on the case' ? { surveyToken: token } : { surveyLinkToken: token }),
      compensation: {
        instructionId: unique('ins'),
        kind: 'refund',
        amount: 39900,
        currency: 'CNY',
        idempotencyKey: unique('idem'),
        at: new Date().toISOString(),
        status: 'completed',
      },
    },
  });
  await cases.appendTimeline(seeded.caseId, { at: new Date().toISOString(), actor: 'customer', event: 'dispute_received', detail: { reason: DISPUTE, status: 'closed' } });
  await new SurveyStore(env.db, TABLE_NAME).create({
    token,
    caseId: seeded.caseId,
    locale: 'zh-CN',
    createdAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  });
  await new SurveyStore(env.db, TABLE_NAME).answer(token, { overall: 2, speed: 1, comment: COMMENT }, new Date());
  await env.db.send(
    new PutCommand({
      TableName: TABLE_NAME,
      Item: { ...suppressionKey('sms', PERSON.phone), channel: 'sms', reason: 'opted_out', at: new Date().toISOString(), caseId: seeded.caseId },
    }),
  );
  return { ...seeded, token };
}

/** What ingest-webhook does with a verified privacy request: store it pending, queue it; here the queue is delivered at once. */
async function request(kind: 'export' | 'redact', customerId: string, orderIds?: string[]) {
  const privacyRequestId = unique('pr');
  await privacy.open({ privacyRequestId, kind, customerId, ...(orderIds ? { orderIds } : {}), receivedAt: new Date().toISOString() });
  await deliver(privacyRequestId, kind, customerId, orderIds);
  return privacyRequestId;
}

async function deliver(privacyRequestId: string, kind: 'export' | 'redact', customerId: string, orderIds?: string[]) {
  const type = kind === 'export' ? 'customer.data_requested' : 'customer.redact_requested';
  const body = {
    webhookId: unique('msg'),
    caseId: privacyRequestId,
    receivedAt: new Date().toISOString(),
    event: { type, timestamp: new Date().toISOString(), data: { privacyRequestId, customerId, ...(orderIds ? { orderIds } : {}) } },
  };
  const out = (await startCase(sqsEvent('aftersales-intake', [{ body, messageId: randomUUID() }]), lambdaContext('StartCase'))) as SQSBatchResponse;
  expect(out.batchItemFailures).toEqual([]);
}

const asSupervisor = (path: string) => callOpsApi(opsApi, 'token', 'GET', path, { operator: { name: 'sup-1', role: 'supervisor' } });

describe('customer.data_requested', () => {
  it("gathers the customer's cases into one export a supervisor reads, each read audited; viewers and agents get 403", async () => {
    const customerId = unique('cust');
    const { caseId, record } = await closedCaseWithEverything(customerId);
    const id = await request('export', customerId);

    const res = await asSupervisor(`/ops/privacy/${id}`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ privacyRequestId: id, kind: 'export', customerId, status: 'ready', caseIds: [caseId] });
    const [exported] = res.json.export.cases;
    expect(res.json.export).toMatchObject({ format: 'aftersales-privacy-export/1', customerId, watchedParcels: [] });
    expect(exported).toMatchObject({
      caseId,
      orderId: record.orderId,
      contact: { name: PERSON.name, email: PERSON.email, phone: PERSON.phone, locale: 'zh-CN', channels: ['email', 'sms'] },
      description: 'The key feel is not what I expected.',
      evidence: [{ kind: 'photo', url: EVIDENCE }],
      survey: { overall: 2, speed: 1, comment: COMMENT },
    });
    expect(exported.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'dispute_received', detail: expect.objectContaining({ reason: DISPUTE }) })]));
    // The survey link is a credential, not data about the person.
    expect(JSON.stringify(exported)).not.toContain('surveyToken');

    const byCase = await callOpsApi(opsApi, 'token', 'GET', '/ops/audit', { query: `caseId=${caseId}`, operator: { name: 'sup-1', role: 'supervisor' } });
    expect(byCase.json.entries).toEqual([
      expect.objectContaining({ operator: 'sup-1', role: 'supervisor', caseId, read: ['privacy_export'], route: 'GET /ops/privacy/{privacyRequestId}' }),
    ]);
    expect((await asSupervisor(`/ops/privacy/${id}`)).json.history.filter((h: { event: string }) => h.event === 'read')).toHaveLength(2);

    for (const role of ['viewer', 'agent']) {
      const refused = await callOpsApi(opsApi, 'token', 'GET', `/ops/privacy/${id}`, { operator: { name: `op-${role}`, role } });
      expect(refused.status).toBe(403);
      expect(refused.json).toMatchObject({ error: 'forbidden', needs: 'supervisor' });
    }
    // The functions' logs are captured (and checked for personal data after each test).
    expect(output.join('')).toContain('intake event applied');
  });

  it(`an export is shown for 30 days, then only the request's progress (exportExpired)`, async () => {
    const customerId = unique('cust');
    await closedCaseWithEverything(customerId);
    const id = await request('export', customerId);
    expect((await privacy.get(id))!.exportExpiresAt).toBe(new Date(Date.parse((await privacy.get(id))!.completedAt!) + 30 * 86_400_000).toISOString());
    await env.db.send(
      new UpdateCommand({
        TableName: TABLE_NAME,
        Key: { pk: `PRIVACY#${id}`, sk: 'REQUEST' },
        UpdateExpression: 'SET exportExpiresAt = :past',
        ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
      }),
    );
    const res = await asSupervisor(`/ops/privacy/${id}`);
    expect(res.json).toMatchObject({ status: 'ready', exportExpired: true });
    expect(res.json.export).toBeUndefined();
    expect(traces(res.body)).toEqual([]);
  });

  it('a customer never seen gets an empty export, ready, not a 404; an unknown request id is 404', async () => {
    const id = await request('export', unique('nobody'));
    expect((await asSupervisor(`/ops/privacy/${id}`)).json).toMatchObject({ status: 'ready', caseIds: [], export: { cases: [], watchedParcels: [] } });
    expect((await asSupervisor('/ops/privacy/pr-never-sent')).json).toMatchObject({ error: 'privacy_request_not_found' });
  });

  it('orderIds limits the export to those orders; delivered again, nothing changes (idempotent by privacyRequestId)', async () => {
    const customerId = unique('cust');
    const a = await seedCase(env.db, { record: { customerId, status: 'closed', closedAt: new Date().toISOString() } });
    await seedCase(env.db, { record: { customerId, status: 'closed', closedAt: new Date().toISOString() } });
    const id = await request('export', customerId, [a.record.orderId]);
    const first = (await privacy.get(id))!;
    expect(first).toMatchObject({ status: 'ready', caseIds: [a.caseId] });
    await deliver(id, 'export', customerId, [a.record.orderId]);
    const again = (await privacy.get(id))!;
    expect(again.updatedAt).toBe(first.updatedAt);
    expect(again.history.map((h) => h.event)).toEqual(['received', 'ready']);
  });
});

describe('customer.redact_requested', () => {
  it('redacts a closed case: no name, email, phone or own words in the case view, timeline, status or a fresh export; ids and amounts stay', async () => {
    const customerId = unique('cust');
    const { caseId, record, token } = await closedCaseWithEverything(customerId);
    const id = await request('redact', customerId);
    expect((await asSupervisor(`/ops/privacy/${id}`)).json).toMatchObject({ status: 'completed', caseIds: [caseId], completedAt: expect.any(String) });

    const view = await asSupervisor(`/ops/cases/${caseId}`);
    expect(traces(view.body)).toEqual([]);
    expect(view.json).toMatchObject({
      caseId,
      orderId: record.orderId,
      description: REDACTED,
      evidence: [{ kind: 'photo', url: REDACTED }],
      compensation: { amount: 39900, currency: 'CNY' },
      redacted: { cause: 'request', privacyRequestId: id },
    });
    expect(view.json.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event: 'dispute_received', detail: { reason: REDACTED, status: 'closed' } }),
        expect.objectContaining({ event: 'personal_data_redacted', detail: { cause: 'request', privacyRequestId: id } }),
      ]),
    );
    // Found by its order id still.
    const byOrder = await callOpsApi(opsApi, 'token', 'GET', '/ops/cases', { query: `orderId=${record.orderId}`, operator: { name: 'sup-1', role: 'supervisor' } });
    expect(byOrder.json.cases.map((c: { caseId: string }) => c.caseId)).toEqual([caseId]);

    // Everywhere else the pipeline kept something: the survey answer keeps its scores, the suppression its hash.
    const survey = await new SurveyStore(env.db, TABLE_NAME).get(token);
    expect(survey).toMatchObject({ rating: 2, speed: 1 });
    expect(survey?.comment).toBeUndefined();
    expect((await cases.get(caseId))?.surveyToken).toBeUndefined();
    const suppression = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: suppressionKey('sms', PERSON.phone) }))).Item;
    expect(suppression).toMatchObject({ reason: 'opted_out' });
    expect(suppression?.caseId).toBeUndefined();
    const partition = await env.db.send(new QueryCommand({ TableName: TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CASE#${caseId}` } }));
    expect(traces(JSON.stringify(partition.Items))).toEqual([]);

    const fresh = await request('export', customerId);
    const exported = await asSupervisor(`/ops/privacy/${fresh}`);
    expect(exported.json.export.cases).toHaveLength(1);
    expect(traces(exported.body)).toEqual([]);
  });

  it('a survey token kept with the facts (drawn at intake): left out of the export, dropped by the redaction with the comment', async () => {
    const customerId = unique('cust');
    const { caseId, token } = await closedCaseWithEverything(customerId, 'with the facts');
    const exportId = await request('export', customerId);
    const [exported] = (await asSupervisor(`/ops/privacy/${exportId}`)).json.export.cases;
    expect(exported).toMatchObject({ caseId, survey: { overall: 2, speed: 1, comment: COMMENT } });
    expect(JSON.stringify(exported)).not.toContain(token);
    expect(JSON.stringify((await asSupervisor(`/ops/cases/${caseId}`)).json)).not.toContain(token);

    const id = await request('redact', customerId);
    expect((await asSupervisor(`/ops/privacy/${id}`)).json).toMatchObject({ status: 'completed', caseIds: [caseId] });
    const survey = await new SurveyStore(env.db, TABLE_NAME).get(token);
    expect(survey).toMatchObject({ rating: 2, speed: 1 });
    expect(survey?.comment).toBeUndefined();
    expect(await cases.get(caseId)).not.toHaveProperty('surveyLinkToken');
    const facts = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: 'CASE#FACTS' }, ConsistentRead: true }))).Item!;
    expect(JSON.stringify(facts)).not.toContain(token);
  });

  it('both tokens with a survey (one opened again after a rollback): the export shows both surveys without either token, the redaction erases both comments', async () => {
    const customerId = unique('cust');
    const { caseId, token: linkToken } = await closedCaseWithEverything(customerId, 'with the facts');
    // Under 08ff7cd the survey step drew its own token onto the case item, with a survey of its own.
    const rolledBackToken = unique('survey');
    const surveys = new SurveyStore(env.db, TABLE_NAME);
    await env.db.send(
      new UpdateCommand({
        TableName: TABLE_NAME,
        Key: { pk: `CASE#${caseId}`, sk: 'CASE' },
        UpdateExpression: 'SET surveyToken = :t',
        ExpressionAttributeValues: { ':t': rolledBackToken },
      }),
    );
    await surveys.create({ token: rolledBackToken, caseId, locale: 'zh-CN', createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    const secondComment = 'Second survey: the courier was rude, call me at 13800138000.';
    await surveys.answer(rolledBackToken, { overall: 4, speed: 3, comment: secondComment }, new Date());

    const exportId = await request('export', customerId);
    const [exported] = (await asSupervisor(`/ops/privacy/${exportId}`)).json.export.cases;
    expect(exported).toMatchObject({ caseId, survey: { overall: 4, comment: secondComment }, otherSurveys: [{ overall: 2, speed: 1, comment: COMMENT }] });
    expect(JSON.stringify(exported)).not.toContain(linkToken);
    expect(JSON.stringify(exported)).not.toContain(rolledBackToken);

    const id = await request('redact', customerId);
    expect((await asSupervisor(`/ops/privacy/${id}`)).json).toMatchObject({ status: 'completed', caseIds: [caseId] });
    for (const token of [linkToken, rolledBackToken]) expect((await surveys.get(token))?.comment).toBeUndefined();
    expect(await surveys.get(rolledBackToken)).toMatchObject({ rating: 4, speed: 3 });
  });

  it('waits for an open case (waiting_for_open_cases with its id), redacts it when it closes, then completes', async () => {
    const customerId = unique('cust');
    const closed = await closedCaseWithEverything(customerId);
    const open = await seedCase(env.db, { record: { customerId, status: 'awaiting_survey' } });
    const id = await request('redact', customerId);
    const waiting = await asSupervisor(`/ops/privacy/${id}`);
    expect(waiting.json).toMatchObject({ status: 'waiting_for_open_cases', waitingFor: [open.caseId] });
    expect(waiting.json.caseIds.sort()).toEqual([closed.caseId, open.caseId].sort());
    // The open case is untouched: its notices can still reach the customer.
    expect(await cases.contact(open.caseId)).toMatchObject({ email: PERSON.email });

    await closeCase({ caseId: open.caseId, reason: 'completed' });
    const done = (await privacy.get(id))!;
    expect(done).toMatchObject({ status: 'completed', completedAt: expect.any(String) });
    expect(done.waitingFor).toBeUndefined();
    expect(done.history.map((h) => h.event)).toEqual(['received', 'waiting_for_open_cases', 'read', 'case_redacted', 'completed']);
    expect(await cases.contact(open.caseId)).toEqual(expect.objectContaining({ name: REDACTED, description: REDACTED, redactedAt: expect.any(String) }));
    expect((await cases.contact(open.caseId))?.email).toBeUndefined();
    // The same progress in the audit log, for supervisors.
    const trail = await callOpsApi(opsApi, 'token', 'GET', '/ops/audit', { query: `privacyRequestId=${id}`, operator: { name: 'sup-1', role: 'supervisor' } });
    expect(trail.json.entries.map((e: { event: string }) => e.event)).toEqual(['received', 'waiting_for_open_cases', 'read', 'case_redacted', 'completed']);
    expect((await callOpsApi(opsApi, 'token', 'GET', '/ops/audit', { query: `privacyRequestId=${id}`, operator: { name: 'v', role: 'viewer' } })).status).toBe(403);
    // Closing again (a retried step) changes nothing.
    await closeCase({ caseId: open.caseId, reason: 'completed' });
    expect((await cases.view(open.caseId))!.timeline.filter((e) => e.event === 'personal_data_redacted')).toHaveLength(1);
  });

  it('a customer never seen gets a completed redaction, not a 404', async () => {
    const id = await request('redact', unique('nobody'));
    expect((await asSupervisor(`/ops/privacy/${id}`)).json).toMatchObject({ status: 'completed', caseIds: [] });
  });
});

/** A parcel watched for proactive detection, keeping the customer's contact until it is delivered or expires. */
async function watchParcelOf(customerId: string) {
  const shipments = new ShipmentStore(env.db, TABLE_NAME);
  const key = `SF#${unique('SF').toUpperCase()}`;
  const facts = {
    order: {
      orderId: unique('ORD'),
      placedAt: new Date().toISOString(),
      currency: 'CNY',
      items: [],
      shipment: { carrier: 'SF', trackingNumber: key.slice(3), shippedAt: new Date().toISOString(), promisedBy: new Date().toISOString() },
    },
    customer: { customerId, tier: 'gold' as const, locale: 'zh-CN' as const, channels: ['email' as const] },
  };
  await shipments.saveProactive(key, facts, { name: PERSON.name, email: PERSON.email }, new Date(Date.now() + 86_400_000));
  return { shipments, key };
}

describe('watched parcels (shipment.created with proactive detection)', () => {
  it("a parcel's kept contact is in the customer's export, and erased by their redaction", async () => {
    const customerId = unique('cust');
    const { shipments, key } = await watchParcelOf(customerId);

    const exportId = await request('export', customerId);
    expect((await asSupervisor(`/ops/privacy/${exportId}`)).json.export.watchedParcels).toEqual([{ parcel: key, contact: { name: PERSON.name, email: PERSON.email } }]);
    const redactId = await request('redact', customerId);
    expect((await privacy.get(redactId))!.status).toBe('completed');
    expect(await shipments.proactive(key)).toBeUndefined();
    expect(await shipments.watchedContactsOf(customerId)).toEqual([]);
  });
});

describe('an export made before a redaction', () => {
  const erasures = (history: Array<{ event: string; part?: string }>) =>
    history
      .filter((h) => h.event === 'export_erased')
      .map((h) => h.part)
      .sort();
  const markersOf = async (pk: string) =>
    (await env.db.send(new QueryCommand({ TableName: TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }))).Items?.filter((i) =>
      /^EXPORT(ED)?#/.test(String(i.sk)),
    ) ?? [];

  it("loses the erased case and watched parcels: GET shows none of the customer's data, says which parts went, once", async () => {
    const customerId = unique('cust');
    const { caseId } = await closedCaseWithEverything(customerId);
    await watchParcelOf(customerId);
    const exportId = await request('export', customerId);
    const before = await asSupervisor(`/ops/privacy/${exportId}`);
    expect(traces(before.body).sort()).toEqual([...SECRET_WORDS].sort());
    expect(await markersOf(`CASE#${caseId}`)).toEqual([expect.objectContaining({ sk: `EXPORTED#${exportId}`, ttl: expect.any(Number) })]);

    await request('redact', customerId);
    const after = await asSupervisor(`/ops/privacy/${exportId}`);
    expect(traces(after.body)).toEqual([]);
    expect(after.json).toMatchObject({ status: 'ready', caseIds: [caseId], erasedParts: [caseId, 'WATCHED_PARCELS'], export: { cases: [], watchedParcels: [] } });
    expect(erasures(after.json.history)).toEqual([caseId, 'WATCHED_PARCELS'].sort());
    expect(await markersOf(`CASE#${caseId}`)).toEqual([]);
    expect(await markersOf(`PRIVACY_CUSTOMER#${customerId}`)).toEqual([]);

    // A second request for the same customer finds nothing more to erase: the trail says it once.
    await request('redact', customerId);
    expect(erasures((await privacy.get(exportId))!.history)).toEqual([caseId, 'WATCHED_PARCELS'].sort());
    // An erased case's part is not read: no privacy_export entry in its access log from after the erasure.
    const byCase = await callOpsApi(opsApi, 'token', 'GET', '/ops/audit', { query: `caseId=${caseId}`, operator: { name: 'sup-1', role: 'supervisor' } });
    expect(byCase.json.entries.filter((e: { read: string[] }) => e.read.includes('privacy_export'))).toHaveLength(1);
  });

  it('loses the case when retention redacts it', async () => {
    const customerId = unique('cust');
    const { caseId } = await closedCaseWithEverything(customerId);
    await cases.update(caseId, { status: 'in_review' }, ['closed']);
    await closeCase({ caseId, reason: 'completed' });
    const exportId = await request('export', customerId);
    expect(traces((await asSupervisor(`/ops/privacy/${exportId}`)).body)).not.toEqual([]);

    const closedAt = (await cases.get(caseId))!.closedAt!;
    expect(await retention({ time: new Date(Date.parse(closedAt) + 366 * 86_400_000).toISOString() })).toMatchObject({ redacted: 1 });
    const after = await asSupervisor(`/ops/privacy/${exportId}`);
    expect(traces(after.body)).toEqual([]);
    expect(after.json).toMatchObject({ erasedParts: [caseId], export: { cases: [] } });
    expect(erasures(after.json.history)).toEqual([caseId]);
  });

  it('a redaction limited to one order erases that case only: the other case stays in the export', async () => {
    const customerId = unique('cust');
    const a = await closedCaseWithEverything(customerId);
    const b = await closedCaseWithEverything(customerId);
    const exportId = await request('export', customerId);
    await request('redact', customerId, [a.record.orderId]);

    const after = await asSupervisor(`/ops/privacy/${exportId}`);
    expect(after.json.erasedParts).toEqual([a.caseId]);
    expect(after.json.export.cases.map((c: { caseId: string }) => c.caseId)).toEqual([b.caseId]);
    expect(after.json.export.cases[0]).toMatchObject({ contact: { email: PERSON.email }, survey: { comment: COMMENT } });
    expect(JSON.stringify(after.json.export)).not.toContain(a.caseId);
    expect(await markersOf(`CASE#${b.caseId}`)).toHaveLength(1);
  });

  it('a part gathered while a redaction of its case runs is not kept: the redaction found its marker', async () => {
    const customerId = unique('cust');
    const { caseId } = await closedCaseWithEverything(customerId);
    const exportId = unique('pr');
    await privacy.open({ privacyRequestId: exportId, kind: 'export', customerId, receivedAt: new Date().toISOString() });
    // The data is read, then the redaction runs to its end, then the (stale) data is stored.
    const readThenRedact = async () => {
      const stale = { caseId, contact: { email: PERSON.email } };
      await request('redact', customerId);
      return stale;
    };
    expect(await privacy.putExportPart(exportId, caseId, readThenRedact, new Date(Date.now() + 86_400_000).toISOString(), customerId)).toBe('erased');
    expect(await privacy.exportParts(exportId)).toEqual([]);
    expect((await privacy.get(exportId))!.erasedParts).toEqual([caseId]);
  });

  it('an export of a case already redacted once loses it when the case is redacted again after a dispute', async () => {
    const customerId = unique('cust');
    const { caseId } = await closedCaseWithEverything(customerId);
    await request('redact', customerId);
    const newPhoto = 'https://cdn.example.com/evidence/second-round-front-door.jpg';
    await cases.update(caseId, { status: 'in_review' }, ['closed']);
    await cases.update(caseId, {
      evidence: [
        { kind: 'photo', url: REDACTED },
        { kind: 'photo', url: newPhoto },
      ],
    });
    await closeCase({ caseId, reason: 'completed' });
    const exportId = await request('export', customerId);
    expect((await asSupervisor(`/ops/privacy/${exportId}`)).body).toContain(newPhoto);

    await request('redact', customerId);
    const after = await asSupervisor(`/ops/privacy/${exportId}`);
    expect(after.body).not.toContain(newPhoto);
    expect(after.json.erasedParts).toEqual([caseId]);
  });
});

describe('retention', () => {
  it("files a closed case for redaction after the policy's retentionDays (365 in CN) and redacts it then, not before", async () => {
    const customerId = unique('cust');
    const open = await seedCase(env.db, { record: { customerId, status: 'awaiting_survey', evidence: [{ kind: 'photo', url: EVIDENCE }] } });
    await closeCase({ caseId: open.caseId, reason: 'completed' });
    const closedAt = (await cases.get(open.caseId))!.closedAt!;
    const due = new Date(Date.parse(closedAt) + 365 * 86_400_000);

    await retention({ time: new Date(due.getTime() - 60_000).toISOString() });
    expect(await cases.contact(open.caseId)).toMatchObject({ email: PERSON.email });

    expect(await retention({ time: new Date(due.getTime() + 60_000).toISOString() })).toMatchObject({ redacted: 1 });
    const record = await cases.get(open.caseId);
    expect(record).toMatchObject({ redaction: { kind: 'retention', retentionDays: 365 }, evidence: [{ kind: 'photo', url: REDACTED }] });
    expect((await cases.contact(open.caseId))?.email).toBeUndefined();
    // Out of the due index: the next run finds nothing for it.
    expect(await retention({ time: new Date(due.getTime() + 120_000).toISOString() })).toMatchObject({ redacted: 0 });
  });

  it('a case redacted, then reopened by a dispute, loses what the dispute brought when retention comes after its next close', async () => {
    const customerId = unique('cust');
    const { caseId } = await closedCaseWithEverything(customerId);
    await request('redact', customerId);
    // The dispute round: new evidence and an operator's reason land on the case item (docs/privacy.md, "Limits").
    const newPhoto = 'https://cdn.example.com/evidence/second-round-front-door.jpg';
    const operatorWords = 'Spoke to the neighbour, Mrs Chen at No. 12, who took the parcel in';
    await cases.update(caseId, { status: 'in_review' }, ['closed']);
    await cases.update(caseId, {
      evidence: [
        { kind: 'photo', url: REDACTED },
        { kind: 'photo', url: newPhoto },
      ],
      operatorDecision: { decision: 'approve', reason: operatorWords, operator: 'agent-1', at: new Date().toISOString() },
    });
    await closeCase({ caseId, reason: 'completed' });
    const closedAt = (await cases.get(caseId))!.closedAt!;

    await retention({ time: new Date(Date.parse(closedAt) + 366 * 86_400_000).toISOString() });
    const stored = JSON.stringify(await cases.get(caseId));
    expect(stored).not.toContain(newPhoto);
    expect(stored).not.toContain(operatorWords);
  });

  it('a case reopened (a dispute) before its retention ended is not redacted while open', async () => {
    const open = await seedCase(env.db, { record: { customerId: unique('cust'), status: 'in_review' } });
    await closeCase({ caseId: open.caseId, reason: 'rejected' });
    await cases.update(open.caseId, { status: 'in_review' }, ['closed']);
    const closedAt = (await cases.get(open.caseId))!.closedAt!;
    await retention({ time: new Date(Date.parse(closedAt) + 366 * 86_400_000).toISOString() });
    expect(await cases.contact(open.caseId)).toMatchObject({ email: PERSON.email });
  });
});

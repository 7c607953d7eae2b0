import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import type { CaseRecord, WaitKind } from '../../functions/domain/case-record.js';
import { DedupeStore } from '../../functions/adapters/dedupe-store.js';
import { WaitStore } from '../../functions/adapters/wait-store.js';
import { CaseWorkflow } from '../../functions/adapters/workflow.js';
import { keys } from '../../functions/adapters/dynamo.js';
import { caseIdFor } from '../../functions/domain/case-id.js';
import { PrivacyStore } from '../../functions/adapters/privacy-store.js';
import { intakePrivacyOf } from '../../functions/wiring/intake-privacy.js';
import { awaitEvent } from '../../functions/use-cases/steps/await-event.js';
import { readConfig, startCaseConfig } from '../../functions/config/functions.js';
import { ACCOUNT_ID, addWaitForTokenMachine, lambdaContext, REGION, sleep, sqsEvent, startHandlerEnv, TABLE_NAME, type HandlerEnv, taskTokenRegistered } from './env.js';
import { PERSON, requestedEvent, seedCase, unique } from './fixtures.js';

// The privacy side start-case loads on first use, as itself; a test makes one load fail.
vi.mock('../../functions/wiring/intake-privacy.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../functions/wiring/intake-privacy.js')>();
  return { ...real, intakePrivacyOf: vi.fn(real.intakePrivacyOf) };
});

type Handler = typeof import('../../functions/handlers/start-case.js')['handler'];

const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:CaseWorkflow`;
let env: HandlerEnv;
let handler: Handler;
let cases: CaseStore;
let waits: WaitStore;
let noticeQueueUrl: string;

/** The notices start-case queued for a case (the acknowledgement of a dispute the workflow does not reopen). */
async function noticesFor(caseId: string): Promise<Array<Record<string, unknown>>> {
  const out = await env.sqs!.send(new ReceiveMessageCommand({ QueueUrl: noticeQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  for (const m of out.Messages ?? []) await env.sqs!.send(new DeleteMessageCommand({ QueueUrl: noticeQueueUrl, ReceiptHandle: m.ReceiptHandle! }));
  return (out.Messages ?? []).map((m) => JSON.parse(m.Body!) as Record<string, unknown>).filter((m) => m.caseId === caseId);
}
const waitingMachines: Partial<Record<WaitKind, string>> = {};

/** A workflow step waiting for `kind` on the case, its token registered. */
async function waitingFor(caseId: string, kind: 'remedy_choice' | 'compensation'): Promise<string> {
  const { executionArn } = env.sfn!.service.startExecution({ stateMachineArn: waitingMachines[kind]!, name: `${caseId}-${kind}`, input: JSON.stringify({ caseId }) });
  await taskTokenRegistered(env, caseId, kind);
  return executionArn!;
}

/** An order-platform event for a case as the intake queue delivers it. */
const eventFor = (caseId: string, type: string, data: Record<string, unknown>) => ({
  body: { webhookId: unique('msg'), caseId, receivedAt: new Date().toISOString(), event: { type, timestamp: new Date().toISOString(), data } },
  messageId: randomUUID(),
});

const timelineOf = async (caseId: string) => (await cases.view(caseId))!.timeline.sort((a, b) => a.at.localeCompare(b.at));
const statusOf = (executionArn: string) => env.sfn!.service.describeExecution({ executionArn }).status;

/** What ingest-webhook puts on the intake queue for a verified event. */
function intakeMessage(event: { type: string; timestamp: string; data: Record<string, unknown> }) {
  return { webhookId: unique('msg'), caseId: caseIdFor(String(event.data.requestId)), receivedAt: new Date().toISOString(), event };
}

const deliver = (...bodies: Array<{ body: unknown; messageId?: string }>) =>
  handler(sqsEvent('aftersales-intake', bodies), lambdaContext('StartCase')) as Promise<SQSBatchResponse>;

async function partition(caseId: string): Promise<Array<Record<string, any>>> {
  const out = await env.db.send(
    new QueryCommand({ TableName: TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CASE#${caseId}` }, ConsistentRead: true }),
  );
  return out.Items ?? [];
}

async function executionsNamed(name: string) {
  const out = await env.sfn!.client.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN }));
  return (out.executions ?? []).filter((e) => e.name === name);
}

beforeAll(async () => {
  // The module's own handler reads the environment when imported, and its schema requires STATE_MACHINE_ARN.
  env = await startHandlerEnv({ sfn: true, sqs: true, env: { STATE_MACHINE_ARN } });
  noticeQueueUrl = (await env.sqs!.send(new CreateQueueCommand({ QueueName: 'start-case-notices.fifo', Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } })))
    .QueueUrl!;
  // A trivial workflow under the ARN the function is configured with: the test is about the start, not the run.
  env.sfn!.service.addStateMachine({
    stateMachineArn: STATE_MACHINE_ARN,
    definition: { StartAt: 'Started', States: { Started: { Type: 'Pass', End: true } } },
    services: {
      invokeFunction: async () => ({}),
      sendSqsMessage: async () => ({ MessageId: randomUUID() }),
    },
  });
  // The handler under test, from an explicit configuration: the test table, that workflow and the notice queue.
  const { createHandler } = await import('../../functions/handlers/start-case.js');
  handler = createHandler(readConfig(startCaseConfig, { TABLE_NAME, STATE_MACHINE_ARN, NOTICE_QUEUE_URL: noticeQueueUrl }));
  cases = new CaseStore(env.db, TABLE_NAME);
  waits = new WaitStore(env.db, TABLE_NAME);
  // The workflow's waiting steps: the real await-event use case parks the task token of a one-state machine.
  for (const kind of ['remedy_choice', 'compensation'] as const) {
    waitingMachines[kind] = addWaitForTokenMachine(env.sfn!.service, `Await-${kind}`, { 'caseId.$': '$.caseId', kind, 'taskToken.$': '$$.Task.Token' }, async (payload) => {
      await awaitEvent({ cases, waits, workflow: new CaseWorkflow(env.sfn!.client, undefined) }, String(payload.caseId), kind, String(payload.taskToken), new Date());
      return { registered: kind };
    });
  }
});

afterAll(async () => {
  await env?.close();
});

describe('start-case', () => {
  it('reports only the record of an unknown case in batchItemFailures; the other record is applied', async () => {
    const requested = requestedEvent();
    const stray = { type: 'return.received', timestamp: new Date().toISOString(), data: { requestId: unique('never-requested'), receivedAt: new Date().toISOString() } };
    const good = { body: intakeMessage(requested), messageId: randomUUID() };
    const bad = { body: intakeMessage(stray), messageId: randomUUID() };

    const result = await deliver(bad, good);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    expect(await partition(good.body.caseId)).not.toHaveLength(0);
    expect(await partition(bad.body.caseId)).toHaveLength(0);
  });

  it('creates the case with its contact in a separate item (no personal data on the case) and starts one execution named by case id', async () => {
    const event = requestedEvent();
    const message = intakeMessage(event);
    const { caseId } = message;
    expect(await deliver({ body: message })).toEqual({ batchItemFailures: [] });

    const caseItem = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: 'CASE' } }))).Item!;
    // The case is its case item and its facts item (adapters/case-store.ts); neither holds personal data.
    const factsItem = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: 'CASE#FACTS' } }))).Item!;
    expect(await cases.get(caseId)).toMatchObject({ caseId, requestId: event.data.requestId, status: 'received', type: 'return', orderId: event.data.order.orderId, version: 1 });
    // `received` is not a status operators list from (domain/status-index.ts): the case is not in the status index.
    expect(caseItem).not.toHaveProperty('gsi1pk');
    // The survey link's token is drawn now and kept with the facts, written once (open-survey.ts uses it).
    expect(factsItem.surveyLinkToken).toMatch(/^[\w-]{32}$/);
    expect(caseItem).not.toHaveProperty('surveyToken');
    for (const item of [caseItem, factsItem]) {
      for (const field of ['name', 'email', 'phone', 'customer', 'contact', 'description']) expect(item).not.toHaveProperty(field);
      const text = JSON.stringify(item);
      for (const personal of [PERSON.name, PERSON.email, PERSON.phone, event.data.description]) expect(text).not.toContain(personal);
    }

    const contact = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: keys.contact(caseId) }))).Item!;
    expect(contact).toMatchObject({ name: PERSON.name, email: PERSON.email, phone: PERSON.phone, locale: 'zh-CN', channels: ['email', 'sms'] });

    const items = await partition(caseId);
    expect(items.filter((i) => String(i.sk).startsWith('TL#')).map((i) => i.event)).toEqual(['case_received']);
    // The contact has its own partition (IAM keeps it from functions that do not need it): reading the case does not read it.
    expect(items.map((i) => i.sk)).not.toContain('CONTACT');

    const executions = await executionsNamed(caseId);
    expect(executions).toHaveLength(1);
    const described = await env.sfn!.client.send(new DescribeExecutionCommand({ executionArn: executions[0]!.executionArn }));
    // The execution carries the case id (and its round: 0, not a dispute) only: ops read executions, so no personal data goes in.
    expect(JSON.parse(described.input!)).toEqual({ caseId, round: 0, dispute: false });
  });

  it.each([
    ['absent', undefined, 'zh-CN'],
    ['de-DE', 'de-DE', 'de'],
    ['de', 'de', 'de'],
    ['en-US', 'en-US', 'en'],
    ['zh-Hans-CN', 'zh-Hans-CN', 'zh-CN'],
    ['a language we do not write in (fr-FR)', 'fr-FR', 'zh-CN'],
  ] as const)('customer locale %s: the case and its contact are written to in %s… (CN market: zh-CN by default)', async (_label, locale, expected) => {
    const message = intakeMessage(requestedEvent({ customer: { locale } }));
    expect(await deliver({ body: message })).toEqual({ batchItemFailures: [] });
    const contact = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: keys.contact(message.caseId) }))).Item!;
    expect((await cases.get(message.caseId))!.locale).toBe(expected);
    expect(contact.locale).toBe(expected);
  });

  it("a request the pipeline sent itself (proactive detection) is recorded as proactive; the platform's are not", async () => {
    const platform = intakeMessage(requestedEvent());
    const pipeline = { ...intakeMessage(requestedEvent()), source: 'pipeline' };
    expect(await deliver({ body: platform }, { body: pipeline })).toEqual({ batchItemFailures: [] });
    expect((await cases.require(pipeline.caseId)).origin).toBe('proactive');
    expect((await cases.require(platform.caseId)).origin).toBeUndefined();
  });

  it('the same record delivered twice creates nothing new and starts no second execution', async () => {
    const message = intakeMessage(requestedEvent());
    const { caseId } = message;
    const record = { body: message, messageId: randomUUID() };
    expect(await deliver(record)).toEqual({ batchItemFailures: [] });
    const before = await partition(caseId);
    const caseBefore = before.find((i) => i.sk === 'CASE');

    expect(await deliver(record)).toEqual({ batchItemFailures: [] });
    const after = await partition(caseId);
    expect(after).toHaveLength(before.length);
    expect(after.find((i) => i.sk === 'CASE')).toEqual(caseBefore);
    expect(await executionsNamed(caseId)).toHaveLength(1);
  });

  it('a second request for the same order and problem is closed as a duplicate without a workflow', async () => {
    const first = requestedEvent();
    const second = requestedEvent({ orderId: first.data.order.orderId });
    const a = intakeMessage(first);
    const b = intakeMessage(second);
    expect(await deliver({ body: a })).toEqual({ batchItemFailures: [] });
    expect(await deliver({ body: b })).toEqual({ batchItemFailures: [] });

    const duplicate = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${b.caseId}`, sk: 'CASE' } }))).Item!;
    expect(duplicate).toMatchObject({ status: 'closed', outcome: 'duplicate' });
    expect(await executionsNamed(a.caseId)).toHaveLength(1);
    expect(await executionsNamed(b.caseId)).toHaveLength(0);
    // Closed here, so filed for retention here (docs/privacy.md), by the privacy code the consumer loads on first use.
    const retention = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${b.caseId}`, sk: 'RETENTION' } }))).Item;
    expect(retention).toMatchObject({ caseId: b.caseId, gsi2pk: 'REDACT_DUE' });
    expect(await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${a.caseId}`, sk: 'RETENTION' } }))).not.toHaveProperty('Item');
  });

  it('a privacy side that fails to load fails its record, and is loaded again for the redelivery', async () => {
    // A fresh consumer, so this is its first privacy request (the tests above may have loaded the privacy side).
    const { createHandler } = await import('../../functions/handlers/start-case.js');
    const fresh = createHandler(readConfig(startCaseConfig, { TABLE_NAME, STATE_MACHINE_ARN, NOTICE_QUEUE_URL: noticeQueueUrl }));
    const privacyRequestId = unique('pr');
    const customerId = unique('cust');
    await new PrivacyStore(env.db, TABLE_NAME).open({ privacyRequestId, kind: 'export', customerId, receivedAt: new Date().toISOString() });
    const record = { body: eventFor(privacyRequestId, 'customer.data_requested', { privacyRequestId, customerId }).body, messageId: randomUUID() };
    vi.mocked(intakePrivacyOf).mockImplementationOnce(() => {
      throw new Error('the privacy side could not be built');
    });
    const send = () => fresh(sqsEvent('aftersales-intake', [record]), lambdaContext('StartCase')) as Promise<SQSBatchResponse>;
    // Its only record failed: the whole batch fails (powertools' FullBatchFailureError) and SQS delivers it again.
    await expect(send()).rejects.toThrow('All records failed processing');
    expect(await send()).toEqual({ batchItemFailures: [] });
    expect(await new PrivacyStore(env.db, TABLE_NAME).get(privacyRequestId)).toMatchObject({ status: 'ready' });
  });

  it('a duplicate whose first delivery failed before filing it for retention is filed by the redelivery', async () => {
    // A fresh consumer, so the duplicate's close is its first use of the privacy side, which fails once.
    const { createHandler } = await import('../../functions/handlers/start-case.js');
    const fresh = createHandler(readConfig(startCaseConfig, { TABLE_NAME, STATE_MACHINE_ARN, NOTICE_QUEUE_URL: noticeQueueUrl }));
    const first = requestedEvent();
    expect(await deliver({ body: intakeMessage(first) })).toEqual({ batchItemFailures: [] });
    const b = intakeMessage(requestedEvent({ orderId: first.data.order.orderId }));
    const record = { body: b, messageId: randomUUID() };
    vi.mocked(intakePrivacyOf).mockImplementationOnce(() => {
      throw new Error('the privacy side could not be built');
    });
    const send = () => fresh(sqsEvent('aftersales-intake', [record]), lambdaContext('StartCase')) as Promise<SQSBatchResponse>;
    await expect(send()).rejects.toThrow('All records failed processing');
    const retentionOf = async () => (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${b.caseId}`, sk: 'RETENTION' } }))).Item;
    // The first delivery closed the duplicate, then failed: not filed yet.
    const closed = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${b.caseId}`, sk: 'CASE' } }))).Item!;
    expect(closed).toMatchObject({ status: 'closed', outcome: 'duplicate' });
    expect(await retentionOf()).toBeUndefined();
    // The redelivery finds the case closed and changes nothing else, but files it, due from its close.
    expect(await send()).toEqual({ batchItemFailures: [] });
    const retention = await retentionOf();
    expect(retention).toMatchObject({ caseId: b.caseId, gsi2pk: 'REDACT_DUE' });
    expect(Date.parse(String(retention!.dueAt))).toBeGreaterThan(Date.parse(String(closed.closedAt)));
    expect(await executionsNamed(b.caseId)).toHaveLength(0);
  });

  it('a record that is not a valid intake message fails alone', async () => {
    const ok = { body: intakeMessage(requestedEvent()), messageId: randomUUID() };
    const garbage = { body: '{"not":"an intake message"}', messageId: randomUUID() };
    const truncated = { body: '{"webhookId":', messageId: randomUUID() };
    const result = await deliver(ok, garbage, truncated);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([garbage.messageId, truncated.messageId].sort());
    expect(await executionsNamed(ok.body.caseId)).toHaveLength(1);
  });

  // Regression (was a bug): functions/use-cases/apply-intake-event.ts, case 'aftersales.evidence_added', appends the event's evidence to
  // the case unconditionally (`evidence: [...record.evidence, ...event.data.evidence]`) and adds a timeline entry,
  // with no check of the message's webhookId. SQS delivers at least once, so a redelivered record duplicates the
  // evidence on the case (and its timeline entry), against "every step idempotent".
  it('the same evidence_added record delivered twice adds its evidence once', async () => {
    const requested = requestedEvent({ caseType: 'damaged' });
    const opened = intakeMessage(requested);
    expect(await deliver({ body: opened })).toEqual({ batchItemFailures: [] });
    const added = {
      body: intakeMessage({
        type: 'aftersales.evidence_added',
        timestamp: new Date().toISOString(),
        data: { requestId: requested.data.requestId, evidence: [{ kind: 'photo', url: 'https://cdn.example.com/evidence/box-corner.jpg' }] },
      }),
      messageId: randomUUID(),
    };
    expect(await deliver(added)).toEqual({ batchItemFailures: [] });
    expect(await deliver(added)).toEqual({ batchItemFailures: [] });

    const caseItem = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${opened.caseId}`, sk: 'CASE' }, ConsistentRead: true }))).Item!;
    expect(caseItem.evidence).toHaveLength(1);
    const timeline = (await partition(opened.caseId)).filter((i) => String(i.sk).startsWith('TL#')).map((i) => i.event);
    expect(timeline.filter((e) => e === 'evidence_added')).toHaveLength(1);
  });
});

describe('start-case: return.received', () => {
  /** The writes of `run` to the case's own partition, as `<command> <sort key prefix>`. */
  async function caseWrites(caseId: string, run: () => Promise<unknown>): Promise<string[]> {
    const send = vi.spyOn(DynamoDBDocumentClient.prototype, 'send');
    try {
      await run();
      return send.mock.calls.flatMap(([command]) => {
        const input = (command as { input: { Key?: Record<string, string>; Item?: Record<string, string> } }).input;
        const key = input.Key ?? input.Item;
        if (key?.pk !== `CASE#${caseId}` || !(command instanceof UpdateCommand || command instanceof PutCommand)) return [];
        return [`${command instanceof UpdateCommand ? 'Update' : 'Put'} ${key.sk!.split('#')[0]}`];
      });
    } finally {
      send.mockRestore();
    }
  }

  /** Starts the case's clock as the pipeline does (what an earlier attempt left), with `alongWith` in its write. */
  async function startClock(caseId: string, startedAt: Date, alongWith?: Partial<CaseRecord>) {
    const { startServiceClock } = await import('../../functions/use-cases/sla-clock.js');
    const { SlaStore } = await import('../../functions/adapters/sla-store.js');
    const { OpsAlerts } = await import('../../functions/adapters/ops-alerts.js');
    const { markets } = await import('../../functions/wiring.js');
    const deps = {
      cases,
      sla: new SlaStore(env.db, TABLE_NAME),
      alerts: new OpsAlerts(env.db, TABLE_NAME),
      markets: markets(readConfig(startCaseConfig, { TABLE_NAME, STATE_MACHINE_ARN })),
    };
    return startServiceClock(deps, caseId, startedAt, new Date(), alongWith);
  }

  it('starts the service clock in the same write as the arrival, its entry in the same timeline write', async () => {
    const { caseId, record } = await seedCase(env.db, { record: { status: 'awaiting_return', waitingFor: 'return' } });
    const receivedAt = new Date().toISOString();
    const arrival = eventFor(caseId, 'return.received', { requestId: record.requestId, receivedAt });
    const writes = await caseWrites(caseId, () => deliver(arrival));
    // The case item once (clock and arrival, version-guarded), the timeline once, the wait's signal.
    expect(writes).toEqual(['Update CASE', 'Put TL', 'Update WAIT']);
    const after = (await cases.get(caseId))!;
    expect(after).toMatchObject({ returnReceivedAt: receivedAt, sla: { state: 'running', startedAt: receivedAt }, dueAt: after.sla!.dueAt });
    const timeline = await timelineOf(caseId);
    expect(timeline.filter((e) => e.event === 'sla_started')).toHaveLength(1);
    expect(timeline.find((e) => e.event === 'return_received')).toMatchObject({ detail: { receivedAt, dueAt: after.sla!.dueAt } });

    // Redelivered: nothing written again (the arrival is on the case), the clock not restarted.
    expect(await caseWrites(caseId, () => deliver({ ...arrival, messageId: randomUUID() }))).toEqual(['Update WAIT']);
    expect((await cases.get(caseId))!.sla).toEqual(after.sla);
  });

  it('reads the case once: the clock is started from that read (issue 13, read calls per case)', async () => {
    const { caseId, record } = await seedCase(env.db, { record: { status: 'awaiting_return', waitingFor: 'return' } });
    const send = vi.spyOn(DynamoDBDocumentClient.prototype, 'send');
    try {
      await deliver(eventFor(caseId, 'return.received', { requestId: record.requestId, receivedAt: new Date().toISOString() }));
      const caseReads = send.mock.calls.filter(([command]) => {
        const input = (command as { input: { Key?: Record<string, string>; ExpressionAttributeValues?: Record<string, string> } }).input;
        const pk = command instanceof QueryCommand ? Object.values(input.ExpressionAttributeValues ?? {})[0] : command instanceof GetCommand ? input.Key?.pk : undefined;
        return pk === `CASE#${caseId}`;
      });
      expect(caseReads).toHaveLength(1);
    } finally {
      send.mockRestore();
    }
    expect((await cases.get(caseId))!.sla).toMatchObject({ state: 'running' });
  });

  it('a stale first read loses the version-guarded write and the clock is decided on a fresh read', async () => {
    const { startServiceClock } = await import('../../functions/use-cases/sla-clock.js');
    const { SlaStore } = await import('../../functions/adapters/sla-store.js');
    const { OpsAlerts } = await import('../../functions/adapters/ops-alerts.js');
    const { markets } = await import('../../functions/wiring.js');
    const { caseId } = await seedCase(env.db, { record: { status: 'awaiting_return', waitingFor: 'return' } });
    const deps = {
      cases,
      sla: new SlaStore(env.db, TABLE_NAME),
      alerts: new OpsAlerts(env.db, TABLE_NAME),
      markets: markets(readConfig(startCaseConfig, { TABLE_NAME, STATE_MACHINE_ARN })),
    };
    const stale = (await cases.get(caseId))!;
    // Between that read and the call, another delivery starts the clock two days earlier: the stale read has no clock.
    const earlier = await startServiceClock(deps, caseId, new Date(Date.now() - 2 * 86_400_000), new Date());
    const receivedAt = new Date().toISOString();
    const reads = vi.spyOn(cases, 'require');
    try {
      const sla = await startServiceClock(deps, caseId, new Date(receivedAt), new Date(), { returnReceivedAt: receivedAt }, [], stale);
      // The write from the stale read lost; the fresh read found the clock running and kept it.
      expect(reads).toHaveBeenCalledTimes(1);
      expect(sla).toEqual(earlier);
      expect(await cases.get(caseId)).toMatchObject({ returnReceivedAt: receivedAt, sla: earlier });
    } finally {
      reads.mockRestore();
    }
  });

  it('a retry after a crash between the case write and the timeline write writes the entries then, once', async () => {
    const { caseId, record } = await seedCase(env.db, { record: { status: 'awaiting_return', waitingFor: 'return' } });
    const receivedAt = new Date().toISOString();
    // What the first attempt left when it stopped after the case write: the clock and the arrival, no entry.
    const clock = (await startClock(caseId, new Date(receivedAt), { returnReceivedAt: receivedAt }))!;
    const partitionTimeline = async () => (await timelineOf(caseId)).filter((e) => e.event === 'sla_started' || e.event === 'return_received');
    // startServiceClock wrote its own sla_started entry: take it out, as the crash would have.
    for (const item of await partition(caseId))
      if (String(item.sk).startsWith('TL#')) await env.db.send(new DeleteCommand({ TableName: TABLE_NAME, Key: { pk: item.pk, sk: item.sk } }));
    expect(await partitionTimeline()).toEqual([]);

    const arrival = eventFor(caseId, 'return.received', { requestId: record.requestId, receivedAt });
    expect(await caseWrites(caseId, () => deliver(arrival))).toEqual(['Put TL', 'Update WAIT']);
    expect((await partitionTimeline()).map((e) => [e.event, e.detail?.dueAt])).toEqual([
      ['sla_started', clock.dueAt],
      ['return_received', clock.dueAt],
    ]);
    // Found now: a further delivery writes no entry again.
    expect(await caseWrites(caseId, () => deliver({ ...arrival, messageId: randomUUID() }))).toEqual(['Update WAIT']);
    expect(await partitionTimeline()).toHaveLength(2);
  });

  it('a clock already running (a retry after a crash of release 1c6bf85 between its two writes) is kept; the arrival is recorded on its own', async () => {
    const { caseId, record } = await seedCase(env.db, { record: { status: 'awaiting_return', waitingFor: 'return' } });
    const startedAt = new Date(Date.now() - 3_600_000).toISOString();
    const clock = (await startClock(caseId, new Date(startedAt)))!;
    const receivedAt = new Date().toISOString();
    expect(await deliver(eventFor(caseId, 'return.received', { requestId: record.requestId, receivedAt }))).toEqual({ batchItemFailures: [] });
    expect(await cases.get(caseId)).toMatchObject({ returnReceivedAt: receivedAt, sla: clock });
    expect((await timelineOf(caseId)).find((e) => e.event === 'return_received')).toMatchObject({ detail: { receivedAt, dueAt: clock.dueAt } });
  });
});

describe('start-case: aftersales.remedy_chosen', () => {
  const choiceCase = (type: 'damaged' | 'lost' | 'return', record: Partial<CaseRecord> = {}) =>
    seedCase(env.db, { type, record: { status: 'awaiting_choice', waitingFor: 'remedy_choice', outcome: 'approved', ...record } });

  it("records the customer's choice once and resumes the waiting step with it", async () => {
    const { caseId, record } = await choiceCase('damaged');
    const executionArn = await waitingFor(caseId, 'remedy_choice');
    const chosen = eventFor(caseId, 'aftersales.remedy_chosen', { requestId: record.requestId, remedy: 'exchange' });
    expect(await deliver(chosen)).toEqual({ batchItemFailures: [] });

    const done = await env.sfn!.service.waitForExecution(executionArn, 5000);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ signal: 'chosen', remedy: 'exchange' });
    expect(await cases.get(caseId)).toMatchObject({ choice: { remedy: 'exchange', by: 'customer', at: expect.any(String) } });
    expect((await cases.get(caseId))!.choice).not.toHaveProperty('refundTo');

    // Redelivered, or a second choice: the first one stands, and it is noted.
    expect(await deliver(chosen)).toEqual({ batchItemFailures: [] });
    expect(await deliver(eventFor(caseId, 'aftersales.remedy_chosen', { requestId: record.requestId, remedy: 'refund', refundTo: 'store_balance' }))).toEqual({
      batchItemFailures: [],
    });
    expect(await cases.get(caseId)).toMatchObject({ choice: { remedy: 'exchange', by: 'customer' } });
    const events = (await timelineOf(caseId)).map((e) => e.event);
    expect(events.filter((e) => e === 'remedy_chosen')).toHaveLength(1);
    expect(events.filter((e) => e === 'choice_not_applied')).toHaveLength(2);
  });

  it('a choice made before the step waits is kept for it, with where the refund goes', async () => {
    const { caseId, record } = await choiceCase('lost', { status: 'checking_carrier', waitingFor: '' });
    expect(await deliver(eventFor(caseId, 'aftersales.remedy_chosen', { requestId: record.requestId, remedy: 'refund', refundTo: 'store_balance' }))).toEqual({
      batchItemFailures: [],
    });
    expect(await cases.get(caseId)).toMatchObject({ choice: { remedy: 'refund', refundTo: 'store_balance', by: 'customer' } });
    const chosen = (await timelineOf(caseId)).find((e) => e.event === 'remedy_chosen');
    expect(chosen).toMatchObject({ actor: 'customer', detail: { remedy: 'refund', refundTo: 'store_balance' } });

    const executionArn = env.sfn!.service.startExecution({ stateMachineArn: waitingMachines.remedy_choice!, name: `${caseId}-late`, input: JSON.stringify({ caseId }) })
      .executionArn!;
    const done = await env.sfn!.service.waitForExecution(executionArn, 5000);
    expect(JSON.parse(done.output!)).toEqual({ signal: 'chosen', remedy: 'refund' });
  });

  it.each([
    ['damaged', 'reship'],
    ['lost', 'exchange'],
    ['lost', 'return'],
    ['return', 'refund'],
  ] as const)('%s: a choice the policy does not offer (%s) is not applied and resumes nothing', async (type, remedy) => {
    const { caseId, record } = await choiceCase(type);
    const executionArn = await waitingFor(caseId, 'remedy_choice');
    expect(await deliver(eventFor(caseId, 'aftersales.remedy_chosen', { requestId: record.requestId, remedy }))).toEqual({ batchItemFailures: [] });
    expect((await cases.get(caseId))!.choice).toBeUndefined();
    const noted = (await timelineOf(caseId)).find((e) => e.event === 'choice_not_applied');
    expect(noted).toMatchObject({ actor: 'customer', detail: { remedy } });
    await sleep(200);
    expect(statusOf(executionArn)).toBe('RUNNING');
    env.sfn!.service.stopExecution({ executionArn });
  });

  it('a choice after the compensation was instructed, or on a closed case, changes nothing', async () => {
    const at = new Date().toISOString();
    const compensated = await choiceCase('damaged', {
      status: 'compensating',
      compensation: { instructionId: 'ins_000001', kind: 'refund', amount: 39900, currency: 'CNY', idempotencyKey: 'x:refund', at, status: 'instructed' },
    });
    const closed = await choiceCase('damaged', { status: 'closed', outcome: 'cancelled' });
    for (const { caseId, record } of [compensated, closed]) {
      expect(await deliver(eventFor(caseId, 'aftersales.remedy_chosen', { requestId: record.requestId, remedy: 'exchange' }))).toEqual({ batchItemFailures: [] });
      expect((await cases.get(caseId))!.choice).toBeUndefined();
      expect((await timelineOf(caseId)).map((e) => e.event)).toContain('choice_not_applied');
    }
  });
});

describe('start-case: compensation.completed', () => {
  const compensating = (instructionId: string) =>
    seedCase(env.db, {
      record: {
        status: 'compensating',
        outcome: 'approved',
        remedy: 'refund',
        compensation: { instructionId, kind: 'refund', amount: 39900, currency: 'CNY', idempotencyKey: 'k:refund', at: new Date().toISOString(), status: 'instructed' },
      },
    });

  it("for the case's instruction: the case is resolved and the waiting step resumed once", async () => {
    const instructionId = unique('ins');
    const { caseId, record } = await compensating(instructionId);
    const executionArn = await waitingFor(caseId, 'compensation');
    const completed = eventFor(caseId, 'compensation.completed', { requestId: record.requestId, instructionId, status: 'completed', completedAt: new Date().toISOString() });
    expect(await deliver(completed)).toEqual({ batchItemFailures: [] });

    const done = await env.sfn!.service.waitForExecution(executionArn, 5000);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ signal: 'completed' });
    expect(await cases.get(caseId)).toMatchObject({ status: 'resolved', compensation: { instructionId, status: 'completed', completedAt: expect.any(String) } });

    expect(await deliver(completed)).toEqual({ batchItemFailures: [] });
    const entries = (await timelineOf(caseId)).filter((e) => e.event === 'compensation_completed');
    expect(entries).toEqual([expect.objectContaining({ actor: 'order_platform', detail: { instructionId } })]);
  });

  // Contract changed (flow, December 5): the failure ends the step as the error CompensationFailed (CASE-SIGNAL-1), not
  // with the output { signal: 'failed' }, so the workflow needs no Choice after its wait.
  it('failed: the case is not resolved, and the step fails with CompensationFailed', async () => {
    const instructionId = unique('ins');
    const { caseId, record } = await compensating(instructionId);
    const executionArn = await waitingFor(caseId, 'compensation');
    expect(
      await deliver(eventFor(caseId, 'compensation.completed', { requestId: record.requestId, instructionId, status: 'failed', completedAt: new Date().toISOString() })),
    ).toEqual({
      batchItemFailures: [],
    });
    const done = await env.sfn!.service.waitForExecution(executionArn, 5000);
    expect(done).toMatchObject({ status: 'FAILED', error: 'CompensationFailed', cause: 'The order platform reported the instruction failed.' });
    expect(await cases.get(caseId)).toMatchObject({ status: 'compensating', compensation: { status: 'failed' } });
  });

  it('for another instruction: only noted on the timeline; nothing is resolved or resumed', async () => {
    const instructionId = unique('ins');
    const { caseId, record } = await compensating(instructionId);
    const executionArn = await waitingFor(caseId, 'compensation');
    expect(
      await deliver(
        eventFor(caseId, 'compensation.completed', { requestId: record.requestId, instructionId: 'ins_someone_else', status: 'completed', completedAt: new Date().toISOString() }),
      ),
    ).toEqual({
      batchItemFailures: [],
    });
    expect(await cases.get(caseId)).toMatchObject({ status: 'compensating', compensation: { instructionId, status: 'instructed' } });
    const noted = (await timelineOf(caseId)).find((e) => e.event === 'unknown_instruction_reported');
    expect(noted).toMatchObject({ actor: 'order_platform', detail: { instructionId: 'ins_someone_else' } });
    const wait = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: 'WAIT#compensation' }, ConsistentRead: true }))).Item;
    expect(wait?.pendingSignal).toBeUndefined();
    await sleep(200);
    expect(statusOf(executionArn)).toBe('RUNNING');
    env.sfn!.service.stopExecution({ executionArn });
  });

  it('for a case that has no instruction yet: only noted', async () => {
    const { caseId, record } = await seedCase(env.db, { record: { status: 'awaiting_return' } });
    expect(
      await deliver(
        eventFor(caseId, 'compensation.completed', { requestId: record.requestId, instructionId: 'ins_000009', status: 'completed', completedAt: new Date().toISOString() }),
      ),
    ).toEqual({
      batchItemFailures: [],
    });
    expect(await cases.get(caseId)).toMatchObject({ status: 'awaiting_return' });
    expect((await timelineOf(caseId)).map((e) => e.event)).toContain('unknown_instruction_reported');
  });
});

describe('start-case: aftersales.disputed', () => {
  const rejected = () =>
    seedCase(env.db, {
      record: {
        status: 'closed',
        outcome: 'rejected',
        closedAt: new Date().toISOString(),
        decision: { decision: 'reject', rule: 'return.no_reason_window', reasonCode: 'window_expired', at: new Date().toISOString() },
      },
    });

  it('reopens a closed rejected case in front of an operator, in a new execution <caseId>-dispute-1', async () => {
    const { caseId, record } = await rejected();
    const dispute = eventFor(caseId, 'aftersales.disputed', { requestId: record.requestId, reason: 'I reported it on day 6; see the chat log.' });
    expect(await deliver(dispute)).toEqual({ batchItemFailures: [] });

    expect(await cases.get(caseId)).toMatchObject({
      status: 'in_review',
      reviewMode: 'manual',
      dispute: { count: 1, lastAt: expect.any(String) },
      decision: { decision: 'reject', rule: 'return.no_reason_window', reasonCode: 'dispute' },
    });
    const opened = (await timelineOf(caseId)).find((e) => e.event === 'dispute_opened');
    expect(opened).toMatchObject({ actor: 'customer', detail: { reason: 'I reported it on day 6; see the chat log.', round: 1 } });

    const executions = await executionsNamed(`${caseId}-dispute-1`);
    expect(executions).toHaveLength(1);
    const described = await env.sfn!.client.send(new DescribeExecutionCommand({ executionArn: executions[0]!.executionArn }));
    expect(JSON.parse(described.input!)).toEqual({ caseId, round: 1, dispute: true });

    // Redelivered: the case is no longer closed, so it is only noted; no second execution.
    expect(await deliver(dispute)).toEqual({ batchItemFailures: [] });
    expect(await executionsNamed(`${caseId}-dispute-1`)).toHaveLength(1);
    expect(await executionsNamed(`${caseId}-dispute-2`)).toHaveLength(0);
    expect((await timelineOf(caseId)).filter((e) => e.event === 'dispute_opened')).toHaveLength(1);
    expect((await timelineOf(caseId)).filter((e) => e.event === 'dispute_received')).toHaveLength(1);
    // The workflow acknowledges the reopened round (dispute_received#r1); start-case queues nothing, then or now.
    expect(await noticesFor(caseId)).toEqual([]);
  });

  it('a second dispute after the case was rejected again runs as <caseId>-dispute-2', async () => {
    const { caseId, record } = await rejected();
    expect(await deliver(eventFor(caseId, 'aftersales.disputed', { requestId: record.requestId, reason: 'first' }))).toEqual({ batchItemFailures: [] });
    await cases.update(caseId, { status: 'closed', outcome: 'rejected' });
    expect(await deliver(eventFor(caseId, 'aftersales.disputed', { requestId: record.requestId, reason: 'second' }))).toEqual({ batchItemFailures: [] });
    expect(await cases.get(caseId)).toMatchObject({ status: 'in_review', dispute: { count: 2 } });
    const executions = await executionsNamed(`${caseId}-dispute-2`);
    expect(executions).toHaveLength(1);
    const described = await env.sfn!.client.send(new DescribeExecutionCommand({ executionArn: executions[0]!.executionArn }));
    expect(JSON.parse(described.input!)).toEqual({ caseId, round: 2, dispute: true });
  });

  it('the reopened case holds its order again: a new request of the same type is a duplicate', async () => {
    const first = requestedEvent();
    const opened = intakeMessage(first);
    expect(await deliver({ body: opened })).toEqual({ batchItemFailures: [] });
    // The workflow rejected and closed it (which frees the order).
    await cases.update(opened.caseId, {
      status: 'closed',
      outcome: 'rejected',
      decision: { decision: 'reject', rule: 'return.no_reason_window', reasonCode: 'window_expired', at: new Date().toISOString() },
    });
    await new DedupeStore(env.db, TABLE_NAME).releaseOpenCase(first.data.order.orderId, 'return', opened.caseId);

    expect(await deliver(eventFor(opened.caseId, 'aftersales.disputed', { requestId: first.data.requestId, reason: 'please look again' }))).toEqual({ batchItemFailures: [] });
    const again = intakeMessage(requestedEvent({ orderId: first.data.order.orderId }));
    expect(await deliver({ body: again })).toEqual({ batchItemFailures: [] });
    expect(await cases.get(again.caseId)).toMatchObject({ status: 'closed', outcome: 'duplicate' });
  });

  it.each([
    ['in review', { status: 'in_review' as const }],
    ['closed approved', { status: 'closed' as const, outcome: 'approved' as const }],
    ['closed cancelled', { status: 'closed' as const, outcome: 'cancelled' as const }],
  ])('a dispute of a case %s is noted for the operator and acknowledged to the customer', async (_name, record) => {
    const seeded = await seedCase(env.db, { record });
    expect(await deliver(eventFor(seeded.caseId, 'aftersales.disputed', { requestId: seeded.record.requestId, reason: 'not happy' }))).toEqual({ batchItemFailures: [] });
    expect(await cases.get(seeded.caseId)).toMatchObject({ status: record.status });
    expect((await cases.get(seeded.caseId))!.dispute).toBeUndefined();
    const noted = (await timelineOf(seeded.caseId)).find((e) => e.event === 'dispute_received');
    expect(noted).toMatchObject({ actor: 'customer', detail: { reason: 'not happy', status: record.status } });
    expect(await executionsNamed(`${seeded.caseId}-dispute-1`)).toHaveLength(0);
    // Acknowledged: no round (the case was not reopened), so the notifier words it as a message added to the case, and
    // its slot (dispute_received) makes it once per case however often the platform sends one.
    expect(await noticesFor(seeded.caseId)).toEqual([{ caseId: seeded.caseId, milestone: 'dispute_received', at: expect.any(String) }]);
  });

  it('a dispute during a dispute round (the round was acknowledged already) is only noted', async () => {
    const seeded = await seedCase(env.db, { record: { status: 'in_review', dispute: { count: 1, lastAt: new Date().toISOString() } } });
    expect(await deliver(eventFor(seeded.caseId, 'aftersales.disputed', { requestId: seeded.record.requestId, reason: 'still not happy' }))).toEqual({ batchItemFailures: [] });
    expect((await timelineOf(seeded.caseId)).filter((e) => e.event === 'dispute_received')).toHaveLength(1);
    expect(await noticesFor(seeded.caseId)).toEqual([]);
  });
});

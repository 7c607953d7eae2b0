import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseIdFor } from '../../functions/domain/case-id.js';
import { ACCOUNT_ID, importFresh, lambdaContext, REGION, sqsEvent, startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { PERSON, requestedEvent, unique } from './fixtures.js';

type Handler = (typeof import('../../functions/handlers/start-case.js'))['handler'];

const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:CaseWorkflow`;
let env: HandlerEnv;
let handler: Handler;

/** What ingest-webhook puts on the intake queue for a verified event. */
function intakeMessage(event: { type: string; timestamp: string; data: Record<string, unknown> }) {
  return { webhookId: unique('msg'), caseId: caseIdFor(String(event.data.requestId)), receivedAt: new Date().toISOString(), event };
}

const deliver = (...bodies: Array<{ body: unknown; messageId?: string }>) =>
  handler(sqsEvent('aftersales-intake', bodies), lambdaContext('StartCase')) as Promise<SQSBatchResponse>;

async function partition(caseId: string): Promise<Array<Record<string, any>>> {
  const out = await env.db.send(new QueryCommand({ TableName: TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CASE#${caseId}` }, ConsistentRead: true }));
  return out.Items ?? [];
}

async function executionsNamed(name: string) {
  const out = await env.sfn!.client.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN }));
  return (out.executions ?? []).filter((e) => e.name === name);
}

beforeAll(async () => {
  env = await startHandlerEnv({ sfn: true });
  // A trivial workflow under the ARN the function is configured with: the test is about the start, not the run.
  env.sfn!.service.addStateMachine({
    stateMachineArn: STATE_MACHINE_ARN,
    definition: { StartAt: 'Started', States: { Started: { Type: 'Pass', End: true } } },
    services: {
      invokeFunction: async () => ({}),
      sendSqsMessage: async () => ({ MessageId: randomUUID() }),
    },
  });
  handler = (await importFresh(() => import('../../functions/handlers/start-case.js'), { STATE_MACHINE_ARN })).handler;
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
    expect(caseItem).toMatchObject({ caseId, requestId: event.data.requestId, status: 'received', type: 'return', orderId: event.data.order.orderId, version: 1 });
    expect(caseItem.gsi1pk).toBe('STATUS#received');
    for (const field of ['name', 'email', 'phone', 'customer', 'contact', 'description']) expect(caseItem).not.toHaveProperty(field);
    const caseText = JSON.stringify(caseItem);
    for (const personal of [PERSON.name, PERSON.email, PERSON.phone, event.data.description]) expect(caseText).not.toContain(personal);

    const contact = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: 'CONTACT' } }))).Item!;
    expect(contact).toMatchObject({ name: PERSON.name, email: PERSON.email, phone: PERSON.phone, locale: 'zh-CN', channels: ['email', 'sms'] });

    const items = await partition(caseId);
    expect(items.filter((i) => String(i.sk).startsWith('TL#')).map((i) => i.event)).toEqual(['case_received']);

    const executions = await executionsNamed(caseId);
    expect(executions).toHaveLength(1);
    const described = await env.sfn!.client.send(new DescribeExecutionCommand({ executionArn: executions[0]!.executionArn }));
    // The execution carries the case id only: ops read executions, so no personal data goes in.
    expect(JSON.parse(described.input!)).toEqual({ caseId });
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

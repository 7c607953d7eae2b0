import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTopology } from '../../local/cfn/index.js';
import { ensureTables, startDynamoDb, type DynamoDbEmulator } from '../../local/emulators/dynamodb.js';
import { ACCOUNT, REGION, fakeAws, loadFixtureTemplate } from './fixtures/runtime-fixture.js';

const topology = resolveTopology(loadFixtureTemplate(), { region: REGION, accountId: ACCOUNT, sqsEndpoint: 'http://127.0.0.1:1' });
const dataDir = mkdtempSync(join(tmpdir(), 'aftersales-dynalite-'));
const running: DynamoDbEmulator[] = [];
const clients: DynamoDBClient[] = [];

async function start(opts: { dataDir?: string }) {
  const db = await startDynamoDb(opts);
  running.push(db);
  const client = new DynamoDBClient({ ...fakeAws, endpoint: db.endpoint });
  clients.push(client);
  return { db, client, doc: DynamoDBDocumentClient.from(client) };
}

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await Promise.all(running.map((db) => db.close().catch(() => undefined)));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('DynamoDB emulator', () => {
  it('binds 127.0.0.1 on an ephemeral port and creates the template tables ACTIVE with their GSI', async () => {
    const { db, client, doc } = await start({});
    expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(db.port).toBeGreaterThan(0);

    const result = await ensureTables(client, topology.tables);
    expect(result.created.sort()).toEqual(['CasesTable0F5C1D2B', 'local-idempotency']);
    const table = (await client.send(new DescribeTableCommand({ TableName: 'CasesTable0F5C1D2B' }))).Table!;
    expect(table.TableStatus).toBe('ACTIVE');
    expect(table.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.IndexStatus])).toEqual([['byStatus', 'ACTIVE']]);

    await doc.send(new PutCommand({ TableName: 'CasesTable0F5C1D2B', Item: { pk: 'CASE#1', sk: 'META', gsi1pk: 'OPEN', gsi1sk: '2026-11-01' } }));
    const byStatus = await doc.send(
      new QueryCommand({ TableName: 'CasesTable0F5C1D2B', IndexName: 'byStatus', KeyConditionExpression: 'gsi1pk = :s', ExpressionAttributeValues: { ':s': 'OPEN' } }),
    );
    expect(byStatus.Items?.map((i) => i.pk)).toEqual(['CASE#1']);

    expect(await ensureTables(client, topology.tables)).toEqual({ created: [], existing: expect.any(Array) as unknown });
  });

  it('keeps tables and items on disk across a restart', async () => {
    const first = await start({ dataDir });
    await ensureTables(first.client, topology.tables);
    await first.doc.send(new PutCommand({ TableName: 'CasesTable0F5C1D2B', Item: { pk: 'CASE#42', sk: 'META', status: 'OPEN' } }));
    await first.db.close();

    const second = await start({ dataDir });
    const result = await ensureTables(second.client, topology.tables);
    expect(result.created).toEqual([]);
    expect(result.existing.sort()).toEqual(['CasesTable0F5C1D2B', 'local-idempotency']);
    const item = await second.doc.send(new GetCommand({ TableName: 'CasesTable0F5C1D2B', Key: { pk: 'CASE#42', sk: 'META' } }));
    expect(item.Item).toEqual({ pk: 'CASE#42', sk: 'META', status: 'OPEN' });
  });

  it('refuses a stored table whose indexes changed, or recreates it when asked', async () => {
    const { client, doc } = await start({});
    await ensureTables(client, topology.tables);
    await doc.send(new PutCommand({ TableName: 'CasesTable0F5C1D2B', Item: { pk: 'CASE#1', sk: 'META' } }));
    const changed = structuredClone(topology.tables);
    const input = changed.CasesTable0F5C1D2B!.createTableInput;
    input.AttributeDefinitions!.push({ AttributeName: 'gsi2pk', AttributeType: 'S' });
    input.GlobalSecondaryIndexes!.push({ IndexName: 'byCustomer', KeySchema: [{ AttributeName: 'gsi2pk', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } });

    await expect(ensureTables(client, changed)).rejects.toThrow(/CasesTable0F5C1D2B .*global secondary indexes changed/);
    await expect(ensureTables(client, changed, { recreateChangedTables: true })).resolves.toMatchObject({ created: ['CasesTable0F5C1D2B'] });
    const table = (await client.send(new DescribeTableCommand({ TableName: 'CasesTable0F5C1D2B' }))).Table!;
    expect(table.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(['byCustomer', 'byStatus']);
  });
});

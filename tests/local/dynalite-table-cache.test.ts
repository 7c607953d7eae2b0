import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startDynamoDb, type DynamoDbEmulator } from '../../local/emulators/dynamodb.js';
import { fakeAws } from './fixtures/runtime-fixture.js';

// The table-definition cache (local/emulators/dynalite-table-cache.ts) must never answer with a definition that
// dynalite's own table actions have since changed: every request after a CreateTable, UpdateTable or DeleteTable
// sees the table as it now is, on disk (LevelDB) as in memory.
const dataDir = mkdtempSync(join(tmpdir(), 'aftersales-table-cache-'));
const running: DynamoDbEmulator[] = [];
const clients: DynamoDBClient[] = [];

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await Promise.all(running.map((db) => db.close().catch(() => undefined)));
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(opts: { dataDir?: string }) {
  const db = await startDynamoDb(opts);
  running.push(db);
  const client = new DynamoDBClient({ ...fakeAws, endpoint: db.endpoint });
  clients.push(client);
  return client;
}

const key = (name: string) => [{ AttributeName: name, KeyType: 'HASH' as const }];
const throughput = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };
const attribute = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
/** The emulator's table lifecycle runs on timers; a loaded CI machine can take longer than vi.waitFor's 1 s default. */
const WAIT = { timeout: 10_000 };
const active = async (client: DynamoDBClient, name: string) =>
  vi.waitFor(async () => {
    const table = (await client.send(new DescribeTableCommand({ TableName: name }))).Table!;
    expect([table.TableStatus, ...(table.GlobalSecondaryIndexes ?? []).map((i) => i.IndexStatus)].every((s) => s === 'ACTIVE')).toBe(true);
    return table;
  }, WAIT);

describe.each([
  ['on disk', { dataDir }],
  ['in memory', {}],
])('DynamoDB emulator, table definitions read once (%s)', (_label, opts) => {
  it('sees throughput changed by UpdateTable, a deleted table as gone, and a table recreated with another key', async () => {
    const client = await start(opts);
    await client.send(new CreateTableCommand({ TableName: 'cached', ProvisionedThroughput: throughput, KeySchema: key('pk'), AttributeDefinitions: [attribute('pk')] }));
    await active(client, 'cached');
    // Read the definition (through items) several times, so a cache would hold it.
    for (let i = 0; i < 3; i += 1) await client.send(new PutItemCommand({ TableName: 'cached', Item: { pk: { S: `a${i}` } } }));

    // dynalite's UpdateTable changes throughput (it does not add indexes): it marks the table UPDATING, then writes the
    // new figures with ACTIVE in one put, so once `active` sees ACTIVE the figures must be the new ones.
    await client.send(new UpdateTableCommand({ TableName: 'cached', ProvisionedThroughput: { ReadCapacityUnits: 7, WriteCapacityUnits: 9 } }));
    const updated = await active(client, 'cached');
    expect([updated.ProvisionedThroughput?.ReadCapacityUnits, updated.ProvisionedThroughput?.WriteCapacityUnits]).toEqual([7, 9]);
    await client.send(new PutItemCommand({ TableName: 'cached', Item: { pk: { S: 'b' } } }));
    expect((await client.send(new QueryCommand({ TableName: 'cached', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'b' } } }))).Items).toHaveLength(
      1,
    );

    await client.send(new DeleteTableCommand({ TableName: 'cached' }));
    await vi.waitFor(() => expect(client.send(new GetItemCommand({ TableName: 'cached', Key: { pk: { S: 'b' } } }))).rejects.toBeInstanceOf(ResourceNotFoundException), WAIT);

    await client.send(new CreateTableCommand({ TableName: 'cached', BillingMode: 'PAY_PER_REQUEST', KeySchema: key('id'), AttributeDefinitions: [attribute('id')] }));
    await active(client, 'cached');
    // The old key no longer validates; the new one does.
    await expect(client.send(new PutItemCommand({ TableName: 'cached', Item: { pk: { S: 'c' } } }))).rejects.toThrow(/key/i);
    await client.send(new PutItemCommand({ TableName: 'cached', Item: { id: { S: 'c' } } }));
    expect((await client.send(new GetItemCommand({ TableName: 'cached', Key: { id: { S: 'c' } } }))).Item?.id?.S).toBe('c');
  });
});

import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDb, type DynamoDbEmulator } from '../../local/emulators/dynamodb.js';
import { meterDynamoDb, type DynamoCounts, type Meter, type ReadRecord } from '../../local/metering.js';
import { fakeAws } from './fixtures/runtime-fixture.js';

let db: DynamoDbEmulator;
let meter: Meter<DynamoCounts>;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  db = await startDynamoDb({});
  meter = await meterDynamoDb(db.endpoint);
  client = new DynamoDBClient({ ...fakeAws, endpoint: meter.endpoint });
  doc = DynamoDBDocumentClient.from(client);
  await client.send(
    new CreateTableCommand({
      TableName: 'cases',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', 'gpk', 'gsk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'due',
          KeySchema: [
            { AttributeName: 'gpk', KeyType: 'HASH' },
            { AttributeName: 'gsk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    }),
  );
});

afterAll(async () => {
  client.destroy();
  await meter.close();
  await db.close();
});

/** What one request cost, by the meter. */
async function cost(request: () => Promise<unknown>): Promise<{ table: number; index: number; read: number; partitions: Record<string, number> }> {
  const before = meter.counts();
  await request().catch(() => undefined);
  const after = meter.counts();
  const partitions = Object.fromEntries(
    Object.entries(after.writeUnitsByPartition)
      .map(([k, v]) => [k, v - (before.writeUnitsByPartition[k] ?? 0)] as const)
      .filter(([, v]) => v !== 0),
  );
  return {
    table: after.writeUnits - before.writeUnits,
    index: after.indexWriteUnits - before.indexWriteUnits,
    read: after.readUnits + after.indexReadUnits - before.readUnits - before.indexReadUnits,
    partitions,
  };
}

describe('the DynamoDB meter', () => {
  it('counts table and index write units by DynamoDB rules', async () => {
    const key = { pk: 'CASE#1', sk: 'CASE' };
    // Enters the index: one put there.
    expect(await cost(() => doc.send(new PutCommand({ TableName: 'cases', Item: { ...key, gpk: 'DUE#a', gsk: '1', note: 'x' } })))).toEqual({
      table: 1,
      index: 1,
      read: 0,
      partitions: { 'table|CASE#1': 1, 'due|DUE#a': 1 },
    });
    // A non-projected attribute changes (KEYS_ONLY): nothing in the index.
    expect(
      await cost(() => doc.send(new UpdateCommand({ TableName: 'cases', Key: key, UpdateExpression: 'SET note = :n', ExpressionAttributeValues: { ':n': 'y' } }))),
    ).toMatchObject({ table: 1, index: 0 });
    // The index key moves: a delete from the old partition and a put in the new one.
    expect(await cost(() => doc.send(new UpdateCommand({ TableName: 'cases', Key: key, UpdateExpression: 'SET gpk = :p', ExpressionAttributeValues: { ':p': 'DUE#b' } })))).toEqual(
      {
        table: 1,
        index: 2,
        read: 0,
        partitions: { 'table|CASE#1': 1, 'due|DUE#a': 1, 'due|DUE#b': 1 },
      },
    );
    // A failed condition still costs a table unit, no index work.
    expect(await cost(() => doc.send(new PutCommand({ TableName: 'cases', Item: key, ConditionExpression: 'attribute_not_exists(pk)' })))).toMatchObject({ table: 1, index: 0 });
    // A 2 KB item costs two units.
    expect(await cost(() => doc.send(new PutCommand({ TableName: 'cases', Item: { pk: 'CASE#2', sk: 'CASE', body: 'x'.repeat(2000) } })))).toMatchObject({ table: 2, index: 0 });
    // Leaves the index: one delete there.
    expect(await cost(() => doc.send(new DeleteCommand({ TableName: 'cases', Key: key })))).toMatchObject({ table: 1, index: 1 });
  });

  it('counts read units as the emulator reports them, and answers the client as the emulator does', async () => {
    await doc.send(new PutCommand({ TableName: 'cases', Item: { pk: 'CASE#3', sk: 'CASE', gpk: 'DUE#c', gsk: '1' } }));
    expect((await cost(() => doc.send(new GetCommand({ TableName: 'cases', Key: { pk: 'CASE#3', sk: 'CASE' }, ConsistentRead: true })))).read).toBe(1);
    expect((await cost(() => doc.send(new GetCommand({ TableName: 'cases', Key: { pk: 'CASE#3', sk: 'CASE' } })))).read).toBe(0.5);
    const out = await doc.send(new QueryCommand({ TableName: 'cases', IndexName: 'due', KeyConditionExpression: 'gpk = :p', ExpressionAttributeValues: { ':p': 'DUE#c' } }));
    expect(out.Items).toEqual([{ pk: 'CASE#3', sk: 'CASE', gpk: 'DUE#c', gsk: '1' }]);
  });

  it('traces each read: table, key or key condition, consistency, units and items returned', async () => {
    const reads: ReadRecord[] = [];
    const traced = await meterDynamoDb(db.endpoint, undefined, (read) => reads.push(read));
    const tracedDoc = DynamoDBDocumentClient.from(new DynamoDBClient({ ...fakeAws, endpoint: traced.endpoint }));
    try {
      await tracedDoc.send(new PutCommand({ TableName: 'cases', Item: { pk: 'CASE#4', sk: 'CASE', gpk: 'DUE#d', gsk: '1' } }));
      await tracedDoc.send(new GetCommand({ TableName: 'cases', Key: { pk: 'CASE#4', sk: 'CASE' }, ConsistentRead: true }));
      await tracedDoc.send(
        new QueryCommand({
          TableName: 'cases',
          KeyConditionExpression: '#pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeNames: { '#pk': 'pk' },
          ExpressionAttributeValues: { ':pk': 'CASE#4', ':p': 'CA' },
        }),
      );
      await tracedDoc.send(new QueryCommand({ TableName: 'cases', IndexName: 'due', KeyConditionExpression: 'gpk = :p', ExpressionAttributeValues: { ':p': 'DUE#d' } }));
      await tracedDoc.send(
        new BatchGetCommand({
          RequestItems: {
            cases: {
              Keys: [
                { pk: 'CASE#4', sk: 'CASE' },
                { pk: 'CASE#4', sk: 'NONE' },
              ],
            },
          },
        }),
      );
      expect(reads.map(({ at: _at, ...read }) => read)).toEqual([
        { action: 'GetItem', table: 'cases', pk: 'CASE#4', sk: 'CASE', consistent: true, readUnits: 1, indexReadUnits: 0, items: 1, status: 200 },
        { action: 'Query', table: 'cases', keyCondition: 'pk = "CASE#4" AND begins_with(sk, "CA")', consistent: false, readUnits: 0.5, indexReadUnits: 0, items: 1, status: 200 },
        { action: 'Query', table: 'cases', keyCondition: 'gpk = "DUE#d"', index: 'due', consistent: false, readUnits: 0, indexReadUnits: 0.5, items: 1, status: 200 },
        { action: 'BatchGetItem', table: 'cases', keys: ['cases|CASE#4|CASE', 'cases|CASE#4|NONE'], consistent: false, readUnits: 1, indexReadUnits: 0, items: 1, status: 200 },
      ]);
    } finally {
      tracedDoc.destroy();
      await traced.close();
    }
  });
});

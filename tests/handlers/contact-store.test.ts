/**
 * Customers' contacts in their own partition (functions/adapters/case-store.ts): a case's partition holds no contact,
 * and a contact written before the move (in the case's partition) is moved on its first read.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { CONTACT_PARTITION_PREFIX, keys } from '../../functions/adapters/dynamo.js';
import { moveLegacyContacts } from '../../scripts/move-contacts.js';
import { startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { unique } from './fixtures.js';

let env: HandlerEnv;
let cases: CaseStore;
const contact = { name: 'Li Wei', email: 'li.wei@example.com', phone: '+8613800138000', locale: 'zh-CN', channels: ['email', 'sms'] };

beforeAll(async () => {
  env = await startHandlerEnv({});
  cases = new CaseStore(env.db, TABLE_NAME);
});
afterAll(async () => {
  await env?.close();
});

const caseItems = async (caseId: string) =>
  (await env.db.send(new QueryCommand({ TableName: TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CASE#${caseId}` } }))).Items ?? [];

describe('CaseStore.contact', () => {
  it('keeps the contact under CONTACT#<caseId>, not in the case partition', () => {
    expect(keys.contact('AS-1')).toEqual({ pk: `${CONTACT_PARTITION_PREFIX}AS-1`, sk: 'CONTACT' });
    expect(keys.contact('AS-1').pk).not.toBe(keys.case('AS-1').pk);
  });

  it('moves a contact stored in the case partition (before the move) to its own on first read', async () => {
    const caseId = unique('AS');
    await env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: { ...keys.legacyContact(caseId), ...contact } }));

    expect(await cases.contact(caseId)).toEqual(contact);
    expect((await caseItems(caseId)).map((i) => i.sk)).not.toContain('CONTACT');
    const moved = (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: keys.contact(caseId) }))).Item;
    expect(moved).toMatchObject(contact);
    expect(await cases.contact(caseId)).toEqual(contact);
  });

  it('a case without a contact has none', async () => {
    expect(await cases.contact(unique('AS'))).toBeUndefined();
  });
});

describe('scripts/move-contacts.ts', () => {
  it('moves every contact still in a case partition, and finds none the second time', async () => {
    const ids = [unique('AS'), unique('AS')];
    for (const caseId of ids) await env.db.send(new PutCommand({ TableName: TABLE_NAME, Item: { ...keys.legacyContact(caseId), ...contact } }));

    expect(await moveLegacyContacts(env.db, TABLE_NAME)).toBeGreaterThanOrEqual(2);
    for (const caseId of ids) {
      expect((await caseItems(caseId)).map((i) => i.sk)).not.toContain('CONTACT');
      expect((await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: keys.contact(caseId) }))).Item).toMatchObject(contact);
    }
    expect(await moveLegacyContacts(env.db, TABLE_NAME)).toBe(0);
  });
});

import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseStore } from '../../functions/adapters/case-store.js';
import type { CaseStatus } from '../../functions/domain/case.js';
import { callOpsApi, TABLE_NAME, type HandlerEnv } from './env.js';
import { startOpsApi, type OpsApiHandler } from './ops-api-env.js';
import { seedCase } from './fixtures.js';
import { caseAs6384ee3WroteIt, inStatusIndex, indexAs08ff7cdDid } from './previous-release-items.js';

const OPS_TOKEN = 'ops-token-for-status-index-tests-4b2c';

let env: HandlerEnv;
let handler: OpsApiHandler;
let cases: CaseStore;

const caseItem = async (caseId: string) => (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: 'CASE' }, ConsistentRead: true }))).Item!;
const indexKeys = async (caseId: string) => {
  const { gsi1pk, gsi1sk } = await caseItem(caseId);
  return { gsi1pk, gsi1sk };
};

/** Every page of a search, following nextCursor: the case ids in the order answered (a case listed twice shows twice). */
async function searchAll(query: string): Promise<{ ids: string[]; query: Record<string, unknown> }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let answered: Record<string, unknown> = {};
  do {
    const res = await callOpsApi(handler, OPS_TOKEN, 'GET', '/ops/cases', {
      operator: { name: 'vic', role: 'viewer' },
      query: `${query}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    });
    expect(res.status).toBe(200);
    ids.push(...(res.json.cases as Array<{ caseId: string }>).map((c) => c.caseId));
    answered = res.json.query as Record<string, unknown>;
    cursor = res.json.nextCursor as string | undefined;
  } while (cursor);
  return { ids, query: answered };
}

/** A case as release 08ff7cd wrote it: the same items, with the case in the status index whatever its status. */
async function caseOf08ff7cd(status: CaseStatus): Promise<string> {
  const { caseId } = await seedCase(env.db, { type: 'lost', record: { status } });
  await indexAs08ff7cdDid(env.db, caseId, status);
  return caseId;
}

const caseOf6384ee3 = async (status: CaseStatus) => (await caseAs6384ee3WroteIt(env.db, { type: 'lost', status })).caseId;

const once = (ids: string[], caseId: string) => ids.filter((id) => id === caseId).length;

beforeAll(async () => {
  ({ env, handler, cases } = await startOpsApi());
});

afterAll(async () => {
  await env?.close();
});

describe('the status index holds only the statuses operators list from (domain/status-index.ts)', () => {
  it('a case enters it in a listed status and leaves it in any other; between unlisted statuses nothing moves', async () => {
    const { caseId, record } = await seedCase(env.db, { type: 'return' });
    const created = `${record.createdAt}#${caseId}`;
    // `received` is not listed: the new case carries its sort key only.
    expect(await indexKeys(caseId)).toEqual({ gsi1pk: undefined, gsi1sk: created });
    await cases.update(caseId, { status: 'in_review' });
    expect(await indexKeys(caseId)).toEqual({ gsi1pk: undefined, gsi1sk: created });
    await cases.update(caseId, { status: 'awaiting_return', waitingFor: 'return' });
    expect(await indexKeys(caseId)).toEqual({ gsi1pk: 'STATUS#awaiting_return', gsi1sk: created });
    expect((await cases.listByStatus('awaiting_return', 100)).map((c) => c.caseId)).toContain(caseId);
    await cases.update(caseId, { status: 'compensating', waitingFor: '' });
    expect(await indexKeys(caseId)).toEqual({ gsi1pk: undefined, gsi1sk: created });
    expect((await cases.listByStatus('awaiting_return', 100)).map((c) => c.caseId)).not.toContain(caseId);
    await cases.update(caseId, { status: 'closed', outcome: 'rejected', closedAt: new Date().toISOString() });
    expect(await indexKeys(caseId)).toEqual({ gsi1pk: undefined, gsi1sk: undefined });
    // Reopened (a dispute) and failed: listed again, from the time it entered needs_attention.
    await cases.update(caseId, { status: 'in_review' }, ['closed']);
    const failedAt = new Date().toISOString();
    await cases.update(caseId, { status: 'needs_attention', updatedAt: failedAt });
    expect(await indexKeys(caseId)).toEqual({ gsi1pk: 'STATUS#needs_attention', gsi1sk: `${failedAt}#${caseId}` });
    expect((await cases.listByStatus('needs_attention', 100)).map((c) => c.caseId)).toContain(caseId);
  });

  it('a review keeps its queue order; leaving the review takes the case out', async () => {
    const { caseId } = await seedCase(env.db, { type: 'lost', record: { status: 'in_review' } });
    await cases.update(caseId, { status: 'awaiting_review', waitingFor: 'manual_review' }, undefined, `040#2026-12-05T10:00:00.000Z#${caseId}`);
    expect(await indexKeys(caseId)).toEqual({ gsi1pk: 'STATUS#awaiting_review', gsi1sk: `040#2026-12-05T10:00:00.000Z#${caseId}` });
    await cases.update(caseId, { priority: 75 }, undefined, `025#2026-12-05T10:00:00.000Z#${caseId}`);
    expect(await indexKeys(caseId)).toEqual({ gsi1pk: 'STATUS#awaiting_review', gsi1sk: `025#2026-12-05T10:00:00.000Z#${caseId}` });
    await cases.update(caseId, { status: 'awaiting_choice', waitingFor: 'remedy_choice' });
    expect((await indexKeys(caseId)).gsi1pk).toBeUndefined();
    expect((await cases.listByStatus('awaiting_review', 100)).map((c) => c.caseId)).not.toContain(caseId);
  });
});

describe('GET /ops/cases?status= for every status, with items releases 08ff7cd and 6384ee3 wrote', () => {
  it('an unlisted status is searched month by month over the last 366 days: each case once, whichever release wrote it', async () => {
    const fresh = (await seedCase(env.db, { type: 'lost', record: { status: 'compensating' } })).caseId;
    const by08ff7cd = await caseOf08ff7cd('compensating');
    const by6384ee3 = await caseOf6384ee3('compensating');
    // Cases of those releases that moved on still sit in the old partition until their next status change.
    const movedOn = await caseOf08ff7cd('compensating');
    await env.db.send(
      new UpdateCommand({
        TableName: TABLE_NAME,
        Key: { pk: `CASE#${movedOn}`, sk: 'CASE' },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'resolved' },
      }),
    );
    const other = (await seedCase(env.db, { type: 'lost', record: { status: 'resolved' } })).caseId;
    // The old partition holds them (a search reading it would find them twice, or find movedOn); today's case is not in it.
    for (const caseId of [by08ff7cd, by6384ee3, movedOn]) expect(await inStatusIndex(env.db, caseId, 'compensating')).toBe(true);
    expect(await inStatusIndex(env.db, fresh, 'compensating')).toBe(false);

    const found = await searchAll('status=compensating');
    for (const caseId of [fresh, by08ff7cd, by6384ee3]) expect(once(found.ids, caseId)).toBe(1);
    expect(found.ids).not.toContain(movedOn);
    expect(found.ids).not.toContain(other);
    expect(new Set(found.ids).size).toBe(found.ids.length);
    // The window is in the answer.
    expect(found.query).toMatchObject({ status: 'compensating', from: expect.any(String), to: expect.any(String) });

    const resolved = await searchAll('status=resolved&type=lost');
    for (const caseId of [movedOn, other]) expect(once(resolved.ids, caseId)).toBe(1);
    expect(new Set(resolved.ids).size).toBe(resolved.ids.length);

    // A case of release 08ff7cd leaves its old partition at its next status change.
    await cases.update(by08ff7cd, { status: 'resolved' });
    expect((await indexKeys(by08ff7cd)).gsi1pk).toBeUndefined();
    expect(await inStatusIndex(env.db, by08ff7cd, 'compensating')).toBe(false);
    expect(once((await searchAll('status=resolved')).ids, by08ff7cd)).toBe(1);
    expect((await searchAll('status=compensating')).ids).not.toContain(by08ff7cd);
  });

  it('a listed status is read from the status index: cases of every release once, oldest first', async () => {
    const by6384ee3 = await caseOf6384ee3('awaiting_return');
    // For a listed status 08ff7cd's case item is 1c6bf85's: the case stands for that release's, and is indexed alike.
    const by08ff7cd = await caseOf08ff7cd('awaiting_return');
    const fresh = (await seedCase(env.db, { type: 'return', record: { status: 'in_review' } })).caseId;
    await cases.update(fresh, { status: 'awaiting_return', waitingFor: 'return' });
    const found = await searchAll('status=awaiting_return');
    for (const caseId of [by6384ee3, by08ff7cd, fresh]) expect(once(found.ids, caseId)).toBe(1);
    // Created in this order: the index's order is theirs, whichever release wrote them.
    expect(found.ids.filter((id) => [by6384ee3, by08ff7cd, fresh].includes(id))).toEqual([by6384ee3, by08ff7cd, fresh]);
    expect(found.query).toEqual({ status: 'awaiting_return' });
    expect((await cases.listByStatus('awaiting_return', 100)).map((c) => c.caseId)).toEqual(expect.arrayContaining([by6384ee3, by08ff7cd, fresh]));
  });

  it('closed cases are found by status over a given range, and by their own ids as before', async () => {
    const { caseId, record } = await seedCase(env.db, { type: 'return', record: { status: 'awaiting_survey' } });
    await cases.update(caseId, { status: 'closed', outcome: 'approved', closedAt: new Date().toISOString() });
    // Local days of the market's zone: a day either side covers the creation wherever it falls.
    const day = (offset: number) => new Date(Date.parse(record.createdAt) + offset * 86_400_000).toISOString().slice(0, 10);
    const found = await searchAll(`status=closed&from=${day(-1)}&to=${day(1)}`);
    expect(once(found.ids, caseId)).toBe(1);
    expect((await searchAll(`status=closed&orderId=${record.orderId}`)).ids).toEqual([caseId]);
  });
});

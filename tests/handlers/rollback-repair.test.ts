import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SurveyStore } from '../../functions/adapters/survey-store.js';
import { repairForPreviousRelease } from '../../scripts/rollback-to-08ff7cd.js';
import { startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { seedCase, unique } from './fixtures.js';

let env: HandlerEnv;

const caseItem = async (caseId: string) => (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: 'CASE' }, ConsistentRead: true }))).Item!;

beforeAll(async () => {
  env = await startHandlerEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('scripts/rollback-to-08ff7cd.ts', () => {
  it('puts back what 08ff7cd reads on the case item: status index keys, and the survey link of a survey this release opened', async () => {
    // A survey opened by this release: the token with the facts, the case item with its status only.
    const linkToken = unique('survey');
    const opened = await seedCase(env.db, { record: { status: 'awaiting_survey', surveyLinkToken: linkToken } });
    const expiresAt = new Date(Date.now() + 14 * 86_400_000).toISOString();
    await new SurveyStore(env.db, TABLE_NAME).create({ token: linkToken, caseId: opened.caseId, locale: 'zh-CN', createdAt: new Date().toISOString(), expiresAt });
    // A case created before this release: its token already on the case item, left alone.
    const older = await seedCase(env.db, { record: { status: 'awaiting_survey', surveyToken: unique('survey'), surveyExpiresAt: expiresAt } });
    // A case in a listed status keeps the index keys it has.
    const listed = await seedCase(env.db, { record: { status: 'awaiting_review' } });
    const listedKeys = await caseItem(listed.caseId);
    expect(listedKeys.gsi1pk).toBe('STATUS#awaiting_review');
    expect((await caseItem(opened.caseId)).gsi1pk).toBeUndefined();

    const first = await repairForPreviousRelease(env.db, TABLE_NAME);
    expect(first).toMatchObject({ surveyLinked: 1, surveyMissing: 0 });

    const repaired = await caseItem(opened.caseId);
    expect(repaired).toMatchObject({ surveyToken: linkToken, surveyExpiresAt: expiresAt, gsi1pk: 'STATUS#awaiting_survey', gsi1sk: `${repaired.updatedAt}#${opened.caseId}` });
    expect(await caseItem(older.caseId)).toMatchObject({ surveyToken: older.record.surveyToken, gsi1pk: 'STATUS#awaiting_survey' });
    expect(await caseItem(listed.caseId)).toMatchObject({ gsi1pk: listedKeys.gsi1pk, gsi1sk: listedKeys.gsi1sk });

    // Safe to run again: nothing left to do.
    expect(await repairForPreviousRelease(env.db, TABLE_NAME)).toEqual({ indexed: 0, surveyLinked: 0, surveyMissing: 0 });
  });
});

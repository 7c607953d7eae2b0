/**
 * Case items as releases before 1c6bf85 (the last released version) wrote them. Cases stay open across a deploy, so
 * today's code must read what 08ff7cd and 6384ee3 left in the table as well as what 1c6bf85 writes (seedCase, through
 * today's CaseStore); the tests that check it seed those older items here, spelled out as those releases wrote them
 * rather than through today's adapters, so a change in today's writer cannot quietly change what "the old shape" means.
 */
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../../functions/adapters/dynamo.js';
import type { CaseStatus, CaseType } from '../../functions/domain/case.js';
import type { CaseRecord } from '../../functions/domain/case-record.js';
import { caseIdFor } from '../../functions/domain/case-id.js';
import { TABLE_NAME } from './env.js';
import { seedCase, unique } from './fixtures.js';

/**
 * Release 08ff7cd wrote the same items as 1c6bf85, but kept every case in the status index (gsi1pk `STATUS#<status>`,
 * the sort key from its creation) whatever its status; 1c6bf85 indexes only the statuses operators list from
 * (domain/status-index.ts). Puts a case seeded today into the partition 08ff7cd would have left it in: for an unlisted
 * status that is the difference; for a listed one the case is there already and nothing changes. Tests assert the
 * result with inStatusIndex, so a seed that wrote nothing would fail them.
 */
export async function indexAs08ff7cdDid(db: DynamoDBDocumentClient, caseId: string, status: CaseStatus): Promise<void> {
  await db.send(
    new UpdateCommand({
      TableName: TABLE_NAME,
      Key: { pk: `CASE#${caseId}`, sk: 'CASE' },
      UpdateExpression: 'SET gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `STATUS#${status}` },
    }),
  );
}

/**
 * A case as release 6384ee3 wrote it (functions/adapters/case-store.ts and case-index.ts at 6384ee3): every field in
 * the case item (no `CASE#FACTS` item), the case in the status index whatever its status, and one lookup item per way
 * to find it, the order's (`LOOKUP#ORDER`, which 08ff7cd and later keep on the facts item instead) among them. Writes
 * those items only (6384ee3 also wrote a contact and a timeline entry, which these tests do not read); the record's
 * other fields are copied from a case seeded today, which stays in the table beside it.
 */
export async function caseAs6384ee3WroteIt(db: DynamoDBDocumentClient, opts: { type: CaseType; status: CaseStatus }): Promise<CaseRecord> {
  const { record: template } = await seedCase(db, { type: opts.type });
  const requestId = unique('req-6384ee3');
  const caseId = caseIdFor(requestId);
  const record: CaseRecord = { ...template, caseId, requestId, orderId: unique('ORD-6384ee3'), status: opts.status };
  const sortKey = `${record.createdAt}#${caseId}`;
  const month = record.createdAt.slice(0, 7);
  await db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `CASE#${caseId}`, sk: 'CASE', gsi1pk: `STATUS#${record.status}`, gsi1sk: sortKey, ...record } }));
  const lookups = {
    ORDER: `ORDER#${record.orderId}`,
    CUSTOMER: `CUSTOMER#${record.customerId}`,
    MONTH: `MONTH#${month}`,
    TYPE: `TYPE#${record.type}#MONTH#${month}`,
  };
  for (const [kind, partition] of Object.entries(lookups)) {
    await db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `CASE#${caseId}`, sk: `LOOKUP#${kind}`, gsi3pk: partition, gsi3sk: sortKey, caseId } }));
  }
  return record;
}

/**
 * Whether the status index lists the case under `STATUS#<status>`, read from the index (gsi1) as listByStatus and a
 * search by a listed status read it, not from the case item's keys.
 */
export async function inStatusIndex(db: DynamoDBDocumentClient, caseId: string, status: CaseStatus): Promise<boolean> {
  const entries = await queryAll(db, {
    TableName: TABLE_NAME,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': `STATUS#${status}` },
  });
  return entries.some((item) => item.pk === `CASE#${caseId}`);
}

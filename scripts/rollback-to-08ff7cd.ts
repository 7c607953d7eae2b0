/**
 * One-off, right after rolling the stack back to release 08ff7cd from the status-index release (docs/operations.md,
 * "Status index and survey link", rolling back). Puts back on each case item what 08ff7cd reads there:
 *
 * - the status index keys: a case item without `gsi1pk` gets `gsi1pk = STATUS#<status>` and, if absent,
 *   `gsi1sk = <updatedAt>#<caseId>` (08ff7cd lists every status from gsi1);
 * - the survey link: a case in `awaiting_survey` without `surveyToken` gets `surveyToken` = its facts item's
 *   `surveyLinkToken` and `surveyExpiresAt` = that survey item's `expiresAt` (08ff7cd's reminder and held invitation
 *   read both from the case item, and its survey step would otherwise draw a second token).
 *
 * Run with an administrator's credentials (the functions' roles may not Scan):
 *
 *   TABLE_NAME=<the CasesTable physical name> AWS_REGION=<region> npx tsx scripts/rollback-to-08ff7cd.ts
 *
 * A Scan of the whole table, filtered to case items: acceptable once, never in the pipeline. Each write is
 * conditional on what was read (no index key yet / no token yet, the same status), so it is safe to run again and
 * while the pipeline runs: a case that moved on meanwhile is left to 08ff7cd, which writes its own keys.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { keys, writeIf } from '../functions/adapters/dynamo.js';

export interface RollbackRepair {
  indexed: number;
  surveyLinked: number;
  /** Cases in awaiting_survey with a link token but no survey item: left as they are (08ff7cd opens their survey). */
  surveyMissing: number;
}

export async function repairForPreviousRelease(db: DynamoDBDocumentClient, tableName: string): Promise<RollbackRepair> {
  const done: RollbackRepair = { indexed: 0, surveyLinked: 0, surveyMissing: 0 };
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk = :case AND begins_with(pk, :prefix) AND (attribute_not_exists(gsi1pk) OR (#status = :survey AND attribute_not_exists(surveyToken)))',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':case': 'CASE', ':prefix': 'CASE#', ':survey': 'awaiting_survey' },
        ProjectionExpression: 'pk, caseId, #status, updatedAt, gsi1pk, surveyToken',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const caseId = String(item.caseId ?? String(item.pk).slice('CASE#'.length));
      if (item.gsi1pk === undefined && (await indexAgain(db, tableName, caseId, String(item.status), String(item.updatedAt)))) done.indexed += 1;
      if (item.status === 'awaiting_survey' && item.surveyToken === undefined) {
        const linked = await linkSurvey(db, tableName, caseId);
        if (linked === 'linked') done.surveyLinked += 1;
        if (linked === 'no_survey') done.surveyMissing += 1;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return done;
}

async function indexAgain(db: DynamoDBDocumentClient, tableName: string, caseId: string, status: string, updatedAt: string): Promise<boolean> {
  const written = await writeIf(
    db,
    new UpdateCommand({
      TableName: tableName,
      Key: keys.case(caseId),
      UpdateExpression: 'SET gsi1pk = :pk, gsi1sk = if_not_exists(gsi1sk, :sk)',
      ConditionExpression: 'attribute_not_exists(gsi1pk) AND #status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pk': `STATUS#${status}`, ':sk': `${updatedAt}#${caseId}`, ':status': status },
    }),
  );
  return written;
}

async function linkSurvey(db: DynamoDBDocumentClient, tableName: string, caseId: string): Promise<'linked' | 'no_survey' | 'skipped'> {
  const facts = (await db.send(new GetCommand({ TableName: tableName, Key: keys.caseFacts(caseId), ConsistentRead: true }))).Item;
  const token = facts?.surveyLinkToken;
  if (typeof token !== 'string') return 'skipped';
  const survey = (await db.send(new GetCommand({ TableName: tableName, Key: keys.survey(token), ConsistentRead: true }))).Item;
  if (typeof survey?.expiresAt !== 'string') return 'no_survey';
  const written = await writeIf(
    db,
    new UpdateCommand({
      TableName: tableName,
      Key: keys.case(caseId),
      UpdateExpression: 'SET surveyToken = :token, surveyExpiresAt = :expires',
      ConditionExpression: 'attribute_not_exists(surveyToken) AND #status = :survey',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':token': token, ':expires': survey.expiresAt, ':survey': 'awaiting_survey' },
    }),
  );
  return written ? 'linked' : 'skipped';
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is required (the case table of the deployed stack)');
  const done = await repairForPreviousRelease(DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName);
  console.log(`status index keys put back on ${done.indexed} case(s); survey link put on ${done.surveyLinked}; ${done.surveyMissing} without a survey item left`);
}

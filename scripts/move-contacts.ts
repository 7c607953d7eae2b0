/**
 * One-off, after deploying the change that gave customers' contacts their own partition (CONTACT#<caseId>): moves
 * every contact still stored in its case's partition, so IAM's deny on CONTACT# partitions covers all of them at once
 * instead of as each case is next read. Run with an administrator's credentials (the functions' roles may not Scan):
 *
 *   TABLE_NAME=<the CasesTable physical name> AWS_REGION=<region> npx tsx scripts/move-contacts.ts
 *
 * A Scan of the whole table, filtered to the old contact items: acceptable once, never in the pipeline. Safe to run
 * again (a moved contact is not found twice) and while the pipeline runs (the move is the one CaseStore.contact makes).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CaseStore } from '../functions/adapters/case-store.js';

export async function moveLegacyContacts(db: DynamoDBDocumentClient, tableName: string): Promise<number> {
  const cases = new CaseStore(db, tableName);
  let moved = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk = :contact AND begins_with(pk, :case)',
        ExpressionAttributeValues: { ':contact': 'CONTACT', ':case': 'CASE#' },
        ProjectionExpression: 'pk',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      if (await cases.contact(String(item.pk).slice('CASE#'.length))) moved += 1;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return moved;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is required (the case table of the deployed stack)');
  const moved = await moveLegacyContacts(DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName);
  console.log(`moved ${moved} contact(s) to their own partition`);
}

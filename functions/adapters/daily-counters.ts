import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Daily counters kept in one partition per month (`<prefix>#YYYY-MM`), sorted `<dimension>#<day>#<value>…`: the
 * cost ledger and the satisfaction counters both store them so. Yields the counter items of one dimension over the
 * local days from..to (inclusive, YYYY-MM-DD), one paged Query per month, never a scan.
 */
export async function* dailyCounterItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  prefix: string,
  dimension: string,
  from: string,
  to: string,
): AsyncGenerator<Record<string, unknown>> {
  for (const month of monthsBetween(from, to)) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': `${prefix}#${month}`, ':from': `${dimension}#${from}`, ':to': `${dimension}#${to}#\uffff` },
          ExclusiveStartKey: startKey,
        }),
      );
      yield* page.Items ?? [];
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}

/** The months (YYYY-MM) the local days from..to touch: one counter partition each. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let year = Number(from.slice(0, 4));
  let month = Number(from.slice(5, 7));
  const last = to.slice(0, 7);
  for (;;) {
    const current = `${year}-${String(month).padStart(2, '0')}`;
    if (current > last) break;
    months.push(current);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SearchPlan } from '../domain/case-search.js';
import { LOOKUP_INDEX } from './case-index.js';
import type { CaseRecord } from '../domain/case-record.js';
import { keys } from './dynamo.js';

/** Where a search stopped: the plan's partition and the last index entry read in it (absent: its beginning). */
export interface SearchPosition {
  partition: number;
  after?: { sortKey: string; pk: string; sk: string };
}

export interface SearchPage {
  cases: CaseRecord[];
  next?: SearchPosition;
}

/** Index queries one page may make: enough for a year of sparse months, bounded so a page always answers. */
const MAX_QUERIES_PER_PAGE = 16;
const INDEX = { status: { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' }, lookup: { name: LOOKUP_INDEX, pk: 'gsi3pk', sk: 'gsi3sk' } } as const;

/**
 * Runs a search plan (domain/case-search.ts) on the case table's indexes: Query the index partitions in order, read
 * the cases behind the entries (the indexes hold keys, the case item holds the current status and assignee), keep
 * those the filter accepts. Never a scan. A page may hold fewer than `limit` cases when the filter drops some; the
 * position says where to go on.
 */
export class CaseSearch {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async page(plan: Extract<SearchPlan, { kind: 'index' }>, accept: (c: CaseRecord) => boolean, limit: number, from: SearchPosition = { partition: 0 }): Promise<SearchPage> {
    const index = INDEX[plan.index];
    const found: CaseRecord[] = [];
    let { partition, after } = from;
    for (let queries = 0; partition < plan.partitions.length && found.length < limit && queries < MAX_QUERIES_PER_PAGE; queries += 1) {
      const pk = plan.partitions[partition]!;
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: plan.range ? '#pk = :pk AND #sk BETWEEN :from AND :to' : '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.pk, ...(plan.range ? { '#sk': index.sk } : {}) },
          // The sort key is `<createdAt>#<caseId>`: BETWEEN from AND to keeps createdAt in [from, to).
          ExpressionAttributeValues: { ':pk': pk, ...(plan.range ? { ':from': plan.range.from, ':to': plan.range.to } : {}) },
          ScanIndexForward: !plan.newestFirst,
          Limit: limit - found.length,
          ...(after ? { ExclusiveStartKey: { [index.pk]: pk, [index.sk]: after.sortKey, pk: after.pk, sk: after.sk } } : {}),
        }),
      );
      const ids = (out.Items ?? []).map((item) => String(item.pk).slice('CASE#'.length));
      const records = await this.casesById(ids);
      found.push(...ids.map((id) => records.get(id)).filter((c): c is CaseRecord => c !== undefined && accept(c)));
      const last = out.LastEvaluatedKey;
      if (last) after = { sortKey: String(last[index.sk]), pk: String(last.pk), sk: String(last.sk) };
      else {
        partition += 1;
        after = undefined;
      }
    }
    return { cases: found, ...(partition < plan.partitions.length ? { next: { partition, ...(after ? { after } : {}) } } : {}) };
  }

  /** The case items, read consistently, 100 keys a request; unprocessed keys are asked again. */
  private async casesById(ids: string[]): Promise<Map<string, CaseRecord>> {
    const found = new Map<string, CaseRecord>();
    let pending = [...new Set(ids)].map((id) => keys.case(id));
    let retries = 0;
    while (pending.length > 0) {
      const batch = pending.slice(0, 100);
      pending = pending.slice(100);
      const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: batch, ConsistentRead: true } } }));
      for (const item of out.Responses?.[this.tableName] ?? []) {
        const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, gsi3pk: _e, gsi3sk: _f, ...record } = item;
        found.set(String(record.caseId), record as CaseRecord);
      }
      const unprocessed = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as typeof batch;
      if (unprocessed.length > 0) {
        retries += 1;
        if (retries > 8) throw new Error('case reads stayed unprocessed');
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** retries)));
        pending.push(...unprocessed);
      }
    }
    return found;
  }
}

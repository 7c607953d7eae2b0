import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SearchPlan } from '../domain/case-search.js';
import { LOOKUP_INDEX } from './case-index.js';
import type { CaseRecord } from '../domain/case-record.js';
import { readCases } from './case-store.js';

/** Where a search stopped: the plan's partition and the last index entry read in it (absent: its beginning). */
export interface SearchPosition {
  partition: number;
  after?: { sortKey: string; pk: string; sk: string };
}

export interface SearchPage {
  cases: CaseRecord[];
  next?: SearchPosition;
  /** Index entries read (each one a case read: its case and facts items). */
  read: number;
}

/** Index queries one page may make: enough for a year of sparse months, bounded so a page always answers. */
const MAX_QUERIES_PER_PAGE = 16;
/**
 * Index entries one page reads at most, whatever the filter drops: a rare status answers an empty page with its
 * cursor rather than reading on (16 queries of `limit` entries each were up to 3,200 case reads for one page).
 */
export const PAGE_READ_CAP = 1000;
const INDEX = { status: { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' }, lookup: { name: LOOKUP_INDEX, pk: 'gsi3pk', sk: 'gsi3sk' } } as const;

/**
 * Runs a search plan (domain/case-search.ts) on the case table's indexes: Query the index partitions in order, read
 * the cases behind the entries (the indexes hold keys; the case item holds the current status and assignee, its facts
 * item the order and customer ids, see readCases), keep
 * those the filter accepts. Never a scan. A page may hold fewer than `limit` cases when the filter drops some; the
 * position says where to go on.
 */
export class CaseSearch {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * `until`, a position an earlier page handed out, ends the search there: its last entry (`until.after`) is the last
   * one read, or the partition before `until.partition` when it names none. An export part uses it to end exactly where
   * the next part starts, however many cases were added meanwhile.
   */
  async page(
    plan: Extract<SearchPlan, { kind: 'index' }>,
    accept: (c: CaseRecord) => boolean,
    limit: number,
    from: SearchPosition = { partition: 0 },
    until?: SearchPosition,
  ): Promise<SearchPage> {
    const index = INDEX[plan.index];
    const found: CaseRecord[] = [];
    let { partition, after } = from;
    let read = 0;
    const end = until ? Math.min(plan.partitions.length, until.partition + (until.after ? 1 : 0)) : plan.partitions.length;
    for (let queries = 0; partition < end && found.length < limit && read < PAGE_READ_CAP && queries < MAX_QUERIES_PER_PAGE; queries += 1) {
      const pk = plan.partitions[partition]!;
      const range = sortKeyRange(plan, partition === until?.partition ? until.after?.sortKey : undefined);
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: `#pk = :pk${range.condition}`,
          ExpressionAttributeNames: { '#pk': index.pk, ...(range.condition ? { '#sk': index.sk } : {}) },
          ExpressionAttributeValues: { ':pk': pk, ...range.values },
          ScanIndexForward: !plan.newestFirst,
          Limit: Math.min(limit - found.length, PAGE_READ_CAP - read),
          ...(after ? { ExclusiveStartKey: { [index.pk]: pk, [index.sk]: after.sortKey, pk: after.pk, sk: after.sk } } : {}),
        }),
      );
      const ids = (out.Items ?? []).map((item) => String(item.pk).slice('CASE#'.length));
      read += ids.length;
      const records = await readCases(this.db, this.tableName, ids, true);
      found.push(...ids.map((id) => records.get(id)).filter((c): c is CaseRecord => c !== undefined && accept(c)));
      const last = out.LastEvaluatedKey;
      if (last) after = { sortKey: String(last[index.sk]), pk: String(last.pk), sk: String(last.sk) };
      else {
        partition += 1;
        after = undefined;
      }
    }
    return { cases: found, read, ...(partition < end ? { next: { partition, ...(after ? { after } : {}) } } : {}) };
  }
}

/**
 * The key condition on the sort key: the plan's days (the sort key is `<createdAt>#<caseId>`: BETWEEN from AND to keeps
 * createdAt in [from, to)), and up to `last` included in the reading order when an `until` ends in this partition.
 * Sort keys end with the case id, so no two entries of a partition share one and the bound cuts between two entries.
 */
function sortKeyRange(plan: Extract<SearchPlan, { kind: 'index' }>, last: string | undefined): { condition: string; values: Record<string, string> } {
  const from = last !== undefined && plan.newestFirst ? last : plan.range?.from;
  const to = last !== undefined && !plan.newestFirst ? last : plan.range?.to;
  if (from !== undefined && to !== undefined) return { condition: ' AND #sk BETWEEN :from AND :to', values: { ':from': from, ':to': to } };
  if (from !== undefined) return { condition: ' AND #sk >= :from', values: { ':from': from } };
  if (to !== undefined) return { condition: ' AND #sk <= :to', values: { ':to': to } };
  return { condition: '', values: {} };
}

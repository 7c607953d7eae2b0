import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OperatorRole } from '../domain/operators.js';
import { LOOKUP_INDEX, lookupPartition } from './case-index.js';

/** One read of a case's personal data by an operator: who, what, through which route, when. */
export interface AccessEntry {
  at: string;
  operator: string;
  role: OperatorRole;
  caseId: string;
  /** What personal data was read, e.g. `["description"]`. Names of fields, never their values. */
  read: string[];
  /** The route template, e.g. `GET /ops/cases/{caseId}`. */
  route: string;
}

export interface AccessPage {
  entries: AccessEntry[];
  /** Where the next page starts (the last entry's sort key); absent on the last page. */
  next?: string;
}

const ENTRY_SORT_KEY = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#AS-[0-9A-Z]{12}#[0-9a-f]{8}$/;

/**
 * The access log (docs/domain.md "Reads of personal data are logged for audit"): append-only, one item per read, kept
 * apart from the case partition so reading a case never reads its audit trail. By case: partition `ACCESS#<caseId>`;
 * by operator: the lookup index's `READER#<name>` partition. Both sort by time and a random suffix, newest first.
 * Operator actions are not here: they are on the case's timeline.
 */
export class AccessLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Appends the entry; it never overwrites one (a clash of time and 32 random bits would fail loudly, not silently). */
  async record(entry: AccessEntry): Promise<void> {
    const sortKey = `${entry.at}#${entry.caseId}#${randomBytes(4).toString('hex')}`;
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `ACCESS#${entry.caseId}`, sk: sortKey, gsi3pk: lookupPartition.reader(entry.operator), gsi3sk: sortKey, ...entry },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** Reads of one case, newest first. `after` is a previous page's `next`. */
  byCase(caseId: string, limit: number, after?: string): Promise<AccessPage> {
    return this.page(
      { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ACCESS#${caseId}` } },
      limit,
      after ? { pk: `ACCESS#${caseId}`, sk: after } : undefined,
    );
  }

  /** Reads by one operator, newest first, from the lookup index. */
  byOperator(operator: string, limit: number, after?: string): Promise<AccessPage> {
    const partition = lookupPartition.reader(operator);
    const start = after ? { gsi3pk: partition, gsi3sk: after, pk: `ACCESS#${after.split('#')[1]}`, sk: after } : undefined;
    return this.page({ IndexName: LOOKUP_INDEX, KeyConditionExpression: 'gsi3pk = :pk', ExpressionAttributeValues: { ':pk': partition } }, limit, start);
  }

  /** Whether `value` can be a page position this log handed out (a cursor from a client is checked before use). */
  static isPosition(value: string): boolean {
    return ENTRY_SORT_KEY.test(value);
  }

  private async page(
    query: { IndexName?: string; KeyConditionExpression: string; ExpressionAttributeValues: Record<string, string> },
    limit: number,
    start?: Record<string, string>,
  ): Promise<AccessPage> {
    const out = await this.db.send(
      new QueryCommand({ TableName: this.tableName, ...query, ScanIndexForward: false, Limit: limit, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    const entries = (out.Items ?? []).map(({ at, operator, role, caseId, read, route }) => ({ at, operator, role, caseId, read, route }) as AccessEntry);
    const last = out.Items?.at(-1);
    return { entries, ...(out.LastEvaluatedKey && last ? { next: String(last.sk) } : {}) };
  }
}

import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emptyCounts, SCORES, type SatisfactionCounts, type SurveyAnswer } from '../domain/satisfaction.js';
import { writeIf } from './dynamo.js';
import { dailyCounterItems } from './daily-counters.js';

/** Report groups (DOMAIN: "by case type, carrier, remedy, period", and by market); `all` is every survey. */
export const SATISFACTION_GROUPS = ['type', 'carrier', 'remedy', 'market'] as const;
export type SatisfactionGroup = (typeof SATISFACTION_GROUPS)[number];
type Dimension = SatisfactionGroup | 'all';
const DIMENSIONS: readonly Dimension[] = ['all', ...SATISFACTION_GROUPS];

/** Where a survey counts: the local day of its invitation and the case's type, outbound carrier and remedy. */
export interface SurveyBucket {
  day: string;
  type: string;
  carrier: string;
  remedy: string;
  /**
   * The case's market (functions/domain/markets.ts `of`). Absent on invitations counted before markets were: their
   * answers are then counted in no market either, so a market's response rate compares like with like.
   */
  market?: string;
}

/**
 * Satisfaction counters (000 §6.1), kept as invitations go out and answers come in, modelled on the cost ledger:
 * daily counters per group value in a partition per month, added to with ADD, read back with one Query per month.
 * An answer counts on its invitation's day, so a period's response rate compares like with like (answers to the
 * invitations of that period). Each case counts once per kind: a marker item in the case's partition is written
 * first, conditionally; a crash after it leaves `counted: false` there for a reconciliation, never a double count.
 */
export class SatisfactionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async countInvitation(caseId: string, bucket: SurveyBucket): Promise<'counted' | 'exists'> {
    if (!(await this.mark(caseId, 'invited', { ...bucket }))) return 'exists';
    await this.add(bucket, 'ADD invited :one', { ':one': 1 });
    await this.counted(caseId, 'invited');
    return 'counted';
  }

  /** Counts the answer in its invitation's bucket (or `fallback`, for a survey sent before counting began). */
  async countAnswer(caseId: string, answer: Omit<SurveyAnswer, 'comment'>, fallback: SurveyBucket): Promise<'counted' | 'exists'> {
    const invited = await this.db.send(new GetCommand({ TableName: this.tableName, Key: marker(caseId, 'invited'), ConsistentRead: true }));
    const { day, type, carrier, remedy, market } = invited.Item ? (invited.Item as SurveyBucket) : fallback;
    const counted = { day, type, carrier, remedy, ...(market ? { market } : {}) };
    if (!(await this.mark(caseId, 'answered', counted))) return 'exists';
    const adds = ['answered :one', `overall${answer.overall} :one`];
    const values: Record<string, number> = { ':one': 1 };
    for (const score of SCORES) {
      const value = answer[score];
      if (value === undefined) continue;
      adds.push(`${score}Sum :${score}`, `${score}Count :one`);
      values[`:${score}`] = value;
    }
    await this.add(counted, `ADD ${adds.join(', ')}`, values);
    await this.counted(caseId, 'answered');
    return 'counted';
  }

  /** Counters per value of the group (or `all`) over the local days from..to (inclusive, YYYY-MM-DD). */
  async totals(group: SatisfactionGroup | 'all', from: string, to: string): Promise<Map<string, SatisfactionCounts>> {
    const totals = new Map<string, SatisfactionCounts>();
    for await (const item of dailyCounterItems(this.db, this.tableName, 'SATISFACTION', group, from, to)) {
      const key = String(item.sk).split('#')[2]!;
      const total = totals.get(key) ?? emptyCounts();
      total.invited += Number(item.invited ?? 0);
      total.answered += Number(item.answered ?? 0);
      for (const score of SCORES) {
        total.sums[score] += Number(item[`${score}Sum`] ?? 0);
        total.counts[score] += Number(item[`${score}Count`] ?? 0);
      }
      for (let n = 1; n <= 5; n += 1) total.overallHistogram[n - 1]! += Number(item[`overall${n}`] ?? 0);
      totals.set(key, total);
    }
    return totals;
  }

  private async mark(caseId: string, kind: 'invited' | 'answered', bucket: SurveyBucket): Promise<boolean> {
    return writeIf(
      this.db,
      new PutCommand({ TableName: this.tableName, Item: { ...marker(caseId, kind), ...bucket, counted: false }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  private async add(bucket: SurveyBucket, update: string, values: Record<string, number>): Promise<void> {
    const value: Record<Dimension, string | undefined> = { all: 'all', type: bucket.type, carrier: bucket.carrier, remedy: bucket.remedy, market: bucket.market };
    for (const dimension of DIMENSIONS) {
      if (value[dimension] === undefined) continue;
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `SATISFACTION#${bucket.day.slice(0, 7)}`, sk: `${dimension}#${bucket.day}#${value[dimension]}` },
          UpdateExpression: update,
          ExpressionAttributeValues: values,
        }),
      );
    }
  }

  private async counted(caseId: string, kind: 'invited' | 'answered'): Promise<void> {
    await this.db.send(
      new UpdateCommand({ TableName: this.tableName, Key: marker(caseId, kind), UpdateExpression: 'SET counted = :t', ExpressionAttributeValues: { ':t': true } }),
    );
  }
}

const marker = (caseId: string, kind: 'invited' | 'answered') => ({ pk: `CASE#${caseId}`, sk: `SATISFACTION#${kind}` });

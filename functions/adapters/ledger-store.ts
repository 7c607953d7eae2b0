import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_MARKET } from '../domain/market.js';
import { dailyCounterItems } from './daily-counters.js';
import { writeIf } from './dynamo.js';

/** One cost of a case: money paid out, goods shipped again, a prepaid return label, or a charge-back (negative). */
export interface LedgerEntry {
  caseId: string;
  /** Unique per cost (the instruction's idempotency key): recording twice records once. */
  key: string;
  kind: 'refund' | 'subsidy' | 'coupon' | 'goods' | 'return_shipping' | 'charge_back';
  amount: number;
  currency: string;
  caseType: string;
  remedy: string;
  carrier: string;
  /** The case's market (ISO 3166-1 alpha-2, as functions/domain/markets.ts `of` resolves it); absent (entries before markets) counts as CN. */
  market?: string;
  /** Local calendar day the cost falls on (the market's zone). */
  day: string;
  at: string;
}

/**
 * Report dimensions: case type, remedy and carrier (000 §7.3), the kind of cost (to reconcile with the platform), and
 * the case's market (each under its own law; counted from the release that added it on, earlier costs have none).
 */
export const COST_DIMENSIONS = ['type', 'remedy', 'carrier', 'kind', 'market'] as const;
export type CostDimension = (typeof COST_DIMENSIONS)[number];

export interface CostTotal {
  key: string;
  currency: string;
  amount: number;
  entries: number;
}

/**
 * The cost ledger (000 §7.3): each entry is an item in its case's partition, and every entry adds to daily
 * counters per dimension (case type, remedy, carrier) in a partition per month. A report reads the counters of
 * its months with one Query per month and dimension, never the whole table.
 */
export class LedgerStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(entry: LedgerEntry): Promise<'recorded' | 'exists'> {
    const written = await writeIf(
      this.db,
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `CASE#${entry.caseId}`, sk: `LEDGER#${entry.key}`, ...entry, counted: false },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (!written) {
      return 'exists';
    }
    // Not transactional (DynamoDB Local emulators lack it): a crash right here leaves `counted: false` on the entry,
    // which a reconciliation can find; it never counts an entry twice.
    const values: Record<CostDimension, string> = { type: entry.caseType, remedy: entry.remedy, carrier: entry.carrier, kind: entry.kind, market: entry.market ?? DEFAULT_MARKET };
    for (const dimension of COST_DIMENSIONS) {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `LEDGER#${entry.day.slice(0, 7)}`, sk: `${dimension}#${entry.day}#${values[dimension]}#${entry.currency}` },
          UpdateExpression: 'ADD amount :a, entries :one',
          ExpressionAttributeValues: { ':a': entry.amount, ':one': 1 },
        }),
      );
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `CASE#${entry.caseId}`, sk: `LEDGER#${entry.key}` },
        UpdateExpression: 'SET counted = :t',
        ExpressionAttributeValues: { ':t': true },
      }),
    );
    return 'recorded';
  }

  /** Totals per value of the dimension and currency, over the local days from..to (inclusive, YYYY-MM-DD). */
  async totals(dimension: CostDimension, from: string, to: string): Promise<CostTotal[]> {
    const sums = new Map<string, CostTotal>();
    for await (const item of dailyCounterItems(this.db, this.tableName, 'LEDGER', dimension, from, to)) {
      const [, , key, currency] = String(item.sk).split('#');
      const id = `${key}#${currency}`;
      const total = sums.get(id) ?? { key: key!, currency: currency!, amount: 0, entries: 0 };
      total.amount += Number(item.amount ?? 0);
      total.entries += Number(item.entries ?? 0);
      sums.set(id, total);
    }
    return [...sums.values()].sort((a, b) => b.amount - a.amount || a.key.localeCompare(b.key));
  }
}

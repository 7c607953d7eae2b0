import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_MARKET } from '../domain/market.js';
import { cell, countOnce, readCellsAndLegacy } from './daily-counters.js';

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
 * The cost ledger (000 §7.3): each entry is an item in its case's partition, written once (conditionally, by its key),
 * and its writer adds it to one counter cell of the day, keyed by every dimension and the currency
 * (`LEDGER#YYYY-MM#<shard>`, `entry#<day>#<type>#<remedy>#<carrier>#<kind>#<market>#<currency>`;
 * adapters/daily-counters.ts). A report by one dimension sums the cells of its months, and the previous release's
 * items (`LEDGER#YYYY-MM`, one per dimension), never the whole table.
 */
export class LedgerStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(entry: LedgerEntry): Promise<'recorded' | 'exists'> {
    // Not transactional (DynamoDB Local emulators lack it): a crash between the entry and its cell leaves the cost out
    // of the totals (the entry itself is kept, and the case view lists it); it never counts an entry twice.
    const values = [entry.caseType, entry.remedy, entry.carrier, entry.kind, entry.market ?? DEFAULT_MARKET, entry.currency];
    const counted = await countOnce(this.db, this.tableName, { pk: `CASE#${entry.caseId}`, sk: `LEDGER#${entry.key}`, ...entry }, [
      { key: cell('LEDGER', entry.caseId, 'entry', entry.day, values), add: { amount: entry.amount, entries: 1 } },
    ]);
    return counted ? 'recorded' : 'exists';
  }

  /** Totals per value of the dimension and currency, over the local days from..to (inclusive, YYYY-MM-DD). */
  async totals(dimension: CostDimension, from: string, to: string): Promise<CostTotal[]> {
    return (await this.totalsBy([dimension], from, to)).get(dimension)!;
  }

  /** `totals` for each dimension asked for, from one read of the days' cells (and the previous release's items). */
  async totalsBy(dimensions: readonly CostDimension[], from: string, to: string): Promise<Map<CostDimension, CostTotal[]>> {
    const { cells, legacy } = await readCellsAndLegacy(this.db, this.tableName, 'LEDGER', 'entry', dimensions, from, to);
    return new Map(
      dimensions.map((dimension, d) => {
        const sums = new Map<string, CostTotal>();
        const add = (key: string, currency: string, item: Record<string, unknown>) => {
          const total = sums.get(`${key}#${currency}`) ?? sums.set(`${key}#${currency}`, { key, currency, amount: 0, entries: 0 }).get(`${key}#${currency}`)!;
          total.amount += Number(item.amount ?? 0);
          total.entries += Number(item.entries ?? 0);
        };
        // The previous release's items: `<dimension>#<day>#<value>#<currency>`, values as written (not encoded).
        for (const item of legacy[d]!) {
          const [, , key, currency] = String(item.sk).split('#');
          add(key!, currency!, item);
        }
        const at = COST_DIMENSIONS.indexOf(dimension);
        for (const { item, values } of cells) add(values[at]!, values[COST_DIMENSIONS.length]!, item);
        return [dimension, [...sums.values()].sort((a, b) => b.amount - a.amount || a.key.localeCompare(b.key))];
      }),
    );
  }
}

import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emptyCounts, SCORES, type SatisfactionCounts, type SurveyAnswer } from '../domain/satisfaction.js';
import { addAll, cell, countOnce, readCellsAndLegacy } from './daily-counters.js';

/** Report groups (DOMAIN: "by case type, carrier, remedy, period", and by market); `all` is every survey. */
export const SATISFACTION_GROUPS = ['type', 'carrier', 'remedy', 'market'] as const;
export type SatisfactionGroup = (typeof SATISFACTION_GROUPS)[number];

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
 * Satisfaction counters (000 §6.1), kept as invitations go out and answers come in, modelled on the cost ledger: one
 * counter cell per day and combination of type, carrier, remedy and market (`SATISFACTION#YYYY-MM#<shard>`,
 * `survey#<day>#<type>#<carrier>#<remedy>#<market>`; adapters/daily-counters.ts), added to with one ADD per event and
 * summed per group when read, with the previous release's items (one per group, `SATISFACTION#YYYY-MM`).
 * An answer counts on its invitation's day, so a period's response rate compares like with like (answers to the
 * invitations of that period). Each case counts once per kind, a crash leaving that event uncounted, never counted
 * twice. An invitation is counted by the call whose conditional write of the case sent the survey (steps/open-survey.ts),
 * and its bucket is kept on the survey item for the answer: no marker of its own since 5 December (the previous
 * release's `SATISFACTION#invited` markers are still read for its surveys' answers). An answer keeps its marker
 * (`SATISFACTION#answered`, written first, conditionally): its follow-through is repeated whenever the customer sends
 * it again.
 */
export class SatisfactionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Counts an invitation: only from the call that sent it (it adds on every call); keep `bucket` for its answer. */
  async countInvitation(caseId: string, bucket: SurveyBucket): Promise<void> {
    await addAll(this.db, this.tableName, [{ key: cellOf(caseId, bucket), add: { invited: 1 } }]);
  }

  /**
   * Counts the answer in its invitation's bucket: `invitedIn` as the survey item keeps it, else the previous release's
   * invitation marker, else `fallback` (a survey sent before counting began).
   */
  async countAnswer(caseId: string, answer: Omit<SurveyAnswer, 'comment'>, fallback: SurveyBucket, invitedIn?: SurveyBucket): Promise<'counted' | 'exists'> {
    const invited = invitedIn ?? (await this.db.send(new GetCommand({ TableName: this.tableName, Key: marker(caseId, 'invited'), ConsistentRead: true }))).Item;
    const { day, type, carrier, remedy, market } = invited ? (invited as SurveyBucket) : fallback;
    const add: Record<string, number> = { answered: 1, [`overall${answer.overall}`]: 1 };
    for (const score of SCORES) {
      const value = answer[score];
      if (value === undefined) continue;
      add[`${score}Sum`] = value;
      add[`${score}Count`] = 1;
    }
    return (await this.once(caseId, 'answered', { day, type, carrier, remedy, ...(market ? { market } : {}) }, add)) ? 'counted' : 'exists';
  }

  /** Counters per value of the group (or `all`) over the local days from..to (inclusive, YYYY-MM-DD). */
  async totals(group: SatisfactionGroup | 'all', from: string, to: string): Promise<Map<string, SatisfactionCounts>> {
    return (await this.totalsByGroup([group], from, to)).get(group)!;
  }

  /** Counters per value of each group asked for, from one read of the days' cells (and the previous release's items). */
  async totalsByGroup(groups: ReadonlyArray<SatisfactionGroup | 'all'>, from: string, to: string): Promise<Map<SatisfactionGroup | 'all', Map<string, SatisfactionCounts>>> {
    const { cells, legacy } = await readCellsAndLegacy(this.db, this.tableName, 'SATISFACTION', 'survey', groups, from, to);
    return new Map(
      groups.map((group, g) => {
        const totals = new Map<string, SatisfactionCounts>();
        // The previous release's items: `<group>#<day>#<value>`, values as written (not encoded).
        for (const item of legacy[g]!) addCounts(totals, String(item.sk).split('#')[2]!, item);
        const at = SATISFACTION_GROUPS.indexOf(group as SatisfactionGroup);
        for (const { item, values } of cells) {
          const key = group === 'all' ? 'all' : values[at];
          // An invitation counted before markets were has no market: in no market's figures.
          if (key) addCounts(totals, key, item);
        }
        return [group, totals];
      }),
    );
  }

  /** Writes the case's marker of this kind (conditionally) and, only if it was its writer, adds to the day's cell. */
  private once(caseId: string, kind: 'answered', bucket: SurveyBucket, add: Record<string, number>): Promise<boolean> {
    return countOnce(this.db, this.tableName, { ...marker(caseId, kind), ...bucket }, [{ key: cellOf(caseId, bucket), add }]);
  }
}

function addCounts(totals: Map<string, SatisfactionCounts>, key: string, item: Record<string, unknown>): void {
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

const marker = (caseId: string, kind: 'invited' | 'answered') => ({ pk: `CASE#${caseId}`, sk: `SATISFACTION#${kind}` });
/** The day's counter cell of a bucket: every dimension in its sort key. */
const cellOf = (caseId: string, b: SurveyBucket) => cell('SATISFACTION', caseId, 'survey', b.day, [b.type, b.carrier, b.remedy, b.market ?? '']);

import type { CaseRepository } from './ports.js';
import { lookupPartition, monthsNewestFirst } from '../adapters/case-index.js';
import type { CaseSearch, SearchPosition } from '../adapters/case-search.js';
import type { CaseRecord } from '../domain/case-record.js';
import { caseIdFor } from '../domain/case-id.js';
import { MAX_LIMIT, matchesQuery, planSearch, queryFingerprint, type CaseQuery } from '../domain/case-search.js';

export interface SearchDeps {
  cases: Pick<CaseRepository, 'get'>;
  search: Pick<CaseSearch, 'page'>;
}

/** The rows a search answers with: enough to pick a case, nothing personal. */
export const ROW_FIELDS = ['caseId', 'type', 'status', 'outcome', 'orderId', 'requestId', 'customerId', 'createdAt', 'priority', 'assignee', 'dueAt'] as const;
export type CaseRow = Partial<Record<(typeof ROW_FIELDS)[number], string | number>>;

export function caseRow(c: CaseRecord): CaseRow {
  return Object.fromEntries(ROW_FIELDS.filter((field) => c[field] !== undefined).map((field) => [field, c[field] as string | number]));
}

/** Rows a CSV export holds at most; past it the answer says it was cut (docs/operations.md). */
export const EXPORT_CAP = 5000;

export type SearchResult = { status: 'ok'; rows: CaseRow[]; nextCursor?: string } | { status: 'bad_cursor' };

/** One page of cases matching the query; `cursor` is the previous page's `nextCursor`. */
export async function searchCases(deps: SearchDeps, query: CaseQuery, limit: number, cursor?: string): Promise<SearchResult> {
  const plan = planSearch(query, lookupPartition, monthsNewestFirst);
  const accept = (c: CaseRecord) => matchesQuery(query, c);
  if (plan.kind === 'case') {
    if (cursor) return { status: 'bad_cursor' };
    const found = await deps.cases.get(caseIdFor(plan.requestId));
    return { status: 'ok', rows: found && accept(found) ? [caseRow(found)] : [] };
  }
  const fingerprint = queryFingerprint(query);
  const start = cursor === undefined ? undefined : decodeCursor(cursor, fingerprint, plan.partitions.length);
  if (start === null) return { status: 'bad_cursor' };
  const page = await deps.search.page(plan, accept, limit, start);
  return { status: 'ok', rows: page.cases.map(caseRow), ...(page.next ? { nextCursor: encodeCursor(page.next, fingerprint) } : {}) };
}

/** Every page of the query from `cursor` on, up to EXPORT_CAP rows; `truncated` when more matched. */
export async function exportCases(deps: SearchDeps, query: CaseQuery, cursor?: string): Promise<{ status: 'ok'; rows: CaseRow[]; truncated: boolean } | { status: 'bad_cursor' }> {
  const rows: CaseRow[] = [];
  let next = cursor;
  do {
    const page = await searchCases(deps, query, Math.min(MAX_LIMIT, EXPORT_CAP + 1 - rows.length), next);
    if (page.status !== 'ok') return page;
    rows.push(...page.rows);
    next = page.nextCursor;
  } while (next && rows.length <= EXPORT_CAP);
  return { status: 'ok', rows: rows.slice(0, EXPORT_CAP), truncated: rows.length > EXPORT_CAP };
}

/** Opaque to clients: base64url JSON of the position and the query it belongs to. */
function encodeCursor(position: SearchPosition, fingerprint: string): string {
  const a = position.after;
  return Buffer.from(JSON.stringify({ q: fingerprint, p: position.partition, ...(a ? { s: a.sortKey, k: a.pk, t: a.sk } : {}) })).toString('base64url');
}

const CASE_PK = /^CASE#AS-[0-9A-HJKMNP-TV-Z]{12}$/;
const INDEXED_SK = /^(CASE|CASE#FACTS|LOOKUP#(ORDER|CUSTOMER|MONTH|TYPE))$/;

/** The position a cursor names, or null when it is not one this query handed out (tampered, stale, another query). */
function decodeCursor(cursor: string, fingerprint: string, partitions: number): SearchPosition | null {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  const { q, p, s, k, t } = parsed ?? {};
  if (q !== fingerprint || !Number.isInteger(p) || (p as number) < 0 || (p as number) >= partitions) return null;
  if (s === undefined && k === undefined && t === undefined) return { partition: p as number };
  if (typeof s !== 'string' || s.length > 300 || typeof k !== 'string' || !CASE_PK.test(k) || typeof t !== 'string' || !INDEXED_SK.test(t)) return null;
  return { partition: p as number, after: { sortKey: s, pk: k, sk: t } };
}

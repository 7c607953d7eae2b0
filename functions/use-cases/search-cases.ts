import type { CaseRepository } from './ports.js';
import { lookupPartition, monthsNewestFirst } from '../adapters/case-index.js';
import type { CaseSearch, SearchPosition } from '../adapters/case-search.js';
import type { CaseRecord } from '../domain/case-record.js';
import { caseIdFor } from '../domain/case-id.js';
import { MAX_LIMIT, matchesQuery, planSearch, queryFingerprint, type CaseQuery, type SearchPlan } from '../domain/case-search.js';

export interface SearchDeps {
  cases: Pick<CaseRepository, 'get'>;
  search: Pick<CaseSearch, 'page'>;
}

/** The rows a search answers with: enough to pick a case, nothing personal. */
export const ROW_FIELDS = ['caseId', 'type', 'status', 'outcome', 'orderId', 'requestId', 'customerId', 'createdAt', 'priority', 'assignee', 'dueAt'] as const;
/**
 * The console's rows: the API's, and the case's market (absent on a case from before markets), whose zone the console
 * shows the row's times in. Neither the API's rows nor the CSV columns change.
 */
export const CONSOLE_ROW_FIELDS = [...ROW_FIELDS, 'market'] as const;
export type CaseRow = Partial<Record<(typeof CONSOLE_ROW_FIELDS)[number], string | number>>;

export function caseRow(c: CaseRecord, fields: readonly (typeof CONSOLE_ROW_FIELDS)[number][] = ROW_FIELDS): CaseRow {
  return Object.fromEntries(fields.filter((field) => c[field] !== undefined).map((field) => [field, c[field] as string | number]));
}

/** Rows a CSV export holds at most; past it the answer says it was cut (docs/operations.md). */
export const EXPORT_CAP = 5000;
/**
 * Index entries (case reads) a CSV export makes at most, whatever the filter drops: a rare status over a long window
 * otherwise reads every case in it in one request (past the function's 20 s at about 45,000 cases). Past it the
 * export stops at a page's end, says it was cut, and hands the cursor to go on from (docs/operations.md).
 */
export const EXPORT_READ_CAP = 10_000;

export type SearchResult = { status: 'ok'; rows: CaseRow[]; nextCursor?: string; read: number } | { status: 'bad_cursor' };
export type ExportResult = { status: 'ok'; rows: CaseRow[]; truncated: boolean; nextCursor?: string } | { status: 'bad_cursor' };

/**
 * One page of cases matching the query; `cursor` is the previous page's `nextCursor`; `until` one to end at
 * (exportCases); `fields` the rows' fields (the API's unless given).
 */
export async function searchCases(
  deps: SearchDeps,
  query: CaseQuery,
  limit: number,
  cursor?: string,
  until?: string,
  fields: readonly (typeof CONSOLE_ROW_FIELDS)[number][] = ROW_FIELDS,
): Promise<SearchResult> {
  const rowOf = (c: CaseRecord) => caseRow(c, fields);
  const plan = planSearch(query, lookupPartition, monthsNewestFirst);
  const accept = (c: CaseRecord) => matchesQuery(query, c);
  if (plan.kind === 'case') {
    if (cursor || until) return { status: 'bad_cursor' };
    const found = await deps.cases.get(caseIdFor(plan.requestId));
    return { status: 'ok', rows: found && accept(found) ? [rowOf(found)] : [], read: 1 };
  }
  const fingerprint = queryFingerprint(query);
  const start = cursor === undefined ? undefined : decodeCursor(cursor, fingerprint, plan);
  const end = until === undefined ? undefined : decodeCursor(until, fingerprint, plan);
  if (start === null || end === null || (start && end && isPast(start, end, plan))) return { status: 'bad_cursor' };
  const page = await deps.search.page(plan, accept, limit, start, end);
  return { status: 'ok', rows: page.cases.map(rowOf), read: page.read, ...(page.next ? { nextCursor: encodeCursor(page.next, fingerprint) } : {}) };
}

/** What bounds one export: rows it holds and index entries it reads (tests give small ones). */
export interface ExportCaps {
  rows: number;
  reads: number;
}
export const EXPORT_CAPS: ExportCaps = { rows: EXPORT_CAP, reads: EXPORT_READ_CAP };

/**
 * Every page of the query from `cursor` on, up to EXPORT_CAP rows and EXPORT_READ_CAP index entries read. `truncated`
 * when more matched (past the rows: no cursor, narrow the query) or when the reads stopped it (`nextCursor`: go on).
 * With `until` (the `nextCursor` an earlier export of the same query answered) it reads up to that position, cases
 * added meanwhile included, so a part downloaded again ends where the next part starts: no row twice, none left out.
 * Its reads are still bounded (twice the cap): an `until` far beyond one part's reads stops like a cut export.
 */
export async function exportCases(deps: SearchDeps, query: CaseQuery, cursor?: string, options: { until?: string; caps?: ExportCaps } = {}): Promise<ExportResult> {
  const caps = options.caps ?? EXPORT_CAPS;
  const rows: CaseRow[] = [];
  let next = cursor;
  let read = 0;
  do {
    const page = await searchCases(deps, query, Math.min(MAX_LIMIT, caps.rows + 1 - rows.length), next, options.until);
    if (page.status !== 'ok') return page;
    rows.push(...page.rows);
    read += page.read;
    next = page.nextCursor;
  } while (next && rows.length <= caps.rows && read < (options.until === undefined ? 1 : 2) * caps.reads);
  if (rows.length > caps.rows) return { status: 'ok', rows: rows.slice(0, caps.rows), truncated: true };
  return { status: 'ok', rows, truncated: next !== undefined, ...(next ? { nextCursor: next } : {}) };
}

/** Opaque to clients: base64url JSON of the position and the query it belongs to. */
function encodeCursor(position: SearchPosition, fingerprint: string): string {
  const a = position.after;
  return Buffer.from(JSON.stringify({ q: fingerprint, p: position.partition, ...(a ? { s: a.sortKey, k: a.pk, t: a.sk } : {}) })).toString('base64url');
}

const CASE_PK = /^CASE#AS-[0-9A-HJKMNP-TV-Z]{12}$/;
const INDEXED_SK = /^(CASE|CASE#FACTS|LOOKUP#(ORDER|CUSTOMER|MONTH|TYPE))$/;

/**
 * The position a cursor names, or null when it is not one this query handed out (tampered, stale, another query). Its
 * entry must lie in the plan's days: the index query takes it as its start or end, and DynamoDB refuses one outside.
 */
function decodeCursor(cursor: string, fingerprint: string, plan: Extract<SearchPlan, { kind: 'index' }>): SearchPosition | null {
  const partitions = plan.partitions.length;
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
  if (plan.range && (s < plan.range.from || s > plan.range.to)) return null;
  return { partition: p as number, after: { sortKey: s, pk: k, sk: t } };
}

/** Whether `start` lies beyond `end` in the plan's reading order (a crafted pair: the index query would be refused). */
function isPast(start: SearchPosition, end: SearchPosition, plan: Extract<SearchPlan, { kind: 'index' }>): boolean {
  if (start.partition !== end.partition || !start.after || !end.after) return start.partition > end.partition;
  return plan.newestFirst ? start.after.sortKey < end.after.sortKey : start.after.sortKey > end.after.sortKey;
}

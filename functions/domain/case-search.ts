import { createHash } from 'node:crypto';
import { CASE_STATUSES, CASE_TYPES, type CaseStatus, type CaseType } from './case.js';
import { isListedStatus, statusPartition } from './status-index.js';
import { addCalendarDays, endOfLocalDay, localDateOf } from './working-days.js';

/**
 * Operators' case search (`GET /ops/cases?…`, docs/operations.md "Finding cases and the review queue"): the query,
 * which index answers it, and the filter the other parameters become. Pure: the adapter runs the plan.
 */
export interface CaseQuery {
  orderId?: string;
  requestId?: string;
  customerId?: string;
  status?: CaseStatus;
  type?: CaseType;
  assignee?: string;
  /** Local days (market zone), inclusive, and the instants they span: [fromInstant, toInstant). */
  from?: string;
  to?: string;
  fromInstant?: string;
  toInstant?: string;
}

export interface SearchRequest {
  query: CaseQuery;
  limit: number;
  cursor?: string;
  csv: boolean;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;
export const MAX_SEARCH_DAYS = 366;
/**
 * Without from/to, a search answered month by month (a type, `closed`, or dates alone, with no order, customer, assignee
 * or request id) looks back this many days.
 */
export const DEFAULT_TYPE_WINDOW_DAYS = 366;
/**
 * Without from/to, a search by a status the status index does not list, other than `closed`, looks back this many
 * days: such statuses are rare among a month's cases (transient or waiting ones), so most entries read are filtered
 * out; a month keeps a page's reads near its rows. `closed` is where most cases end: dense, so it keeps the year.
 */
export const DEFAULT_UNLISTED_STATUS_WINDOW_DAYS = 31;

const KEYS = ['orderId', 'requestId', 'customerId', 'status', 'type', 'assignee', 'from', 'to'] as const;
const CONTROL = ['limit', 'cursor', 'format'] as const;
/** Ids as the order platform and the operators' directory spell them: no spaces, no control characters. */
const ID = /^[\x21-\x7e\u00a0-\uffff]{1,128}$/u;
const isDay = (value: string) => {
  const time = Date.parse(`${value}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
};

export const SEARCH_USAGE =
  `Use one or more of orderId=, requestId=, customerId=, status=${CASE_STATUSES.join('|')}, type=${CASE_TYPES.join('|')}, ` +
  `assignee=, from=YYYY-MM-DD&to=YYYY-MM-DD (local days, from ≤ to, at most ${MAX_SEARCH_DAYS} days), with limit=1..${MAX_LIMIT} ` +
  '(default 50), cursor= (from the previous page) and format=csv; or sla=due_soon|breached|unknown|paused for the SLA lists.';

/** The search a query string asks for, or what is wrong with it. `timeZone` is the market's: days are its days. */
export function parseCaseSearch(params: URLSearchParams, timeZone: string, now: Date): SearchRequest | { error: string } {
  for (const name of new Set(params.keys())) {
    if (![...KEYS, ...CONTROL].includes(name as never)) return { error: `unknown parameter ${name}` };
    if (params.getAll(name).length > 1) return { error: `${name} given more than once` };
  }
  const query: CaseQuery = {};
  for (const name of ['orderId', 'requestId', 'customerId', 'assignee'] as const) {
    const value = params.get(name);
    if (value === null) continue;
    if (!ID.test(value)) return { error: `${name} must be 1-128 characters without spaces` };
    query[name] = value;
  }
  const status = params.get('status');
  if (status !== null) {
    if (!(CASE_STATUSES as readonly string[]).includes(status)) return { error: 'status is not a case status' };
    query.status = status as CaseStatus;
  }
  const type = params.get('type');
  if (type !== null) {
    if (!(CASE_TYPES as readonly string[]).includes(type)) return { error: 'type is not a case type' };
    query.type = type as CaseType;
  }
  const from = params.get('from');
  const to = params.get('to');
  if (from !== null || to !== null) {
    if (from === null || to === null || !isDay(from) || !isDay(to)) return { error: 'from and to must both be real days, YYYY-MM-DD' };
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    if (days < 1 || days > MAX_SEARCH_DAYS) return { error: `from must not be after to, and the range at most ${MAX_SEARCH_DAYS} days` };
    Object.assign(query, { from, to, ...dayInstants(from, to, timeZone) });
  }
  if (!KEYS.some((name) => query[name] !== undefined)) return { error: 'no search parameter' };
  if (byMonth(query) && !query.from) {
    // A type or an unlisted status on its own reads months of the lookup index: bounded to the last year (an unlisted
    // status other than closed: the last 31 days), and said so in the answer (its `query` shows from and to).
    const today = localDateOf(now, timeZone);
    const sparse = query.status !== undefined && query.status !== 'closed';
    const start = addCalendarDays(today, -((sparse ? DEFAULT_UNLISTED_STATUS_WINDOW_DAYS : DEFAULT_TYPE_WINDOW_DAYS) - 1));
    Object.assign(query, { from: start, to: today, ...dayInstants(start, today, timeZone) });
  }

  const limitText = params.get('limit');
  const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
  if (!/^\d+$/.test(limitText ?? '1') || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return { error: `limit must be 1..${MAX_LIMIT}` };
  const format = params.get('format');
  if (format !== null && format !== 'csv' && format !== 'json') return { error: 'format must be csv or json' };
  const cursor = params.get('cursor');
  return { query, limit, ...(cursor ? { cursor } : {}), csv: format === 'csv' };
}

const hasKeyParameter = (q: CaseQuery) => Boolean(q.requestId || q.orderId || q.customerId || q.assignee);
const listedStatusQuery = (q: CaseQuery) => q.status !== undefined && isListedStatus(q.status);
/** Whether the query is answered month by month (the lookup index's month or type-and-month partitions). */
const byMonth = (q: CaseQuery) => !hasKeyParameter(q) && !listedStatusQuery(q);

function dayInstants(from: string, to: string, timeZone: string) {
  return {
    fromInstant: new Date(endOfLocalDay(addCalendarDays(from, -1), timeZone).getTime() + 1).toISOString(),
    toInstant: new Date(endOfLocalDay(to, timeZone).getTime() + 1).toISOString(),
  };
}

/**
 * Which index answers the query, most selective first: the request id names the case itself; then order, customer,
 * assignee (lookup index), a listed status (status index), type by month, months. The other parameters filter what it
 * returns. A status the status index does not list (domain/status-index.ts) is such a filter: its cases are read month
 * by month over the query's days, each once (one month entry per case), whatever status index keys items written by
 * earlier releases still carry.
 */
export type SearchPlan =
  | { kind: 'case'; requestId: string }
  | { kind: 'index'; index: 'status' | 'lookup'; partitions: string[]; newestFirst: boolean; range?: { from: string; to: string } };

export function planSearch(
  q: CaseQuery,
  partitions: { order(id: string): string; customer(id: string): string; assignee(name: string): string; month(m: string): string; typeMonth(t: string, m: string): string },
  months: (from: string, to: string) => string[],
): SearchPlan {
  if (q.requestId) return { kind: 'case', requestId: q.requestId };
  const lookup = (partition: string[], range?: { from: string; to: string }) => ({
    kind: 'index' as const,
    index: 'lookup' as const,
    partitions: partition,
    newestFirst: true,
    ...(range ? { range } : {}),
  });
  if (q.orderId) return lookup([partitions.order(q.orderId)]);
  if (q.customerId) return lookup([partitions.customer(q.customerId)]);
  if (q.assignee) return lookup([partitions.assignee(q.assignee)]);
  // The status index keeps its own order (reviews: the queue's; other statuses: oldest first).
  if (q.status && isListedStatus(q.status)) return { kind: 'index', index: 'status', partitions: [statusPartition(q.status)], newestFirst: false };
  const range = { from: q.fromInstant!, to: q.toInstant! };
  const spanned = months(range.from, range.to);
  return lookup(q.type ? spanned.map((m) => partitions.typeMonth(q.type!, m)) : spanned.map(partitions.month), range);
}

/** Whether a case satisfies every parameter of the query (the index answered one of them). */
export function matchesQuery(
  q: CaseQuery,
  c: { requestId: string; orderId: string; customerId: string; status: string; type: string; assignee?: string; createdAt: string },
): boolean {
  return (
    (q.requestId === undefined || c.requestId === q.requestId) &&
    (q.orderId === undefined || c.orderId === q.orderId) &&
    (q.customerId === undefined || c.customerId === q.customerId) &&
    (q.status === undefined || c.status === q.status) &&
    (q.type === undefined || c.type === q.type) &&
    (q.assignee === undefined || c.assignee === q.assignee) &&
    (q.fromInstant === undefined || (c.createdAt >= q.fromInstant && c.createdAt < q.toInstant!))
  );
}

/** A short fingerprint of the query, carried in its cursors so a cursor is never applied to another query. */
export function queryFingerprint(q: CaseQuery): string {
  const canonical = JSON.stringify(KEYS.map((name) => q[name] ?? null));
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

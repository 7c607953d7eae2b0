import { CASE_STATUSES, CASE_TYPES } from '../../domain/case.js';
import type { CaseRow } from '../../use-cases/search-cases.js';
import { caseLink, consolePage, escapeHtml, marketCell, notice, table, TEXT, timeHtml, type ConsoleContext } from './layout.js';

/** The search form's fields, in the API's parameter names (functions/domain/case-search.ts). */
export const SEARCH_FIELDS = ['orderId', 'requestId', 'customerId', 'status', 'type', 'from', 'to'] as const;

export interface SearchPageInput {
  /** What was asked (empty fields left out). */
  params: URLSearchParams;
  rows?: CaseRow[];
  nextCursor?: string;
  /** Why the query was refused (the search's own message). */
  problem?: string;
}

/** Search by order, request, customer, status, type and days, with the CSV export of the same query. */
export function searchPage(ctx: ConsoleContext, input: SearchPageInput): string {
  const t = TEXT[ctx.locale].search;
  const value = (name: string) => escapeHtml(input.params.get(name) ?? '');
  const choice = (name: string, options: readonly string[]) =>
    `<select id="s-${name}" name="${name}"><option value="">${escapeHtml(t.any)}</option>${options
      .map((o) => `<option value="${o}"${input.params.get(name) === o ? ' selected' : ''}>${escapeHtml(o)}</option>`)
      .join('')}</select>`;
  const controls = SEARCH_FIELDS.map((name) => {
    const control =
      name === 'status'
        ? choice(name, CASE_STATUSES)
        : name === 'type'
          ? choice(name, CASE_TYPES)
          : `<input id="s-${name}" name="${name}" value="${value(name)}"${name === 'from' || name === 'to' ? ' type="date"' : ''}>`;
    return `<div><label for="s-${name}">${escapeHtml(t.fields[name])}</label>${control}</div>`;
  }).join('');
  const query = new URLSearchParams([...input.params].filter(([k]) => k !== 'cursor')).toString();
  const results = input.problem
    ? `<p role="alert" class="error">${escapeHtml(input.problem)}</p>`
    : input.rows
      ? // No `download` attribute: a cut export answers a page saying so (exportPartPage), which a download would hide.
        // Eleven columns: set tighter (results) so the Due column fits a 1280 px screen beside the case id on one line.
        `<p><a href="/console/search.csv?${escapeHtml(query)}">${escapeHtml(t.csv)}</a></p><div class="results">${table(
          t.cols,
          input.rows.map((r) => rowCells(ctx, r)),
          t.empty,
        )}</div>${input.nextCursor ? `<p><a href="/console/search?${escapeHtml(`${query}&cursor=${encodeURIComponent(input.nextCursor)}`)}">${escapeHtml(t.next)}</a></p>` : ''}`
      : `<p class="muted">${escapeHtml(t.hint)}</p>`;
  // Which days From / To mean (the default market's, as the ops API's search), and that each row shows its own zone.
  const home = ctx.zoneOf(undefined);
  const days = `<p class="muted">${escapeHtml(t.days.replace('{zone}', home.timeZone).replace('{market}', home.market))}</p>`;
  return consolePage(
    ctx,
    'search',
    t.title,
    `<h1>${escapeHtml(t.title)}</h1><form method="get" action="/console/search" class="card search">${controls}<div><button type="submit">${escapeHtml(t.submit)}</button></div></form>${days}${results}`,
  );
}

/** A result row: its times in its case's market's zone, the market in its own column. */
function rowCells(ctx: ConsoleContext, r: CaseRow): string[] {
  const zone = ctx.zoneOf(typeof r.market === 'string' ? r.market : undefined);
  return [
    caseLink(String(r.caseId)),
    escapeHtml(String(r.type ?? '')),
    escapeHtml(String(r.status ?? '')),
    escapeHtml(String(r.outcome ?? '')),
    escapeHtml(String(r.orderId ?? '')),
    escapeHtml(String(r.customerId ?? '')),
    marketCell(zone),
    timeHtml(ctx, r.createdAt as string | undefined, zone.timeZone),
    escapeHtml(String(r.priority ?? '')),
    escapeHtml(String(r.assignee ?? '')),
    timeHtml(ctx, r.dueAt as string | undefined, zone.timeZone),
  ];
}

/** The name of an export part's file: parts of one search are told apart, and sort in their order up to part 9. */
export const exportPartFile = (part: number) => `cases-part-${part}.csv`;

export interface ExportPartInput {
  /** The search's own fields (no cursor). */
  params: URLSearchParams;
  /** Where this part starts (absent: the search's beginning) and its number, 1 for the first. */
  cursor?: string;
  part: number;
  rows: number;
  /** Where this part stopped: `reads` after its share of cases looked at (`nextCursor` goes on), `rows` at the cap, `end` the last part. */
  stop: { kind: 'reads'; nextCursor: string } | { kind: 'rows' } | { kind: 'end' };
  caps: { rows: number; reads: number };
}

/**
 * What a cut CSV export answers instead of a file nobody would know is cut: how many rows this part holds and why it
 * stopped, the link to its file (`part` and `file=1`; `until` ends it where the next part starts) and to the next part.
 */
export function exportPartPage(ctx: ConsoleContext, input: ExportPartInput): string {
  const t = TEXT[ctx.locale].exportParts;
  const number = new Intl.NumberFormat(ctx.locale);
  const fill = (text: string, part = input.part) =>
    text
      .replaceAll('{part}', String(part))
      .replaceAll('{rows}', (input.rows === 1 ? t.oneRow : t.rows).replaceAll('{n}', number.format(input.rows)))
      .replaceAll('{cap}', number.format(input.caps.rows))
      .replaceAll('{reads}', number.format(input.caps.reads))
      .replaceAll('{file}', exportPartFile(input.part));
  const link = (extra: Record<string, string | undefined>) => {
    const query = new URLSearchParams(input.params);
    for (const [name, value] of Object.entries(extra)) if (value !== undefined) query.set(name, value);
    return `/console/search.csv?${escapeHtml(query.toString())}`;
  };
  const stop = input.stop;
  const file = link({ cursor: input.cursor, part: String(input.part), file: '1', until: stop.kind === 'reads' ? stop.nextCursor : undefined });
  const next = stop.kind === 'reads' ? `<p><a href="${link({ cursor: stop.nextCursor, part: String(input.part + 1) })}">${escapeHtml(fill(t.next, input.part + 1))}</a></p>` : '';
  const why = stop.kind === 'reads' ? t.readCap : stop.kind === 'rows' ? t.rowCap : t.last;
  return consolePage(
    ctx,
    'search',
    t.title,
    // More parts to come is what to do next, not an error; a search cut at the rows leaves cases out: a caution.
    `<h1>${escapeHtml(t.title)}</h1>${notice(stop.kind === 'end' ? 'done' : stop.kind === 'reads' ? 'info' : 'caution', fill(why))}` +
      `<p><a href="${file}">${escapeHtml(fill(t.download))}</a></p>${next}<p><a href="/console/search?${escapeHtml(input.params.toString())}">${escapeHtml(t.back)}</a></p>`,
  );
}

import { CASE_STATUSES, CASE_TYPES } from '../../domain/case.js';
import type { CaseRow } from '../../use-cases/search-cases.js';
import { caseLink, consolePage, escapeHtml, table, TEXT, when, type ConsoleContext } from './layout.js';

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
      ? `<p><a href="/console/search.csv?${escapeHtml(query)}" download>${escapeHtml(t.csv)}</a></p>${table(
          t.cols,
          input.rows.map((r) => [
            caseLink(String(r.caseId)),
            escapeHtml(String(r.type ?? '')),
            escapeHtml(String(r.status ?? '')),
            escapeHtml(String(r.outcome ?? '')),
            escapeHtml(String(r.orderId ?? '')),
            escapeHtml(String(r.customerId ?? '')),
            escapeHtml(when(ctx, r.createdAt as string | undefined)),
            escapeHtml(String(r.priority ?? '')),
            escapeHtml(String(r.assignee ?? '')),
            escapeHtml(when(ctx, r.dueAt as string | undefined)),
          ]),
          t.empty,
        )}${input.nextCursor ? `<p><a href="/console/search?${escapeHtml(`${query}&cursor=${encodeURIComponent(input.nextCursor)}`)}">${escapeHtml(t.next)}</a></p>` : ''}`
      : `<p class="muted">${escapeHtml(t.hint)}</p>`;
  return consolePage(
    ctx,
    'search',
    t.title,
    `<h1>${escapeHtml(t.title)}</h1><form method="get" action="/console/search" class="card search">${controls}<div><button type="submit">${escapeHtml(t.submit)}</button></div></form><h2 class="muted">&nbsp;</h2>${results}`,
  );
}

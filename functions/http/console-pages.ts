import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AccessLog } from '../adapters/access-log.js';
import type { CaseSearch } from '../adapters/case-search.js';
import type { FollowUpStore } from '../adapters/follow-up-store.js';
import type { LedgerStore } from '../adapters/ledger-store.js';
import type { AlertPort, CaseRepository, SlaPort } from '../use-cases/ports.js';
import type { SatisfactionStore } from '../adapters/satisfaction-store.js';
import { CASE_ID_PATTERN } from '../domain/case-id.js';
import { parseCaseSearch, type CaseQuery } from '../domain/case-search.js';
import { toCsv } from '../domain/csv.js';
import { localDateOf } from '../domain/working-days.js';
import { readCaseAndMarket, reviewListEntry } from '../use-cases/case-report.js';
import { CONSOLE_ROW_FIELDS, EXPORT_CAPS, exportCases, ROW_FIELDS, searchCases, type ExportCaps } from '../use-cases/search-cases.js';
import { readFollowUps } from '../use-cases/read-follow-ups.js';
import { listSlaCases, slaListEntry } from '../use-cases/sla-list.js';
import { alertsPage, followUpsPage } from '../web/console/alerts.js';
import { casePage } from '../web/console/case.js';
import { CONSOLE_HEADERS, TEXT, type ConsoleContext } from '../web/console/layout.js';
import { queuePage } from '../web/console/queue.js';
import type { ReportDeps } from '../web/reports-page.js';
import { exportPartFile, exportPartPage, SEARCH_FIELDS, searchPage } from '../web/console/search.js';
import { signInProblemPage } from '../web/console/sign-in.js';
import { SLA_BOARD_LISTS, slaPage } from '../web/console/sla.js';

export interface PageDeps {
  cases: CaseRepository;
  search: CaseSearch;
  accessLog: AccessLog;
  sla: SlaPort;
  alerts: AlertPort;
  followUps: FollowUpStore;
  satisfaction: SatisfactionStore;
  ledger: LedgerStore;
  /** The report counters and the policy's service limits the reports measure against. */
  reports: ReportDeps['reports'];
  policy: ReportDeps['policy'];
  /** Each market's service limits, for the resolution report per market. */
  markets: ReportDeps['markets'];
  /** The case's Step Functions executions, each with its link (AWS console or the local execution page). */
  executions: (caseId: string, disputeRounds: number) => Array<{ name: string; url: string }>;
  /** What bounds one CSV export; EXPORT_CAP rows and EXPORT_READ_CAP index entries unless given (tests give small ones). */
  exportCaps?: ExportCaps;
}

type Result = APIGatewayProxyStructuredResultV2;
const html = (statusCode: number, body: string): Result => ({ statusCode, headers: { ...CONSOLE_HEADERS }, body });
const CASE_VIEW_ROUTE = 'GET /console/cases/{caseId}';

/**
 * The console's pages, each from the use-case its JSON route uses (functions/http/ops-*-routes.ts, handlers/ops-api.ts):
 * the review queue, a case, search and its CSV, the SLA lists, alerts, follow-ups, reports.
 */
export async function renderPage(
  deps: PageDeps,
  ctx: ConsoleContext,
  _method: string,
  path: string,
  query: URLSearchParams,
  message?: { kind: 'done' | 'error'; text: string },
): Promise<Result> {
  const t = TEXT[ctx.locale];
  const done = query.get('done');
  // Own keys only: `in` also finds Object.prototype's (done=constructor gave a function to escape, and a 500).
  const doneText = done && Object.hasOwn(t.done, done) ? { kind: 'done' as const, text: t.done[done as keyof typeof t.done] } : undefined;

  if (path === '/console') {
    const pending = await deps.cases.listByStatus('awaiting_review', 100);
    // Each with its case's market: the queue shows every case's times in its own market's zone.
    return html(
      200,
      queuePage(
        ctx,
        pending.map((c) => ({ ...reviewListEntry(c), market: c.market })),
        message ?? doneText,
      ),
    );
  }
  const caseId = /^\/console\/cases\/([^/]+)$/.exec(path)?.[1];
  if (caseId !== undefined) {
    const read = CASE_ID_PATTERN.test(caseId) ? await readCaseAndMarket(deps, caseId, ctx.operator, CASE_VIEW_ROUTE, ctx.now) : undefined;
    if (!read) return html(404, signInProblemPage(ctx.locale, t.case.notFound));
    const { report: view, market } = read;
    return html(
      200,
      casePage(ctx, {
        view,
        ...(market ? { market } : {}),
        executions: deps.executions(caseId, view.dispute?.count ?? 0),
        ...((message ?? doneText) ? { message: message ?? doneText } : {}),
      }),
    );
  }
  if (path === '/console/search' || path === '/console/search.csv') return search(deps, ctx, query, path.endsWith('.csv'));
  if (path === '/console/sla') {
    const lists = await Promise.all(SLA_BOARD_LISTS.map((state) => listSlaCases(deps.sla, state)));
    const rows = lists.map((cases) => cases.map((c) => ({ ...slaListEntry(c), market: c.market })));
    return html(200, slaPage(ctx, Object.fromEntries(SLA_BOARD_LISTS.map((state, i) => [state, rows[i]!])) as Parameters<typeof slaPage>[1]));
  }
  if (path === '/console/alerts') return html(200, alertsPage(ctx, await deps.alerts.recent(100)));
  if (path === '/console/follow-ups') return html(200, followUpsPage(ctx, await withMarkets(deps, await readFollowUps(deps, ctx.operator, 'GET /console/follow-ups', ctx.now))));
  return reports(deps, ctx, query);
}

async function search(deps: PageDeps, ctx: ConsoleContext, query: URLSearchParams, csv: boolean): Promise<Result> {
  // Empty form fields are no parameter; only the search's own parameters pass.
  const params = new URLSearchParams([...query].filter(([k, v]) => v.trim() !== '' && ([...SEARCH_FIELDS, 'cursor'] as string[]).includes(k)));
  if ([...params.keys()].filter((k) => k !== 'cursor').length === 0) return html(200, searchPage(ctx, { params }));
  const parsed = parseCaseSearch(params, ctx.timeZone, ctx.now);
  if ('error' in parsed) return html(400, searchPage(ctx, { params, problem: parsed.error }));
  if (csv) return exportCsv(deps, ctx, params, parsed, query);
  const result = await searchCases(deps, parsed.query, parsed.limit, parsed.cursor, undefined, CONSOLE_ROW_FIELDS);
  if (result.status === 'bad_cursor') return html(400, searchPage(ctx, { params, problem: 'cursor does not belong to this query' }));
  return html(200, searchPage(ctx, { params, rows: result.rows, ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) }));
}

/**
 * The search's CSV. A whole export is the file `cases.csv`, as always. A cut one is a page saying so (exportPartPage),
 * with a link to this part's file (`part=N&file=1`, with `until` where the next part starts) and to the next part
 * (`cursor` and `part=N+1`), which again answers a page; a part's file is `cases-part-N.csv`. No script needed.
 */
async function exportCsv(deps: PageDeps, ctx: ConsoleContext, params: URLSearchParams, parsed: { query: CaseQuery; cursor?: string }, query: URLSearchParams): Promise<Result> {
  const partText = query.get('part');
  const until = query.get('until') ?? undefined;
  const part = partText === null ? undefined : Number(partText);
  if (part !== undefined && !/^[1-9][0-9]{0,5}$/.test(partText!)) return html(400, searchPage(ctx, { params, problem: 'part must be a whole number from 1' }));
  // `file=1` asks for a part's file; any other value was a page taken for a file or the other way round: said, not guessed.
  const fileText = query.get('file');
  if (fileText !== null && fileText !== '1') return html(400, searchPage(ctx, { params, problem: TEXT[ctx.locale].exportParts.badFile }));
  const caps = deps.exportCaps ?? EXPORT_CAPS;
  const result = await exportCases(deps, parsed.query, parsed.cursor, { caps, ...(until ? { until } : {}) });
  if (result.status === 'bad_cursor') return html(400, searchPage(ctx, { params, problem: `${until ? 'cursor or until' : 'cursor'} does not belong to this query` }));
  const file = (name: string): Result => ({
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
      ...(result.truncated ? { 'x-truncated': 'true' } : {}),
      ...(result.nextCursor ? { 'x-next-cursor': result.nextCursor } : {}),
    },
    body: toCsv(ROW_FIELDS, result.rows),
  });
  if (part === undefined && !result.truncated) return file('cases.csv');
  // A part's file as its page announced it: a part cut at the rows, or one that reached its end (`until`, the last).
  // Cut where its link did not expect (cases added or changed since the page), it answers the page again, never a file.
  const asAnnounced = !result.nextCursor && !(until && result.truncated);
  if (part !== undefined && query.get('file') === '1' && asAnnounced) return file(exportPartFile(part));
  const stop = result.nextCursor ? { kind: 'reads' as const, nextCursor: result.nextCursor } : result.truncated ? { kind: 'rows' as const } : { kind: 'end' as const };
  // The days as the search took them: a search without dates looks back from today, and a cursor (or `until`) belongs
  // to those days only; a part opened after midnight must not become another search (a 400 halfway through the parts).
  const fields = new URLSearchParams([...params].filter(([k]) => k !== 'cursor'));
  if (parsed.query.from && parsed.query.to) for (const day of ['from', 'to'] as const) fields.set(day, parsed.query[day]!);
  return html(200, exportPartPage(ctx, { params: fields, ...(parsed.cursor ? { cursor: parsed.cursor } : {}), part: part ?? 1, rows: result.rows.length, stop, caps }));
}

/**
 * The follow-up tasks with their cases' markets (a task item has none): one batch read of the cases (100 at most), so
 * the page shows each opened time in its case's market's zone. A case from before markets has none: the default's.
 */
async function withMarkets(deps: PageDeps, tasks: Awaited<ReturnType<typeof readFollowUps>>) {
  if (tasks.length === 0) return tasks;
  const cases = await deps.sla.casesOf(tasks.map((task) => ({ caseId: task.caseId, at: task.openedAt })));
  return tasks.map((task) => {
    const market = cases.get(task.caseId)?.market;
    return market ? { ...task, market } : task;
  });
}

/**
 * Every report over local days (default: the last 30), from the counters; an invalid range shows why, with the form.
 * The reports' code (queries, charts, the page: ~25 KiB) is imported by the first report asked for, not at every cold
 * start: supervisors open it, most requests are the queue and cases.
 */
async function reports(deps: PageDeps, ctx: ConsoleContext, query: URLSearchParams): Promise<Result> {
  const [{ reportsPage }, { loadReports, reportRange }] = await Promise.all([import('../web/console/reports.js'), import('../web/reports-page.js')]);
  const range = reportRange(query, localDateOf(ctx.now, ctx.timeZone));
  if ('error' in range) return html(400, reportsPage(ctx, { problem: range.error }));
  return html(200, reportsPage(ctx, { reports: await loadReports(deps, range) }));
}

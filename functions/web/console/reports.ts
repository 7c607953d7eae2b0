import type { CostTotal } from '../../adapters/ledger-store.js';
import type { satisfactionReport } from '../../use-cases/satisfaction-report.js';
import { consolePage, escapeHtml, money, table, TEXT, type ConsoleContext } from './layout.js';

export type SatisfactionReport = Awaited<ReturnType<typeof satisfactionReport>>;

export interface ReportsPageInput {
  from: string;
  to: string;
  groupBy: string;
  groups: readonly string[];
  satisfaction?: SatisfactionReport;
  costs?: CostTotal[];
  problem?: string;
}

/**
 * Supervisors' reports as plain tables: satisfaction (GET /ops/reports/satisfaction) and compensation costs
 * (GET /ops/reports/costs) over a period, from the daily counters. A placeholder: the charts (functions/web/charts.ts,
 * reports-page.ts, branch `reports`) replace this body when the branches merge; the heading stays "Reports".
 */
export function reportsPage(ctx: ConsoleContext, input: ReportsPageInput): string {
  const t = TEXT[ctx.locale].reports;
  const num = (n: number | null | undefined) => (n === null || n === undefined ? '—' : String(n));
  const form = `<form method="get" action="/console/reports" class="card search">
<div><label for="r-from">${escapeHtml(TEXT[ctx.locale].search.fields.from)}</label><input id="r-from" type="date" name="from" value="${escapeHtml(input.from)}"></div>
<div><label for="r-to">${escapeHtml(TEXT[ctx.locale].search.fields.to)}</label><input id="r-to" type="date" name="to" value="${escapeHtml(input.to)}"></div>
<div><label for="r-group">${escapeHtml(t.groupBy)}</label><select id="r-group" name="groupBy">${input.groups.map((g) => `<option${g === input.groupBy ? ' selected' : ''}>${escapeHtml(g)}</option>`).join('')}</select></div>
<div><button type="submit">${escapeHtml(t.show)}</button></div></form>`;
  let body = '';
  if (input.problem) body = `<p role="alert" class="error">${escapeHtml(input.problem)}</p>`;
  if (input.satisfaction) {
    const s = input.satisfaction;
    const line = (key: string, l: SatisfactionReport['total']) => [
      escapeHtml(key),
      String(l.invited),
      String(l.answered),
      l.responseRate === null ? '—' : `${Math.round(l.responseRate * 100)}%`,
      num(l.averages.overall),
      num(l.averages.speed),
      num(l.averages.resolution),
      num(l.averages.attitude),
    ];
    const rows = s.total.invited > 0 ? [...s.groups.map((g) => line(g.key, g)), line(t.total, s.total)] : [];
    body += `<h2>${escapeHtml(t.satisfaction)}</h2>${table(t.satCols, rows, t.empty)}`;
  }
  if (input.costs) {
    const rows = input.costs.map((c) => [escapeHtml(c.key), escapeHtml(money(ctx, c.amount, c.currency))]);
    body += `<h2>${escapeHtml(t.costs)}</h2>${table(t.costCols, rows, t.empty)}`;
  }
  return consolePage(ctx, 'reports', t.title, `<h1>${escapeHtml(t.title)}</h1><p class="muted">${escapeHtml(t.period)}: ${escapeHtml(input.from)} – ${escapeHtml(input.to)}</p>${form}${body}`);
}

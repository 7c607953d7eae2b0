import { reportsPageBody, type ReportsPageInput } from '../reports-page.js';
import { consolePage, escapeHtml, TEXT, type ConsoleContext } from './layout.js';

/**
 * Supervisors' reports (GET /ops/reports/* as a page): case volume, resolution time against the service limit,
 * compensation cost, satisfaction and the carrier scorecard, as tables and inline SVG charts — the body is
 * functions/web/reports-page.ts, computed from the counters kept as events happen.
 */
export function reportsPage(ctx: ConsoleContext, input: ReportsPageInput): string {
  const t = TEXT[ctx.locale].reports;
  return consolePage(ctx, 'reports', t.title, `<h1>${escapeHtml(t.title)}</h1>${reportsPageBody(input, ctx.locale)}`);
}

import type { OpsAlert } from '../../adapters/ops-alerts.js';
import type { OpenFollowUp } from '../../adapters/follow-up-store.js';
import { caseLink, consolePage, escapeHtml, marketCell, table, TEXT, timeHtml, type ConsoleContext } from './layout.js';

/** Recent operator alerts, newest first (the same list as GET /ops/alerts). */
export function alertsPage(ctx: ConsoleContext, alerts: OpsAlert[]): string {
  const t = TEXT[ctx.locale].alerts;
  const rows = alerts.map((a) => [timeHtml(ctx, a.at), escapeHtml(a.kind), a.caseId ? caseLink(a.caseId) : '—', escapeHtml(a.message)]);
  return consolePage(ctx, 'alerts', t.title, `<h1>${escapeHtml(t.title)}</h1>${table(t.cols, rows, t.empty)}`);
}

/**
 * Open follow-up tasks from low survey scores, oldest first: whom to call back (through the order platform's customer
 * record), each opened time in its case's market's zone (`market` absent: the case is from before markets).
 */
export function followUpsPage(ctx: ConsoleContext, tasks: Array<OpenFollowUp & { market?: string }>): string {
  const t = TEXT[ctx.locale].followUps;
  const rows = tasks.map((f) => [
    timeHtml(ctx, f.openedAt, ctx.zoneOf(f.market).timeZone),
    caseLink(f.caseId),
    marketCell(ctx.zoneOf(f.market)),
    `<span class="${f.overall <= 2 ? 'late' : 'warn'}">${f.overall}</span>`,
    escapeHtml(f.caseType),
    escapeHtml(f.orderId),
    escapeHtml(f.customerId),
    escapeHtml(f.comment ?? ''),
  ]);
  return consolePage(ctx, 'followUps', t.title, `<h1>${escapeHtml(t.title)}</h1>${table(t.cols, rows, t.empty)}`);
}

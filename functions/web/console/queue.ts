import type { reviewListEntry } from '../../use-cases/case-report.js';
import { caseLink, consolePage, csrfField, duration, escapeHtml, marketCell, money, notice, table, TEXT, timeHtml, type ConsoleContext } from './layout.js';

/** A review list entry and its case's market (absent on a case from before markets), whose zone its times are in. */
export type QueueRow = ReturnType<typeof reviewListEntry> & { market?: string };

/**
 * How close a review is to its target, as a colour class and words: on time, reminder sent, past the escalation target;
 * a service clock due soon or breached colours it too.
 */
export function reviewUrgency(
  row: Pick<QueueRow, 'reminderAt' | 'escalateAt' | 'escalated' | 'slaState'>,
  now: Date,
): { css: 'ok' | 'warn' | 'late'; key: 'ok' | 'reminded' | 'late' | 'due_soon' | 'breached' } {
  if (row.escalated || (row.escalateAt && Date.parse(row.escalateAt) <= now.getTime())) return { css: 'late', key: 'late' };
  if (row.slaState === 'breached') return { css: 'late', key: 'breached' };
  if (row.reminderAt && Date.parse(row.reminderAt) <= now.getTime()) return { css: 'warn', key: 'reminded' };
  if (row.slaState === 'due_soon') return { css: 'warn', key: 'due_soon' };
  return { css: 'ok', key: 'ok' };
}

/** The review queue: highest priority first (the queue's own order), with a Claim button for agents and supervisors. */
export function queuePage(ctx: ConsoleContext, rows: QueueRow[], message?: { kind: 'done' | 'error'; text: string }): string {
  const t = TEXT[ctx.locale];
  const mayClaim = ctx.operator.role !== 'viewer';
  const body = rows.map((row) => {
    const urgency = reviewUrgency(row, ctx.now);
    const zone = ctx.zoneOf(row.market);
    const flags = [row.escalated ? t.queue.escalated : '', row.dispute > 0 ? t.queue.disputed : '', row.proposal ? t.queue.proposal : ''].filter(Boolean);
    const claim =
      mayClaim && row.assignee !== ctx.operator.name && (row.assignee === undefined || ctx.operator.role === 'supervisor')
        ? `<form method="post" action="/console/cases/${encodeURIComponent(row.caseId)}/claim" class="inline">${csrfField(ctx)}<input type="hidden" name="back" value="queue"><button type="submit">${escapeHtml(t.queue.claim)}</button></form>`
        : '';
    return [
      `${caseLink(row.caseId)}${flags.map((f) => ` <span class="badge warn">${escapeHtml(f)}</span>`).join('')}`,
      `${row.priority} <span class="muted">${escapeHtml(row.priorityBand ?? '')}</span>`,
      escapeHtml(row.type),
      marketCell(zone),
      escapeHtml(money(ctx, row.value, row.currency)),
      escapeHtml(row.openedAt ? duration(ctx.locale, ctx.now.getTime() - Date.parse(row.openedAt)) : '—'),
      `<span class="${urgency.css}">${timeHtml(ctx, row.escalateAt, zone.timeZone)} <span class="badge">${escapeHtml(t.sla[urgency.key])}</span></span>`,
      escapeHtml(row.assignee ?? '—'),
      claim,
    ];
  });
  return consolePage(
    ctx,
    'queue',
    t.queue.title,
    `<h1>${escapeHtml(t.queue.title)}</h1>${message ? notice(message.kind, message.text) : ''}${table(t.queue.cols, body, t.queue.empty)}`,
  );
}

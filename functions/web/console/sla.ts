import type { slaListEntry } from '../../use-cases/sla-list.js';
import { caseLink, consolePage, escapeHtml, table, TEXT, when, type ConsoleContext } from './layout.js';

export type SlaRow = ReturnType<typeof slaListEntry>;
export const SLA_BOARD_LISTS = ['breached', 'due_soon', 'unknown'] as const;

const CSS = { breached: 'late', due_soon: 'warn', unknown: 'muted' } as const;

/** The SLA board: breached, due soon and unknown due dates (the SLA lists), nearest due first. */
export function slaPage(ctx: ConsoleContext, lists: Record<(typeof SLA_BOARD_LISTS)[number], SlaRow[]>): string {
  const t = TEXT[ctx.locale].slaBoard;
  const sections = SLA_BOARD_LISTS.map((state) => {
    const rows = lists[state].map((r) => [
      caseLink(r.caseId),
      escapeHtml(r.type),
      escapeHtml(r.status),
      String(r.priority),
      escapeHtml(`${r.limit}${r.expedited ? ' (expedited)' : ''}`),
      escapeHtml(when(ctx, r.startedAt)),
      `<span class="${CSS[state]}">${escapeHtml(when(ctx, r.dueAt))}</span>`,
      escapeHtml([r.provisional ? t.provisional : '', r.unknownReason ?? ''].filter(Boolean).join(' · ')),
    ]);
    return `<section aria-labelledby="sla-${state}"><h2 id="sla-${state}" class="${CSS[state]}">${escapeHtml(t.lists[state])} (${rows.length})</h2>${table(t.cols, rows, t.empty)}</section>`;
  }).join('');
  const paused = `<section aria-labelledby="sla-paused"><h2 id="sla-paused">${escapeHtml(t.lists.paused)}</h2><p class="muted">${escapeHtml(t.pausedNote)}</p></section>`;
  return consolePage(ctx, 'sla', t.title, `<h1>${escapeHtml(t.title)}</h1>${sections}${paused}`);
}

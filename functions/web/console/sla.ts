import type { slaListEntry } from '../../use-cases/sla-list.js';
import { caseLink, consolePage, escapeHtml, marketCell, table, TEXT, timeHtml, type ConsoleContext } from './layout.js';

/** An SLA list entry and its case's market (absent on a case from before markets), whose zone its times are in. */
export type SlaRow = ReturnType<typeof slaListEntry> & { market?: string };
export const SLA_BOARD_LISTS = ['breached', 'due_soon', 'unknown', 'paused'] as const;

const CSS = { breached: 'late', due_soon: 'warn', unknown: 'muted', paused: 'muted' } as const;

/** The SLA board: breached, due soon and unknown due dates (the SLA lists), nearest due first; paused cases, oldest pause first. */
export function slaPage(ctx: ConsoleContext, lists: Record<(typeof SLA_BOARD_LISTS)[number], SlaRow[]>): string {
  const t = TEXT[ctx.locale].slaBoard;
  const section = (state: (typeof SLA_BOARD_LISTS)[number], cols: string[], rows: string[][]) =>
    `<section aria-labelledby="sla-${state}"><h2 id="sla-${state}" class="${CSS[state]}">${escapeHtml(t.lists[state])} (${rows.length})</h2>${table(cols, rows, t.empty)}</section>`;
  const timed = SLA_BOARD_LISTS.filter((state) => state !== 'paused').map((state) => {
    const rows = lists[state].map((r) => {
      const { cells, at } = caseCells(ctx, r);
      return [
        ...cells,
        at(r.startedAt),
        `<span class="${CSS[state]}">${at(r.dueAt)}</span>`,
        escapeHtml([r.provisional ? t.provisional : '', r.unknownReason ?? ''].filter(Boolean).join(' · ')),
      ];
    });
    return section(state, t.cols, rows);
  });
  // Paused clocks have no due time running: when and why they stopped, and when the operator expects to resume.
  const paused = lists.paused.map((r) => {
    const { cells, at } = caseCells(ctx, r);
    return [...cells, at(r.pause?.since), escapeHtml(r.pause?.reason ?? ''), at(r.pause?.expectedResumeBy)];
  });
  return consolePage(ctx, 'sla', t.title, `<h1>${escapeHtml(t.title)}</h1>${timed.join('')}${section('paused', t.pausedCols, paused)}`);
}

/** The cells every list starts with (the case, its market, its limit), and its times shown in its market's zone. */
function caseCells(ctx: ConsoleContext, r: SlaRow) {
  const zone = ctx.zoneOf(r.market);
  const cells = [caseLink(r.caseId), escapeHtml(r.type), escapeHtml(r.status), String(r.priority), marketCell(zone), escapeHtml(`${r.limit}${r.expedited ? ' (expedited)' : ''}`)];
  return { cells, at: (iso: string | undefined) => timeHtml(ctx, iso, zone.timeZone) };
}

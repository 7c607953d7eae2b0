import { REMEDIES } from '../../domain/case.js';
import { DELAY_REASONS } from '../../domain/notices/types.js';
import { roleAllows } from '../../domain/operators.js';
import { FOLLOW_UP_OUTCOMES } from '../../domain/satisfaction.js';
import type { caseReport } from '../../use-cases/case-report.js';
import { consolePage, csrfField, escapeHtml, money, notice, table, TEXT, timeHtml, type ConsoleContext, type ConsoleText, type MarketZone } from './layout.js';

export type CaseReport = ReturnType<typeof caseReport>;

export interface CasePageInput {
  view: CaseReport;
  /** The case's market, top-level on its record as the pause action reads it (absent: a case from before markets). */
  market?: string;
  /** The case's Step Functions executions (the first run, then one per dispute round), newest last. */
  executions: Array<{ name: string; url: string }>;
  message?: { kind: 'done' | 'error'; text: string };
}

/** A value for a cell: strings as they are, anything else as compact JSON, escaped. */
const show = (value: unknown) => escapeHtml(typeof value === 'string' ? value : value === undefined ? '—' : JSON.stringify(value));

/** An instant as the API writes one (ISO 8601 with a zone), not a local day such as a due date's `2026-12-05`. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Like `show`, with an instant among the facts or a timeline entry's detail shown as the case's other times are. */
const showAt = (at: (iso: string) => string) => (value: unknown) => (typeof value === 'string' && INSTANT.test(value) ? at(value) : show(value));

/** An object's fields as a definition list (carrier facts), escaped; `value` shows each. */
function facts(obj: Record<string, unknown> | undefined, value: (v: unknown) => string): string {
  const entries = Object.entries(obj ?? {}).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? '' : `<dl>${entries.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${value(v)}</dd>`).join('')}</dl>`;
}

const field = (id: string, label: string, control: string) => `<label for="${id}">${escapeHtml(label)}</label>${control}`;
const textarea = (id: string, name: string, required = true) => `<textarea id="${id}" name="${name}" maxlength="1000"${required ? ' required' : ''}></textarea>`;
const select = (id: string, name: string, options: readonly string[], first?: string) =>
  `<select id="${id}" name="${name}">${first !== undefined ? `<option value="">${escapeHtml(first)}</option>` : ''}${options.map((o) => `<option value="${o}">${escapeHtml(o)}</option>`).join('')}</select>`;

function form(ctx: ConsoleContext, caseId: string, action: string, hidden: Record<string, string>, inner: string, button: string, css = ''): string {
  const fields = Object.entries(hidden)
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(v)}">`)
    .join('');
  return `<form method="post" action="/console/cases/${encodeURIComponent(caseId)}/${action}" class="card">${csrfField(ctx)}${fields}${inner}<button type="submit"${css ? ` class="${css}"` : ''}>${escapeHtml(button)}</button></form>`;
}

/** The forms this operator may use on this case now; none for a viewer. */
function actions(ctx: ConsoleContext, v: CaseReport, zone: MarketZone, f: ConsoleText['forms'], t: ConsoleText): string {
  const role = ctx.operator.role;
  if (!roleAllows(role, 'agent')) return '';
  const out: string[] = [];
  const open = v.status !== 'closed';
  // Claiming is one button beside the heading, not a card of its own.
  const claim =
    open && v.assignee !== ctx.operator.name && (v.assignee === undefined || role === 'supervisor')
      ? `<form method="post" action="/console/cases/${encodeURIComponent(v.caseId)}/claim" class="inline">${csrfField(ctx)}<button type="submit" class="plain">${escapeHtml(f.claim)}</button></form>`
      : '';
  const proposal = v.review?.proposal;
  // A decided review waits only for the workflow to pick the decision up: nothing left to decide.
  const undecided = v.status === 'awaiting_review' && !v.review?.decided;
  if (undecided && proposal) {
    const info = `<h3>${escapeHtml(t.case.proposal)}</h3><p>${escapeHtml(money(ctx, proposal.amount, v.order?.currency))} ${escapeHtml(proposal.remedy ?? '')} · ${escapeHtml(t.case.proposedBy)} ${escapeHtml(proposal.by)}</p>`;
    if (role !== 'supervisor') out.push(`<section class="card">${info}</section>`);
    else if (proposal.by === ctx.operator.name) out.push(`<section class="card">${info}<p>${escapeHtml(t.case.ownProposal)}</p></section>`);
    else {
      out.push(form(ctx, v.caseId, 'decision', { decision: 'confirm' }, info, f.confirm));
      out.push(
        form(ctx, v.caseId, 'decision', { decision: 'reject_proposal' }, field('proposal-reason', f.proposalReason, textarea('proposal-reason', 'reason')), f.reject, 'danger'),
      );
    }
  } else if (undecided) {
    const currency = v.order?.currency ?? '';
    out.push(
      form(
        ctx,
        v.caseId,
        'decision',
        { decision: 'approve' },
        field('approve-remedy', f.remedy, select('approve-remedy', 'remedy', REMEDIES, `${v.remedy ?? ''} ${f.planned}`)) +
          field('approve-amount', `${f.amount} (${currency})`, `<input id="approve-amount" name="amount" inputmode="decimal" placeholder="${escapeHtml(f.amountHint)}">`) +
          field('approve-reason', f.internalReason, textarea('approve-reason', 'reason')),
        f.approve,
      ),
    );
    out.push(form(ctx, v.caseId, 'decision', { decision: 'reject' }, field('reject-reason', f.customerReason, textarea('reject-reason', 'reason')), f.reject, 'danger'));
    out.push(
      form(ctx, v.caseId, 'decision', { decision: 'request_evidence' }, field('evidence-reason', f.whatToSend, textarea('evidence-reason', 'reason')), f.requestEvidence, 'plain'),
    );
  }
  if (role === 'supervisor' && open && !v.pause) {
    out.push(
      form(
        ctx,
        v.caseId,
        'pause',
        {},
        field('pause-reason', f.pauseReason, select('pause-reason', 'reason', DELAY_REASONS)) +
          field('pause-note', f.note, textarea('pause-note', 'note')) +
          // Read in the case's zone (console-actions.ts), as its other times are shown.
          // A market no longer deployed has no calendar to count the pause's working days by: no field, and why.
          (zone.undeployed
            ? `<p class="muted">${escapeHtml(f.noResumeBy.replace('{market}', zone.market))}</p>`
            : field('pause-until', `${f.resumeBy} · ${f.inZone.replace('{zone}', zone.timeZone)}`, '<input id="pause-until" name="expectedResumeBy" type="datetime-local">')),
        f.pause,
        'plain',
      ),
    );
  }
  if (role === 'supervisor' && open && v.pause) out.push(form(ctx, v.caseId, 'resume', {}, field('resume-note', f.note, textarea('resume-note', 'note', false)), f.resume));
  if (v.followUp?.status === 'open') {
    out.push(
      form(
        ctx,
        v.caseId,
        'follow-up',
        {},
        field('follow-up-outcome', f.outcome, select('follow-up-outcome', 'outcome', FOLLOW_UP_OUTCOMES)) + field('follow-up-note', f.note, textarea('follow-up-note', 'note')),
        f.followUp,
      ),
    );
  }
  return out.length || claim ? `<h2>${escapeHtml(t.case.actions)} ${claim}</h2><div class="grid">${out.join('')}</div>` : '';
}

/** Everything the ops case view gives, and the actions the operator's role allows as forms. */
export function casePage(ctx: ConsoleContext, input: CasePageInput): string {
  const t = TEXT[ctx.locale];
  const c = t.case;
  const v = input.view;
  const currency = v.order?.currency;
  // Every time of the case in its market's zone (a case from before markets: the default market's), offset shown.
  const zone = ctx.zoneOf(input.market ?? v.order?.market);
  const at = (iso: string | undefined) => timeHtml(ctx, iso, zone.timeZone);
  const value = showAt(at);
  const summary: Array<[string, string]> = [
    [c.status, `${show(v.status)}${v.outcome ? ` / ${show(v.outcome)}` : ''}${v.pause ? ` <span class="badge warn">${escapeHtml(t.sla.paused)}</span>` : ''}`],
    [c.type, `${show(v.type)}${v.remedy ? ` → ${show(v.remedy)}` : ''}`],
    [c.priority, `${v.priority} ${show(v.priorityBand)}${v.expedited ? ' · expedited' : ''}`],
    [c.tier, show(v.customer.tier)],
    [c.customer, show(v.customer.customerId)],
    [c.order, show(v.orderId)],
    [c.value, escapeHtml(money(ctx, v.order?.value, currency))],
    [c.reason, show(v.reason)],
    [c.description, v.description ? escapeHtml(v.description).replace(/\n/g, '<br>') : '—'],
    [c.market, escapeHtml(c.marketZone.replace('{market}', zone.market).replace('{zone}', zone.timeZone))],
    [c.received, at(v.createdAt)],
    [c.due, `${at(v.dueAt)}${v.sla?.state ? ` <span class="badge">${show(v.sla.state)}</span>` : ''}`],
    [c.assignee, show(v.assignee ?? c.nobody)],
    [c.execution, input.executions.map((e) => `<a href="${escapeHtml(e.url)}" rel="noreferrer">${escapeHtml(e.name)}</a>`).join('<br>') || '—'],
  ];
  const items = table(
    c.itemCols,
    v.items.map((i) => [show(i.sku), show(i.name), show(i.category), String(i.quantity), escapeHtml(money(ctx, i.unitPrice, currency))]),
    '—',
  );
  const evidence = v.evidence ?? [];
  const photos = evidence
    .map((e, i) =>
      e.kind === 'photo' || /\.(jpe?g|png|gif|webp)(\?|$)/i.test(e.url)
        ? `<a href="${escapeHtml(e.url)}" rel="noreferrer"><img src="${escapeHtml(e.url)}" alt="${escapeHtml(`${c.photo} ${i + 1}`)}" referrerpolicy="no-referrer"></a>`
        : `<a href="${escapeHtml(e.url)}" rel="noreferrer">${escapeHtml(e.kind)} ${i + 1}</a>`,
    )
    .join('');
  const carrier = [v.shipment, v.carrier, v.trackingIssue, v.carrierOutage, v.returnShipment, v.returnLabel]
    .map((o) => facts(o as Record<string, unknown> | undefined, value))
    .join('');
  const paid = table(
    c.paidCols,
    v.costs.entries.map((e) => [show(e.kind), show(e.remedy), escapeHtml(money(ctx, e.amount, e.currency)), at(e.at)]),
    c.nothingPaid,
  );
  const notices = table(
    c.noticeCols,
    v.notices.map((n) => [show(n.milestone), show(n.channel), `${show(n.status)}${n.reason ? ` <span class="muted">${show(n.reason)}</span>` : ''}`, at(n.at)]),
    c.noNotices,
  );
  const timeline = table(
    c.timelineCols,
    v.timeline.map((e) => [
      at(e.at),
      show(e.actor),
      show(e.event),
      e.detail
        ? Object.entries(e.detail)
            .map(([k, val]) => `${escapeHtml(k)}: ${value(val)}`)
            .join('<br>')
        : '',
    ]),
    '—',
  );
  const body = `<h1>${escapeHtml(c.facts)} ${escapeHtml(v.caseId)}</h1>${input.message ? notice(input.message.kind, input.message.text) : ''}
<dl>${summary.map(([k, val]) => `<dt>${escapeHtml(k)}</dt><dd>${val}</dd>`).join('')}</dl>
${actions(ctx, v, zone, t.forms, t)}
<h2>${escapeHtml(c.items)}</h2>${items}
<h2>${escapeHtml(c.evidence)}</h2>${evidence.length ? `<div class="photos">${photos}</div>` : `<p class="muted">${escapeHtml(c.noEvidence)}</p>`}
${carrier ? `<h2>${escapeHtml(c.carrier)}</h2><div class="grid">${carrier}</div>` : ''}
<h2>${escapeHtml(c.paid)}</h2>${paid}
<h2>${escapeHtml(c.notices)}</h2>${notices}
<h2>${escapeHtml(c.timeline)}</h2>${timeline}`;
  return consolePage(ctx, undefined, `${c.facts} ${v.caseId}`, body);
}

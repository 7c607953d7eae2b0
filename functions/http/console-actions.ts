import type { FollowUpStore } from '../adapters/follow-up-store.js';
import type { QueueSender } from '../adapters/queues.js';
import { REMEDIES, type Remedy } from '../domain/case.js';
import { minorUnitsFromText } from '../domain/money.js';
import { marketZoneOf, type MarketZone } from '../domain/market-policies.js';
import { DELAY_REASONS, type DelayReason } from '../domain/notices/types.js';
import type { Operator } from '../domain/operators.js';
import { FOLLOW_UP_OUTCOMES, type FollowUpOutcome } from '../domain/satisfaction.js';
import { instantOfLocalTime } from '../domain/working-days.js';
import { assignCase } from '../use-cases/assign-case.js';
import { decideCase, type DecideDeps, type OperatorDecision } from '../use-cases/decide-case.js';
import { pauseCase, resumeCase, type DelayNoticeMessage } from '../use-cases/pause-case.js';
import { recordFollowUp } from '../use-cases/record-follow-up.js';
import type { SlaDeps } from '../use-cases/sla-clock.js';
import { TEXT, type ConsoleLocale } from '../web/console/text.js';

export interface ActionDeps extends DecideDeps, SlaDeps {
  followUps: FollowUpStore;
  notices: () => Pick<QueueSender<DelayNoticeMessage>, 'send'>;
  log: (message: string, detail: Record<string, string>) => void;
}

export const ACTIONS = ['claim', 'decision', 'pause', 'resume', 'follow-up'] as const;
export type ConsoleAction = (typeof ACTIONS)[number];

/** What an action came to: done (the key of its "done" words), or refused with the status and the words to show. */
export type ActionOutcome = { done: keyof (typeof TEXT)['en']['done'] } | { status: number; error: string };

const DECISIONS = ['approve', 'reject', 'request_evidence', 'confirm', 'reject_proposal'] as const;
const text = (form: URLSearchParams, name: string) => (form.get(name) ?? '').trim();
const within = (value: string, required: boolean) => (value === '' ? !required : value.length <= 1000);
const oneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);

/**
 * The console's forms, each calling the use-case the JSON API calls (functions/http/ops-*-routes.ts) with the same
 * rules; refusals come back in the operator's words instead of JSON codes. The role table was checked before.
 */
export async function runAction(
  deps: ActionDeps,
  action: ConsoleAction,
  caseId: string,
  form: URLSearchParams,
  operator: Operator,
  locale: ConsoleLocale,
  now: Date,
): Promise<ActionOutcome> {
  const e = TEXT[locale].errors;
  const invalid = { status: 422, error: e.invalid_input };
  switch (action) {
    case 'claim': {
      const result = await assignCase(deps, caseId, undefined, operator, now);
      if (result.status === 'not_found') return { status: 404, error: e.not_found };
      if (result.status === 'case_closed') return { status: 409, error: e.case_closed };
      if (result.status === 'already_assigned') return { status: 409, error: `${e.already_assigned} (${result.assignee}).` };
      if (result.status === 'forbidden') return { status: 403, error: `${e.forbidden} (${result.needs})` };
      return { done: 'claim' };
    }
    case 'decision': {
      const input = decisionFrom(form, (await deps.cases.get(caseId))?.currency);
      if (input === 'invalid_amount') return { status: 422, error: `${e.invalid_amount}: ${TEXT[locale].amountReasons.not_positive_integer}.` };
      if (!input) return invalid;
      const result = await decideCase(deps, caseId, input, operator, now);
      deps.log('console decision', { caseId, decision: input.decision, result: result.status });
      switch (result.status) {
        case 'accepted':
          return { done: input.decision === 'confirm' ? 'confirm' : (input.decision as 'approve' | 'reject' | 'request_evidence') };
        case 'proposed':
          return { done: 'proposal' };
        case 'proposal_rejected':
          return { done: 'reject_proposal' };
        case 'not_found':
          return { status: 404, error: e.not_found };
        case 'already_decided':
          return { status: 409, error: `${e.already_decided} (${result.decidedBy}: ${result.decision})` };
        case 'proposal_pending':
          return { status: 409, error: `${e.proposal_pending} (${result.proposedBy})` };
        case 'forbidden':
          return { status: 403, error: `${e.forbidden} (${result.needs})` };
        case 'invalid_amount':
          return { status: 422, error: `${e.invalid_amount}: ${TEXT[locale].amountReasons[result.reason] ?? result.reason}.` };
        default:
          return { status: result.status === 'four_eyes' ? 403 : 409, error: e[result.status] };
      }
    }
    case 'pause': {
      const reason = text(form, 'reason');
      const note = text(form, 'note');
      const until = text(form, 'expectedResumeBy');
      // Typed in the case's market's zone, the zone the case page shows (and names beside the field).
      const zone = until === '' ? undefined : await caseZone(deps, caseId);
      // A market no longer deployed has no calendar here: its working days, and so the due date after the pause, cannot be counted.
      if (zone?.undeployed) return { status: 409, error: e.market_not_deployed.replace('{market}', zone.market) };
      const expectedResumeBy = zone ? fromLocalTime(until, zone.timeZone) : undefined;
      if (zone && expectedResumeBy === 'skipped') return { status: 422, error: e.time_skipped.replace('{zone}', zone.timeZone) };
      if (!oneOf(DELAY_REASONS, reason) || !within(note, true) || expectedResumeBy === null || (expectedResumeBy && Date.parse(expectedResumeBy) <= now.getTime())) return invalid;
      const input = { reason: reason as DelayReason, note, ...(expectedResumeBy ? { expectedResumeBy } : {}) };
      return pauseOutcome(await pauseCase({ ...deps, notices: deps.notices() }, caseId, input, operator, now), 'pause', locale);
    }
    case 'resume': {
      const note = text(form, 'note');
      if (!within(note, false)) return invalid;
      return pauseOutcome(await resumeCase(deps, caseId, note ? { note } : {}, operator, now), 'resume', locale);
    }
    case 'follow-up': {
      const outcome = text(form, 'outcome');
      const note = text(form, 'note');
      if (!oneOf(FOLLOW_UP_OUTCOMES, outcome) || !within(note, true)) return invalid;
      const result = await recordFollowUp(deps, caseId, { outcome: outcome as FollowUpOutcome, note }, operator, now);
      if (result.status === 'not_found') return { status: 404, error: e.not_found };
      if (result.status === 'not_open') return { status: 409, error: e.no_open_follow_up };
      deps.log('follow-up recorded', { caseId, outcome });
      return { done: 'follow_up' };
    }
  }
}

/** The decision the form asks for (as the JSON body would be), 'invalid_amount' for an amount that is no amount, or undefined. */
function decisionFrom(form: URLSearchParams, currency: string | undefined): OperatorDecision | 'invalid_amount' | undefined {
  const decision = text(form, 'decision');
  const reason = text(form, 'reason');
  if (!oneOf(DECISIONS, decision) || !within(reason, decision !== 'confirm')) return undefined;
  if (decision === 'confirm') return { decision };
  if (decision !== 'approve') return { decision, reason };
  const remedy = text(form, 'remedy');
  if (remedy !== '' && !oneOf(REMEDIES, remedy)) return undefined;
  const amountText = text(form, 'amount');
  const amount = amountText === '' ? undefined : currency ? minorUnitsFromText(amountText, currency) : undefined;
  if (amountText !== '' && amount === undefined) return 'invalid_amount';
  return { decision, reason, ...(remedy ? { remedy: remedy as Remedy } : {}), ...(amount !== undefined ? { amount } : {}) };
}

function pauseOutcome(result: Awaited<ReturnType<typeof resumeCase>>, done: 'pause' | 'resume', locale: ConsoleLocale): ActionOutcome {
  const e = TEXT[locale].errors;
  if (result.status === 'not_found') return { status: 404, error: e.not_found };
  if (result.status === 'refused') return { status: 409, error: e[result.refusal] };
  return { done };
}

/** The zone of the case's market, as its page shows it (a case from before markets, or none found: the default market's). */
async function caseZone(deps: ActionDeps, caseId: string): Promise<MarketZone> {
  return marketZoneOf(deps.markets, (await deps.cases.get(caseId))?.market);
}

/**
 * A `datetime-local` value (YYYY-MM-DDTHH:mm) read in the case's zone, as an ISO instant: a time shown twice (clocks
 * go back) is the first; 'skipped' for one the clocks skip (clocks go forward); null when malformed.
 */
function fromLocalTime(value: string, timeZone: string): string | 'skipped' | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}:00Z`))) return null;
  return instantOfLocalTime(value, timeZone)?.toISOString() ?? 'skipped';
}

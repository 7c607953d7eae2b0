import { noMetrics, type MetricSink } from '../adapters/business-metrics.js';
import type { Router } from '@aws-lambda-powertools/event-handler/http';
import * as z from 'zod/mini';
import { REMEDIES } from '../domain/case.js';
import { CASE_ID_PATTERN } from '../domain/case-id.js';
import { decideCase, type DecideDeps, type DecideResult, type OperatorDecision } from '../use-cases/decide-case.js';
import { operatorOf } from './ops-auth.js';

type Reply = (status: number, body: unknown) => Response;

const DECISIONS = ['approve', 'reject', 'request_evidence', 'confirm', 'reject_proposal'] as const;
const MONEY_FIELDS = ['remedy', 'amount', 'currency'] as const;

/**
 * The decision body (docs/operations.md "Decisions and money"). `amount` is any JSON number here: whether it is an
 * acceptable amount (a positive integer within the bounds) is the decision rules' answer, 422 invalid_amount.
 */
const decisionBody = z
  .strictObject({
    decision: z.enum(DECISIONS),
    reason: z.optional(z.string().check(z.minLength(1), z.maxLength(1000))),
    remedy: z.optional(z.enum(REMEDIES)),
    amount: z.optional(z.number()),
    currency: z.optional(z.string().check(z.regex(/^[A-Z]{3}$/))),
  })
  .check(
    z.superRefine((body, ctx) => {
      if (body.decision !== 'confirm' && body.reason === undefined) ctx.issues.push({ code: 'custom', path: ['reason'], message: 'required', input: undefined });
      for (const field of MONEY_FIELDS) {
        if (body.decision !== 'approve' && body[field] !== undefined) ctx.issues.push({ code: 'custom', path: [field], message: 'only with approve', input: undefined });
      }
    }),
  );

const MESSAGES = {
  already_decided: 'This review already has its decision; a review is decided once.',
  proposal_pending: 'An approval proposal waits for a second supervisor: confirm or reject_proposal it first.',
  no_proposal: 'This review has no pending proposal.',
  four_eyes: 'The proposer of an approval cannot also confirm or reject it; another supervisor must.',
} as const;

/** The answer to a decision: 202 when it (or a proposal) is recorded, else the refusal with its machine-readable error. */
function answer(reply: Reply, caseId: string, input: OperatorDecision, result: DecideResult): Response {
  switch (result.status) {
    case 'accepted':
      return reply(202, { caseId, decision: input.decision });
    case 'proposed':
      return reply(202, {
        caseId,
        decision: 'approve',
        proposal: { amount: result.amount, ...(result.remedy ? { remedy: result.remedy } : {}) },
        message: 'Above the four-eyes threshold: recorded as a proposal; nothing is paid until another supervisor confirms it.',
      });
    case 'proposal_rejected':
      return reply(200, { caseId, decision: 'reject_proposal', message: 'The proposal is dropped; the review is open for a new decision.' });
    case 'not_found':
      return reply(404, { error: 'case_not_found', message: 'No case has this id.' });
    case 'not_awaiting_review':
      return reply(409, { error: 'not_awaiting_review', message: `The case is ${result.caseStatus}, not waiting for a review decision.` });
    case 'already_decided':
      return reply(409, { error: 'already_decided', decidedBy: result.decidedBy, decision: result.decision, message: MESSAGES.already_decided });
    case 'proposal_pending':
      return reply(409, { error: 'proposal_pending', proposedBy: result.proposedBy, message: MESSAGES.proposal_pending });
    case 'no_proposal':
      return reply(409, { error: 'no_proposal', message: MESSAGES.no_proposal });
    case 'forbidden':
      return reply(403, { error: 'forbidden', needs: result.needs, message: `This decision needs the ${result.needs} role.` });
    case 'four_eyes':
      return reply(403, { error: 'four_eyes', message: MESSAGES.four_eyes });
    case 'invalid_amount':
      return reply(422, { error: 'invalid_amount', reason: result.reason, message: result.message });
  }
}

/** `POST /ops/cases/{caseId}/decision`: approve, reject, request_evidence; confirm or reject_proposal a four-eyes proposal. */
export function registerDecisionRoutes(
  app: Router,
  deps: DecideDeps,
  reply: Reply,
  log: (message: string, detail: Record<string, string>) => void,
  metrics: MetricSink = noMetrics,
): void {
  app.post('/ops/cases/:caseId/decision', async ({ params, req, event }) => {
    const caseId = params.caseId ?? '';
    if (!CASE_ID_PATTERN.test(caseId)) return reply(404, { error: 'case_not_found', message: 'No case has this id.' });
    const parsed = decisionBody.safeParse(await req.json().catch(() => undefined));
    if (!parsed.success) {
      return reply(422, {
        error: 'invalid_decision',
        message:
          'Expected {"decision": "approve" | "reject" | "request_evidence" | "confirm" | "reject_proposal", "reason" (except confirm), "remedy"?, "amount"?, "currency"? (approve only)}.',
        issues: parsed.error.issues.map((i) => i.path.join('.')),
      });
    }
    const input = parsed.data as OperatorDecision;
    const result = await decideCase(deps, caseId, input, operatorOf(event), new Date());
    log('operator decision', { caseId, decision: input.decision, result: result.status });
    // Only the write that decided (or proposed) reports accepted/proposed: each decision is counted once.
    if (result.status === 'accepted') metrics.count('Decisions', { DecidedBy: 'operator', Decision: result.decision });
    if (result.status === 'proposed') metrics.count('Decisions', { DecidedBy: 'operator', Decision: 'proposed' });
    return answer(reply, caseId, input, result);
  });
}

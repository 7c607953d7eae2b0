import type { Router } from '@aws-lambda-powertools/event-handler/http';
import * as z from 'zod/mini';
import type { AccessLog } from '../adapters/access-log.js';
import type { CaseRepository } from '../use-cases/ports.js';
import type { FollowUpStore } from '../adapters/follow-up-store.js';
import { CASE_ID_PATTERN } from '../domain/case-id.js';
import { FOLLOW_UP_OUTCOMES } from '../domain/satisfaction.js';
import { readFollowUps } from '../use-cases/read-follow-ups.js';
import { recordFollowUp } from '../use-cases/record-follow-up.js';
import { operatorOf } from './ops-auth.js';

type Reply = (status: number, body: unknown) => Response;

export interface FollowUpRouteDeps {
  cases: CaseRepository;
  followUps: FollowUpStore;
  accessLog: Pick<AccessLog, 'record'>;
}

const followUpBody = z.strictObject({ outcome: z.enum(FOLLOW_UP_OUTCOMES), note: z.string().check(z.minLength(1), z.maxLength(1000)) });

/**
 * The follow-ups after a low survey score (docs/operations.md): `GET /ops/follow-ups`, the open tasks oldest first,
 * each comment read put in the access log; `POST /ops/cases/{caseId}/follow-up`, the operator's call-back, which
 * closes the task while the record stays on the case.
 */
export function registerFollowUpRoutes(app: Router, deps: FollowUpRouteDeps, reply: Reply, log: (message: string, detail: Record<string, string>) => void): void {
  const notFound = () => reply(404, { error: 'case_not_found', message: 'No case has this id.' });

  app.get('/ops/follow-ups', async ({ event }) => reply(200, { followUps: await readFollowUps(deps, operatorOf(event), 'GET /ops/follow-ups', new Date()) }));

  app.post('/ops/cases/:caseId/follow-up', async ({ params, req, event }) => {
    const caseId = params.caseId ?? '';
    if (!CASE_ID_PATTERN.test(caseId)) return notFound();
    const parsed = followUpBody.safeParse(await req.json().catch(() => undefined));
    if (!parsed.success) {
      return reply(422, {
        error: 'invalid_follow_up',
        message: `Expected {"outcome": ${FOLLOW_UP_OUTCOMES.map((o) => `"${o}"`).join(' | ')}, "note"} (note 1-1000 characters).`,
        issues: parsed.error.issues.map((i) => i.path.join('.')),
      });
    }
    const result = await recordFollowUp(deps, caseId, parsed.data, operatorOf(event), new Date());
    if (result.status === 'not_found') return notFound();
    if (result.status === 'not_open') {
      const state = result.followUp ? `its follow-up was already recorded (${result.followUp.outcome ?? 'closed'})` : 'it has no follow-up task';
      return reply(409, { error: 'no_open_follow_up', message: `The case has no open follow-up: ${state}.` });
    }
    log('follow-up recorded', { caseId, outcome: parsed.data.outcome });
    return reply(200, { caseId, followUp: result.followUp });
  });
}

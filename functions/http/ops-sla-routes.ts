import type { Router } from '@aws-lambda-powertools/event-handler/http';
import * as z from 'zod/mini';
import type { QueueSender } from '../adapters/queues.js';
import { CASE_ID_PATTERN } from '../domain/case-id.js';
import { DELAY_REASONS } from '../domain/notices/types.js';
import { SLA_LIST_STATES } from '../domain/sla.js';
import { pauseCase, resumeCase, type DelayNoticeMessage, type PauseResult } from '../use-cases/pause-case.js';
import type { SlaDeps } from '../use-cases/sla-clock.js';
import { listSla } from '../use-cases/sla-list.js';
import { operatorOf } from './ops-auth.js';

type Reply = (status: number, body: unknown) => Response;

const pauseBody = z.strictObject({
  reason: z.enum(DELAY_REASONS),
  note: z.string().check(z.minLength(1), z.maxLength(1000)),
  expectedResumeBy: z.optional(z.iso.datetime({ offset: true })),
});
const resumeBody = z.strictObject({ note: z.optional(z.string().check(z.minLength(1), z.maxLength(1000))) });
/** The lists operators ask for; `running` is everything else and would be most open cases. */
const LISTED = SLA_LIST_STATES.filter((state) => state !== 'running');

const REFUSALS = {
  case_closed: 'The case is closed.',
  already_paused: 'The case is already paused; resume it first.',
  not_paused: 'The case is not paused.',
} as const;

/**
 * `GET /ops/cases?sla=due_soon|breached|unknown|paused` (docs/sla.md). The path is shared with the case search, which
 * registers it (functions/http/ops-case-routes.ts) and hands requests with `sla` here.
 */
export async function slaListResponse(deps: Pick<SlaDeps, 'sla'>, req: Request, reply: Reply): Promise<Response> {
  const params = new URL(req.url).searchParams;
  const state = params.get('sla') ?? '';
  if (!(LISTED as readonly string[]).includes(state) || [...params.keys()].some((name) => name !== 'sla')) {
    return reply(400, { error: 'invalid_query', message: `Use ?sla=${LISTED.join('|')} on its own.` });
  }
  return reply(200, { sla: state, cases: await listSla(deps.sla, state as (typeof LISTED)[number]) });
}

/**
 * Operations routes of the SLA: `POST /ops/cases/{caseId}/pause` and `/resume` (docs/sla.md). Registered on the ops
 * API's router; the notice queue is built at the first pause.
 */
export function registerSlaRoutes(app: Router, deps: SlaDeps & { notices: () => Pick<QueueSender<DelayNoticeMessage>, 'send'> }, reply: Reply): void {
  const answer = (caseId: string, result: PauseResult) => {
    if (result.status === 'not_found') return reply(404, { error: 'case_not_found', message: 'No case has this id.' });
    if (result.status === 'refused') return reply(409, { error: result.refusal, message: REFUSALS[result.refusal] });
    return reply(200, { caseId, ...(result.pause ? { pause: result.pause } : {}), ...(result.dueAt ? { dueAt: result.dueAt } : {}) });
  };
  const body = async (req: Request) => {
    const text = await req.text();
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  };

  app.post('/ops/cases/:caseId/pause', async ({ params, req, event }) => {
    const caseId = params.caseId ?? '';
    if (!CASE_ID_PATTERN.test(caseId)) return reply(404, { error: 'case_not_found', message: 'No case has this id.' });
    const parsed = pauseBody.safeParse(await body(req));
    const now = new Date();
    if (!parsed.success || (parsed.data.expectedResumeBy && Date.parse(parsed.data.expectedResumeBy) <= now.getTime())) {
      return reply(422, {
        error: 'invalid_pause',
        message: `Expected {"reason": ${DELAY_REASONS.join(' | ')}, "note": internal text, "expectedResumeBy"?: a future ISO time}.`,
        issues: parsed.success ? ['expectedResumeBy'] : parsed.error.issues.map((i) => i.path.join('.')),
      });
    }
    const input = { ...parsed.data, ...(parsed.data.expectedResumeBy ? { expectedResumeBy: new Date(parsed.data.expectedResumeBy).toISOString() } : {}) };
    return answer(caseId, await pauseCase({ ...deps, notices: deps.notices() }, caseId, input, operatorOf(event), now));
  });

  app.post('/ops/cases/:caseId/resume', async ({ params, req, event }) => {
    const caseId = params.caseId ?? '';
    if (!CASE_ID_PATTERN.test(caseId)) return reply(404, { error: 'case_not_found', message: 'No case has this id.' });
    const parsed = resumeBody.safeParse(await body(req));
    if (!parsed.success) {
      return reply(422, { error: 'invalid_resume', message: 'Expected an empty body or {"note": internal text}.', issues: parsed.error.issues.map((i) => i.path.join('.')) });
    }
    return answer(caseId, await resumeCase(deps, caseId, parsed.data, operatorOf(event), new Date()));
  });
}

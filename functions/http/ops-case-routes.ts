import type { Router } from '@aws-lambda-powertools/event-handler/http';
import * as z from 'zod/mini';
import { AccessLog } from '../adapters/access-log.js';
import type { CaseSearch } from '../adapters/case-search.js';
import type { CaseRepository } from '../use-cases/ports.js';
import { CASE_ID_PATTERN } from '../domain/case-id.js';
import { MAX_LIMIT, DEFAULT_LIMIT, parseCaseSearch, SEARCH_USAGE } from '../domain/case-search.js';
import { toCsv } from '../domain/csv.js';
import { assignCase } from '../use-cases/assign-case.js';
import { readCaseForOperator } from '../use-cases/case-report.js';
import { exportCases, ROW_FIELDS, searchCases } from '../use-cases/search-cases.js';
import { operatorOf } from './ops-auth.js';

type Reply = (status: number, body: unknown) => Response;

export interface CaseRouteDeps {
  cases: CaseRepository;
  search: CaseSearch;
  accessLog: AccessLog;
  /** The market's zone: search days are its local days. */
  timeZone: string;
  /** `GET /ops/cases?sla=…` (functions/http/ops-sla-routes.ts): the same path answers the SLA lists. */
  slaList: (req: Request) => Promise<Response>;
  /** `GET /ops/audit?privacyRequestId=…`: a privacy request's trail (docs/privacy.md), oldest first; undefined if unknown. */
  privacyTrail?: (privacyRequestId: string) => Promise<unknown[] | undefined>;
}

const OPERATOR_NAME = /^[\x21-\x7e\u00a0-\uffff]{1,128}$/u;
const assignBody = z.strictObject({ assignee: z.optional(z.string().check(z.regex(OPERATOR_NAME))) });
const CASE_VIEW_ROUTE = 'GET /ops/cases/{caseId}';

/**
 * Operators' case routes (docs/operations.md): the case view (its description read recorded in the access log),
 * search and CSV export, claiming and assigning, and the access log for supervisors. Roles per route are in
 * functions/http/ops-auth.ts.
 */
export function registerCaseRoutes(app: Router, deps: CaseRouteDeps, reply: Reply): void {
  const notFound = () => reply(404, { error: 'case_not_found', message: 'No case has this id.' });
  const invalid = (reason: string, usage: string) => reply(400, { error: 'invalid_query', message: `${reason}. ${usage}` });

  app.get('/ops/cases', async ({ req }) => {
    const params = new URL(req.url).searchParams;
    if (params.has('sla')) return deps.slaList(req);
    const parsed = parseCaseSearch(params, deps.timeZone, new Date());
    if ('error' in parsed) return invalid(parsed.error, SEARCH_USAGE);
    const csv = parsed.csv || (params.get('format') !== 'json' && /\btext\/csv\b/i.test(req.headers.get('accept') ?? ''));
    if (csv) {
      const result = await exportCases(deps, parsed.query, parsed.cursor);
      if (result.status === 'bad_cursor') return invalid('cursor does not belong to this query', SEARCH_USAGE);
      return new Response(toCsv(ROW_FIELDS, result.rows), {
        status: 200,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': 'attachment; filename="cases.csv"',
          'cache-control': 'no-store',
          ...(result.truncated ? { 'x-truncated': 'true' } : {}),
          ...(result.nextCursor ? { 'x-next-cursor': result.nextCursor } : {}),
        },
      });
    }
    const result = await searchCases(deps, parsed.query, parsed.limit, parsed.cursor);
    if (result.status === 'bad_cursor') return invalid('cursor does not belong to this query', SEARCH_USAGE);
    const { fromInstant: _f, toInstant: _t, ...query } = parsed.query;
    return reply(200, { query, cases: result.rows, ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) });
  });

  app.get('/ops/cases/:caseId', async ({ params, event }) => {
    const caseId = params.caseId ?? '';
    if (!CASE_ID_PATTERN.test(caseId)) return notFound();
    const view = await readCaseForOperator(deps, caseId, operatorOf(event), CASE_VIEW_ROUTE, new Date());
    return view ? reply(200, view) : notFound();
  });

  app.post('/ops/cases/:caseId/assign', async ({ params, req, event }) => {
    const caseId = params.caseId ?? '';
    if (!CASE_ID_PATTERN.test(caseId)) return notFound();
    const text = await req.text();
    let body: unknown;
    try {
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      body = undefined;
    }
    const parsed = assignBody.safeParse(body);
    if (!parsed.success) {
      return reply(422, {
        error: 'invalid_assignment',
        message: 'Expected an empty body (claim for yourself) or {"assignee": an operator name, 1-128 characters without spaces}.',
      });
    }
    const result = await assignCase(deps, caseId, parsed.data.assignee, operatorOf(event), new Date());
    switch (result.status) {
      case 'not_found':
        return notFound();
      case 'forbidden':
        return reply(403, { error: 'forbidden', needs: result.needs, message: 'Assigning a case to someone else needs the supervisor role.' });
      case 'case_closed':
        return reply(409, { error: 'case_closed', message: 'The case is closed.' });
      case 'already_assigned':
        return reply(409, { error: 'already_assigned', assignee: result.assignee, message: 'Another operator holds this case; a supervisor can reassign it.' });
      default:
        return reply(200, { caseId, assignee: result.assignee, ...(result.status === 'assigned' && result.previous ? { previous: result.previous } : {}) });
    }
  });

  const AUDIT_USAGE = `Use exactly one of caseId=AS-… or operator=<name>, with limit=1..${MAX_LIMIT} (default ${DEFAULT_LIMIT}) and cursor= (from the previous page); or privacyRequestId=<id> alone`;

  /** The access log, newest first: by case or by operator, never both, never the whole log. */
  app.get('/ops/audit', async ({ req }) => {
    const params = new URL(req.url).searchParams;
    const privacyRequestId = params.get('privacyRequestId');
    if (privacyRequestId !== null && deps.privacyTrail) {
      // A privacy request's progress and reads (its own trail, kept on the request): the whole trail, one page.
      if ([...params.keys()].length !== 1 || privacyRequestId === '') return invalid('privacyRequestId goes alone', AUDIT_USAGE);
      const entries = await deps.privacyTrail(privacyRequestId);
      if (!entries) return reply(404, { error: 'privacy_request_not_found', message: 'No privacy request has this id.' });
      return reply(200, { privacyRequestId, entries });
    }
    for (const name of new Set(params.keys())) {
      if (!['caseId', 'operator', 'limit', 'cursor'].includes(name) || params.getAll(name).length > 1) return invalid(`unexpected or repeated parameter ${name}`, AUDIT_USAGE);
    }
    const caseId = params.get('caseId');
    const operator = params.get('operator');
    if ((caseId === null) === (operator === null)) return invalid('give caseId or operator', AUDIT_USAGE);
    if (caseId !== null && !CASE_ID_PATTERN.test(caseId)) return invalid('caseId is not a case id', AUDIT_USAGE);
    if (operator !== null && !OPERATOR_NAME.test(operator)) return invalid('operator is not an operator name', AUDIT_USAGE);
    const limitText = params.get('limit') ?? String(DEFAULT_LIMIT);
    const limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_LIMIT) return invalid(`limit must be 1..${MAX_LIMIT}`, AUDIT_USAGE);
    const cursor = params.get('cursor');
    const after = cursor === null ? undefined : Buffer.from(cursor, 'base64url').toString('utf8');
    if (after !== undefined && !AccessLog.isPosition(after)) return invalid('cursor is not one this log handed out', AUDIT_USAGE);
    const page = caseId !== null ? await deps.accessLog.byCase(caseId, limit, after) : await deps.accessLog.byOperator(operator!, limit, after);
    return reply(200, {
      ...(caseId !== null ? { caseId } : { operator }),
      entries: page.entries,
      ...(page.next ? { nextCursor: Buffer.from(page.next).toString('base64url') } : {}),
    });
  });
}

import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { CaseRepository, WaitPort, WorkflowPort } from '../use-cases/ports.js';
import { CASE_ID_PATTERN } from '../domain/case-id.js';
import type { KeyRing } from '../domain/key-ring.js';
import { browserLocale } from '../domain/locale.js';
import type { MarketPolicies } from '../domain/markets.js';
import { verifyStatusToken } from '../domain/status-link.js';
import { chooseWhilePaused } from '../use-cases/choose-while-paused.js';
import { caseStatusPage } from '../web/case-status-page.js';
import { htmlResponse as html } from '../web/layout.js';
import { linkProblemPage, type PauseChoice } from '../web/status-pages.js';
import { rawBody } from './responses.js';

export interface StatusPageDeps {
  cases: CaseRepository;
  waits: WaitPort;
  workflow: WorkflowPort;
  markets: MarketPolicies;
  /** The status-link key ring; `fresh` bypasses the secrets cache. */
  statusKeys: (opts?: { fresh?: boolean }) => Promise<KeyRing>;
  /** After a rotation, links signed with the previous key open if they expire within this long of the rotation. */
  previousKeyWindowMs: number;
  logger: { info(message: string, detail: Record<string, unknown>): void };
}

/** A bad link may re-read the key at most this often per instance, so bad links cannot hammer Secrets Manager. */
const KEY_REREAD_INTERVAL_MS = 10_000;

const isChoice = (value: unknown): value is PauseChoice => value === 'wait' || value === 'cancel';

/**
 * GET /cases/{caseId}/status?token=…: the customer's status page, opened from a signed, expiring link in every
 * notice. POST (same URL, form field `choice` = wait | cancel): the customer's choice while the case is on hold.
 */
export function statusPageApp(deps: StatusPageDeps) {
  let lastReread = 0;
  const rereadAllowed = (now: Date) => {
    if (now.getTime() - lastReread < KEY_REREAD_INTERVAL_MS) return false;
    lastReread = now.getTime();
    return true;
  };
  const render = (record: Parameters<typeof caseStatusPage>[0], action: string, opts: Parameters<typeof caseStatusPage>[3]) =>
    caseStatusPage(record, deps.markets.of(record), action, opts);

  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const caseId = event.pathParameters?.caseId ?? '';
    const token = event.queryStringParameters?.token ?? '';
    const now = new Date();
    // Before the link is checked the case is unknown: the browser's language picks the page's.
    const fallback = browserLocale(event.headers['accept-language'], deps.markets.market().policy.locale);
    // A bad link learns nothing about any case, not even whether it exists.
    if (!CASE_ID_PATTERN.test(caseId)) return html(403, linkProblemPage(fallback, 'invalid'));
    let check = verifyStatusToken(token, caseId, now, await deps.statusKeys(), deps.previousKeyWindowMs);
    if (!check.ok && check.reason === 'bad_signature' && rereadAllowed(now)) {
      // Maybe signed by a notifier that read a rotated key before this instance did: read the key again, bypassing the cache.
      check = verifyStatusToken(token, caseId, now, await deps.statusKeys({ fresh: true }), deps.previousKeyWindowMs);
    }
    if (!check.ok) return html(403, linkProblemPage(fallback, check.reason === 'expired' ? 'expired' : 'invalid'));
    const record = await deps.cases.get(caseId);
    if (!record) return html(404, linkProblemPage(fallback, 'not_found'));
    const action = `${event.rawPath}?token=${encodeURIComponent(token)}`;

    if (event.requestContext.http.method === 'POST') {
      const choice = new URLSearchParams(rawBody(event)).get('choice');
      if (!isChoice(choice)) return html(422, await render(record, action, { problem: 'invalid_choice' }));
      const result = await chooseWhilePaused(deps, caseId, choice, now);
      if (result !== 'recorded') return html(409, await render(record, action, { problem: result }));
      deps.logger.info('customer choice while on hold', { caseId, choice });
      // Post/redirect/get: reloading the page shows it again instead of sending the choice twice.
      return {
        statusCode: 303,
        headers: { location: `?token=${encodeURIComponent(token)}&done=${choice}#choice`, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
        body: '',
      };
    }
    const done = event.queryStringParameters?.done;
    return html(200, await render(record, action, isChoice(done) ? { done } : {}));
  };
}

import { statusPageConfig, readConfig } from '../config/functions.js';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { CaseRecord } from '../adapters/case-store.js';
import { CASE_ID_PATTERN } from '../domain/case-id.js';
import { caseProgress, type ProgressFacts } from '../domain/case-progress.js';
import { browserLocale } from '../domain/locale.js';
import { operatorNoteOf } from '../domain/notices.js';
import { verifyStatusToken } from '../domain/status-link.js';
import { rawBody } from '../http/responses.js';
import { chooseWhilePaused } from '../use-cases/choose-while-paused.js';
import { htmlResponse as html, pageLocale } from '../web/layout.js';
import { linkProblemPage, statusPage, type ChoiceProblem, type PauseChoice } from '../web/status-pages.js';
import { markets } from '../wiring.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { keyRing, secretsMaxAgeSeconds } from '../wiring/secrets.js';
import { caseStore, waitStore } from '../wiring/stores.js';
import { caseWorkflow } from '../wiring/workflow.js';

const config = readConfig(statusPageConfig);
const cases = caseStore(config);
const waits = waitStore(config);
const workflow = caseWorkflow();
// Each case is decided under its own market's policy and calendar (order.market; the default market without one).
const deploymentMarkets = markets(config);
/**
 * After a rotation, links signed with the previous key open if they expire within this long of the rotation: a
 * link's lifetime, plus the cache age during which a notifier may still sign with the old key.
 */
const previousKeyWindowMs = (config.STATUS_LINK_DAYS * 86_400 + secretsMaxAgeSeconds(config)) * 1000;

/** A bad link may re-read the key at most this often per instance, so bad links cannot hammer Secrets Manager. */
const KEY_REREAD_INTERVAL_MS = 10_000;
let lastReread = 0;
function rereadAllowed(now: Date): boolean {
  if (now.getTime() - lastReread < KEY_REREAD_INTERVAL_MS) return false;
  lastReread = now.getTime();
  return true;
}

const isChoice = (value: unknown): value is PauseChoice => value === 'wait' || value === 'cancel';

function render(record: CaseRecord & { pause?: ProgressFacts['pause'] }, action: string, opts: { done?: PauseChoice; problem?: ChoiceProblem }): string {
  const { policy, calendar } = deploymentMarkets.of(record);
  const progress = caseProgress({ ...record, offersChoice: policy.customerChoice[record.type] !== undefined });
  const operatorNote = operatorNoteOf(record);
  return statusPage(
    pageLocale(record.locale, policy.locale),
    {
      caseId: record.caseId,
      type: record.type,
      progress,
      ...(record.pause ? {} : { dueAt: record.dueAt, dueProvisional: Boolean(record.sla?.provisional) }) /* on hold, the old due date no longer holds */,
      updatedAt: record.updatedAt,
      // Dates in the case's market's zone: a German customer reads Berlin time.
      timeZone: calendar.timeZone,
      // Once redacted, the operator's words are the marker: the page says the data was redacted instead of quoting it.
      ...(operatorNote && !record.redactedAt ? { operatorNote } : {}),
      ...(record.redactedAt ? { redacted: true } : {}),
    },
    { action, ...opts },
  );
}

/**
 * GET /cases/{caseId}/status?token=…: the customer's status page, opened from a signed, expiring link in every
 * notice. POST (same URL, form field `choice` = wait | cancel): the customer's choice while the case is on hold.
 */
async function handle(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const caseId = event.pathParameters?.caseId ?? '';
  const token = event.queryStringParameters?.token ?? '';
  const now = new Date();
  // Before the link is checked the case is unknown: the browser's language picks the page's.
  const fallback = browserLocale(event.headers['accept-language'], deploymentMarkets.market().policy.locale);
  // A bad link learns nothing about any case, not even whether it exists.
  if (!CASE_ID_PATTERN.test(caseId)) return html(403, linkProblemPage(fallback, 'invalid'));
  let check = verifyStatusToken(token, caseId, now, await keyRing(config.STATUS_LINK_SECRET, config), previousKeyWindowMs);
  if (!check.ok && check.reason === 'bad_signature' && rereadAllowed(now)) {
    // Maybe signed by a notifier that read a rotated key before this instance did: read the key again, bypassing the cache.
    check = verifyStatusToken(token, caseId, now, await keyRing(config.STATUS_LINK_SECRET, config, { fresh: true }), previousKeyWindowMs);
  }
  if (!check.ok) return html(403, linkProblemPage(fallback, check.reason === 'expired' ? 'expired' : 'invalid'));
  const record = await cases.get(caseId);
  if (!record) return html(404, linkProblemPage(fallback, 'not_found'));
  const action = `${event.rawPath}?token=${encodeURIComponent(token)}`;

  if (event.requestContext.http.method === 'POST') {
    const choice = new URLSearchParams(rawBody(event)).get('choice');
    if (!isChoice(choice)) return html(422, render(record, action, { problem: 'invalid_choice' }));
    const result = await chooseWhilePaused({ cases, waits, workflow }, caseId, choice, now);
    if (result !== 'recorded') return html(409, render(record, action, { problem: result }));
    logger.info('customer choice while on hold', { caseId, choice });
    // Post/redirect/get: reloading the page shows it again instead of sending the choice twice.
    return {
      statusCode: 303,
      headers: { location: `?token=${encodeURIComponent(token)}&done=${choice}#choice`, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
      body: '',
    };
  }
  const done = event.queryStringParameters?.done;
  return html(200, render(record, action, isChoice(done) ? { done } : {}));
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

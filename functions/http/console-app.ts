import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AccessLog } from '../adapters/access-log.js';
import type { CaseSearch } from '../adapters/case-search.js';
import type { LedgerStore } from '../adapters/ledger-store.js';
import type { OperatorSignInClient } from '../adapters/operator-sign-in.js';
import type { OpsAlerts } from '../adapters/ops-alerts.js';
import type { SatisfactionStore } from '../adapters/satisfaction-store.js';
import { CASE_ID_PATTERN } from '../domain/case-id.js';
import { marketZoneOf, type MarketPolicies } from '../domain/market-policies.js';
import { roleAllows, type Operator } from '../domain/operators.js';
import { TEXT, consoleLocale, type ConsoleLocale } from '../web/console/text.js';
import { CONSOLE_HEADERS, continuePage, signInProblemPage } from '../web/console/sign-in.js';
import type { ActionDeps, ConsoleAction } from './console-actions.js';
import { COOKIES, clearCookie, consolePath, cookiesOf, csrfTokenFor, isSameOriginPost, newSignInAttempt, setCookie } from './console-session.js';
import { renderPage, type PageDeps } from './console-pages.js';
import { operatorFromClaims, roleNeededFor } from './ops-auth.js';
import { rawBody } from './responses.js';

export interface ConsoleDeps extends Omit<ActionDeps, 'markets'>, Omit<PageDeps, 'policy' | 'markets'> {
  /** The markets by policy and zone: what the pages read. */
  markets: MarketPolicies;
  /** The markets with their calendars, made on first use: what the forms (decisions, pauses) count working days with. */
  actionMarkets: () => Promise<ActionDeps['markets']>;
  signIn: Pick<OperatorSignInClient, 'verify' | 'authorizeUrl' | 'logoutUrl' | 'exchangeCode' | 'refresh'>;
}
export type { AccessLog, CaseSearch, LedgerStore, OpsAlerts, SatisfactionStore };

type Result = APIGatewayProxyStructuredResultV2;

/**
 * Zones of the console: a case's times are shown, and a time an operator types for it read, in its market's zone (a
 * case from before markets: the default market's). A market no longer deployed has no zone here: its cases show UTC,
 * labelled so. The search's days, the reports and the alerts stay in the default market's zone; its reports measure by
 * that market's limits.
 */
const consoleZone = (deps: ConsoleDeps) => deps.markets.market().timeZone;
const zonesOf = (deps: ConsoleDeps) => (market: string | undefined) => marketZoneOf(deps.markets, market);
const pageDeps = (deps: ConsoleDeps): PageDeps => ({ ...deps, policy: deps.markets.market().policy });

const html = (statusCode: number, body: string, cookies: string[] = []): Result => ({ statusCode, headers: { ...CONSOLE_HEADERS }, body, ...(cookies.length ? { cookies } : {}) });
const redirect = (location: string, cookies: string[] = []): Result => ({
  statusCode: 303,
  headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
  body: '',
  ...(cookies.length ? { cookies } : {}),
});

/**
 * Each console page or form and the ops API route whose role it needs (functions/http/ops-auth.ts ROUTE_ROLES): the
 * console gives no operator more than the JSON API would.
 */
function opsRouteOf(method: string, path: string): string | undefined {
  if (method === 'GET') {
    if (path === '/console') return '/ops/reviews';
    if (/^\/console\/cases\/[^/]+$/.test(path)) return '/ops/cases/{caseId}';
    if (path === '/console/search' || path === '/console/search.csv' || path === '/console/sla') return '/ops/cases';
    if (path === '/console/alerts') return '/ops/alerts';
    if (path === '/console/follow-ups') return '/ops/follow-ups';
    if (path === '/console/reports') return '/ops/reports/satisfaction';
    return undefined;
  }
  const action = /^\/console\/cases\/[^/]+\/([a-z-]+)$/.exec(path)?.[1];
  const ops = { claim: 'assign', decision: 'decision', pause: 'pause', resume: 'resume', 'follow-up': 'follow-up' }[action ?? ''];
  return ops ? `/ops/cases/{caseId}/${ops}` : undefined;
}

/** The console's request handling: sign-in (authorization code + PKCE), the session cookie, CSRF, roles, then the page or form. */
export function consoleApp(deps: ConsoleDeps) {
  /** The operator of a session cookie, renewing an expired access token with the refresh token when there is one. */
  async function session(jar: Record<string, string>): Promise<{ operator?: Operator; token?: string; claims?: boolean; cookies: string[] }> {
    let token = jar[COOKIES.session];
    let claims = token ? await deps.signIn.verify(token) : undefined;
    const cookies: string[] = [];
    if (!claims && jar[COOKIES.refresh]) {
      const renewed = await deps.signIn.refresh(jar[COOKIES.refresh]!).catch(() => undefined);
      claims = renewed ? await deps.signIn.verify(renewed.accessToken) : undefined;
      if (renewed && claims) {
        token = renewed.accessToken;
        cookies.push(setCookie(COOKIES.session, token, { maxAge: renewed.expiresIn }));
      } else cookies.push(clearCookie(COOKIES.refresh));
    }
    if (!claims || !token) return { cookies };
    return { operator: operatorFromClaims(claims), token, claims: true, cookies };
  }

  /** The hosted sign-in's callback (GET /console?code=…&state=…): the code becomes the session cookie. */
  async function callback(event: APIGatewayProxyEventV2, jar: Record<string, string>, locale: ConsoleLocale): Promise<Result> {
    const query = new URLSearchParams(event.rawQueryString);
    const [state, verifier, back] = (jar[COOKIES.signIn] ?? '').split('.');
    const failed = () => html(400, signInProblemPage(locale, TEXT[locale].signIn.failed), [clearCookie(COOKIES.signIn)]);
    if (!state || !verifier || query.get('state') !== state) return failed();
    const tokens = await deps.signIn.exchangeCode(query.get('code') ?? '', verifier).catch(() => undefined);
    if (!tokens || !(await deps.signIn.verify(tokens.accessToken))) return failed();
    const cookies = [clearCookie(COOKIES.signIn), setCookie(COOKIES.session, tokens.accessToken, { maxAge: tokens.expiresIn })];
    if (tokens.refreshToken) cookies.push(setCookie(COOKIES.refresh, tokens.refreshToken, { maxAge: 12 * 3600 }));
    return html(200, continuePage(locale, consolePath(Buffer.from(back ?? '', 'base64url').toString('utf8'))), cookies);
  }

  return async function handle(event: APIGatewayProxyEventV2): Promise<Result> {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath.replace(/\/+$/, '') || '/console';
    const jar = cookiesOf(event);
    const locale = consoleLocale(jar[COOKIES.lang], event.headers['accept-language']);
    const t = TEXT[locale];
    const now = new Date();

    if (method === 'GET' && path === '/console/language') {
      const query = new URLSearchParams(event.rawQueryString);
      const to = consoleLocale(query.get('to') ?? undefined, undefined);
      return redirect(consolePath(query.get('back')), [setCookie(COOKIES.lang, to, { maxAge: 365 * 86400, sameSite: 'Lax' })]);
    }
    if (method === 'GET' && path === '/console' && new URLSearchParams(event.rawQueryString).has('code')) return callback(event, jar, locale);

    const current = await session(jar);
    if (!current.claims) {
      if (method !== 'GET') return html(401, signInProblemPage(locale, t.signIn.failed), current.cookies);
      const attempt = newSignInAttempt();
      const back = Buffer.from(consolePath(`${path}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`)).toString('base64url');
      return redirect(deps.signIn.authorizeUrl(attempt.state, attempt.challenge), [
        ...current.cookies,
        setCookie(COOKIES.signIn, `${attempt.state}.${attempt.verifier}.${back}`, { maxAge: 600, sameSite: 'Lax' }),
      ]);
    }
    const { operator, token } = current as { operator?: Operator; token: string };
    if (!operator) return html(403, signInProblemPage(locale, t.signIn.noRole), current.cookies);

    let form = new URLSearchParams();
    if (method === 'POST') {
      form = new URLSearchParams(rawBody(event));
      if (!isSameOriginPost(event, form, token)) return html(403, signInProblemPage(locale, t.errors.csrf), current.cookies);
      if (path === '/console/sign-out') return redirect(deps.signIn.logoutUrl(), [clearCookie(COOKIES.session), clearCookie(COOKIES.refresh)]);
    }

    const opsRoute = opsRouteOf(method, path);
    if (!opsRoute) return html(404, signInProblemPage(locale, t.errors.not_found), current.cookies);
    const needs = roleNeededFor(method, opsRoute);
    if (!roleAllows(operator.role, needs)) return html(403, signInProblemPage(locale, `${t.signIn.forbidden} ${needs}.`), current.cookies);

    const ctx = {
      operator,
      locale,
      csrf: csrfTokenFor(token),
      path: `${path}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`,
      now,
      timeZone: consoleZone(deps),
      zoneOf: zonesOf(deps),
    };
    if (method === 'POST') {
      const [, , , caseId = '', action = ''] = path.split('/');
      if (!CASE_ID_PATTERN.test(caseId)) return html(404, signInProblemPage(locale, t.errors.not_found), current.cookies);
      // The forms' code (decisions, pauses, follow-ups: their rules and checks) is imported by the first form sent.
      const { runAction } = await import('./console-actions.js');
      const outcome = await runAction({ ...deps, markets: await deps.actionMarkets() }, action as ConsoleAction, caseId, form, operator, locale, now);
      if ('done' in outcome) {
        const to = action === 'claim' && form.get('back') === 'queue' ? `/console?done=${outcome.done}` : `/console/cases/${caseId}?done=${outcome.done}`;
        return redirect(to, current.cookies);
      }
      const page = await renderPage(pageDeps(deps), { ...ctx, path: `/console/cases/${caseId}` }, 'GET', `/console/cases/${caseId}`, new URLSearchParams(), {
        kind: 'error',
        text: outcome.error,
      });
      return { ...page, statusCode: outcome.status, ...(current.cookies.length ? { cookies: current.cookies } : {}) };
    }
    const page = await renderPage(pageDeps(deps), ctx, method, path, new URLSearchParams(event.rawQueryString));
    return current.cookies.length ? { ...page, cookies: current.cookies } : page;
  };
}

/** A failed console request answers a plain page (never a stack trace): the action may have been recorded before the failure. */
export function withFailurePage(app: (event: APIGatewayProxyEventV2) => Promise<Result>, logError: (message: string, detail: Record<string, unknown>) => void) {
  return async (event: APIGatewayProxyEventV2): Promise<Result> => {
    try {
      return await app(event);
    } catch (error) {
      logError('console request failed', { errorName: (error as Error).name });
      return {
        statusCode: 500,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        body: 'The console failed to answer. Reload the page; read the case before trying an action again.',
      };
    }
  };
}

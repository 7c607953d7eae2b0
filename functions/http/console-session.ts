import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * The console's cookies and CSRF defence (docs/operations.md "Console"). Every cookie is HttpOnly, Secure and
 * `__Host-` (no Domain, Path=/: no sibling subdomain can set or read it).
 * - SESSION: the operator's access token, SameSite=Strict: a request started on another site never carries it.
 * - REFRESH: the refresh token, to renew the session without a new sign-in, SameSite=Strict.
 * - SIGN_IN: the sign-in attempt (state, PKCE verifier, where to go back), SameSite=Lax, because the hosted sign-in
 *   page sends the browser back to us from its own site, and a Strict cookie would not come along; 10 minutes.
 */
export const COOKIES = { session: '__Host-console-session', refresh: '__Host-console-refresh', signIn: '__Host-console-sign-in', lang: '__Host-console-lang' } as const;

export function cookiesOf(event: APIGatewayProxyEventV2): Record<string, string> {
  const jar: Record<string, string> = {};
  for (const cookie of event.cookies ?? []) {
    const at = cookie.indexOf('=');
    if (at > 0) jar[cookie.slice(0, at).trim()] = cookie.slice(at + 1).trim();
  }
  return jar;
}

export function setCookie(name: string, value: string, opts: { maxAge: number; sameSite?: 'Strict' | 'Lax' }): string {
  return `${name}=${value}; Path=/; Max-Age=${opts.maxAge}; HttpOnly; Secure; SameSite=${opts.sameSite ?? 'Strict'}`;
}

export const clearCookie = (name: string) => setCookie(name, '', { maxAge: 0 });

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/** A new sign-in attempt: `state` against forged callbacks, and the PKCE verifier with its S256 challenge. */
export function newSignInAttempt(): { state: string; verifier: string; challenge: string } {
  const verifier = base64url(randomBytes(32));
  return { state: base64url(randomBytes(16)), verifier, challenge: base64url(createHash('sha256').update(verifier).digest()) };
}

/**
 * The session's CSRF token: derived from the access token in the HttpOnly cookie, which another site can neither read
 * nor guess, so a forged form cannot carry it. Every console form posts it; no server-side state is needed.
 */
export function csrfTokenFor(accessToken: string): string {
  return base64url(createHash('sha256').update(`console-csrf\0${accessToken}`).digest()).slice(0, 32);
}

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Our own origin as the browser sees it (API Gateway sets x-forwarded-proto; the host is the API's). */
export function originOf(event: APIGatewayProxyEventV2): string {
  return `${event.headers['x-forwarded-proto'] ?? 'https'}://${event.headers.host ?? event.requestContext.domainName}`;
}

/**
 * A POST is ours when the browser says it comes from our origin (every current browser sends Origin on a POST; one
 * without it is refused too) and carries the session's CSRF token.
 */
export function isSameOriginPost(event: APIGatewayProxyEventV2, form: URLSearchParams, accessToken: string): boolean {
  const origin = event.headers.origin;
  if (!origin || origin !== originOf(event)) return false;
  return sameToken(form.get('csrf') ?? '', csrfTokenFor(accessToken));
}

/** A path inside the console to go back to after signing in; anything else (another site, `//host`) is the queue. */
export function consolePath(value: string | null | undefined): string {
  return value && /^\/console(\/[\w\-./?=&%]*)?$/.test(value) && !value.includes('//') && !value.includes('..') ? value : '/console';
}

import { createHash, generateKeyPairSync, randomBytes, sign, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalOperator } from './operators.js';

/** Where the local stand-in for Cognito's hosted sign-in lives on the API port; also the issuer of its tokens. */
export const LOCAL_SIGN_IN_PATH = '/local/operator-sign-in';
export const LOCAL_CONSOLE_CLIENT_ID = 'local-ops-console';
const TOKEN_LIFETIME_S = 3600;
const CODE_LIFETIME_MS = 5 * 60_000;

interface PendingCode {
  operator: LocalOperator;
  challenge: string;
  redirectUri: string;
  expires: number;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

/**
 * Cognito's hosted sign-in, locally: the same OAuth endpoints the console uses in AWS (`/oauth2/authorize` with the
 * authorization code flow and PKCE S256, `/oauth2/token`, `/logout`) and the same issuer shape (`<issuer>/.well-known/
 * jwks.json`), so the console function runs unchanged and verifies real RS256 access tokens with aws-jwt-verify. The
 * sign-in form has one field, the operator's token (OPS_USERS / OPS_TOKEN, local/operators.ts); the access token it
 * issues carries the claims a Cognito access token of that user would (`username`, `cognito:groups`, `client_id`,
 * `token_use`). Keys are made at each start: a restart signs everyone out.
 */
export function localOperatorSignIn(operators: readonly LocalOperator[], baseUrl: () => string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = b64url(
    createHash('sha256')
      .update(publicKey.export({ format: 'der', type: 'spki' }))
      .digest()
      .subarray(0, 12),
  );
  const known = operators.map((operator) => ({ operator, digest: digest(operator.token) }));
  const codes = new Map<string, PendingCode>();
  const refreshTokens = new Map<string, LocalOperator>();
  const issuer = () => `${baseUrl()}${LOCAL_SIGN_IN_PATH}`;
  const consoleUrl = () => `${baseUrl()}/console`;

  const accessToken = (operator: LocalOperator) => signJwt(privateKey, kid, claimsOf(operator, issuer()));

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (!url.pathname.startsWith(`${LOCAL_SIGN_IN_PATH}/`)) return false;
    const route = `${req.method} ${url.pathname.slice(LOCAL_SIGN_IN_PATH.length)}`;
    if (route === 'GET /.well-known/jwks.json') {
      send(res, 200, 'application/json', JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] }));
    } else if (route === 'GET /oauth2/authorize') {
      const problem = checkAuthorize(url.searchParams, consoleUrl());
      send(res, problem ? 400 : 200, 'text/html; charset=utf-8', problem ? `<p>${escape(problem)}</p>` : signInForm(url.searchParams));
    } else if (route === 'POST /oauth2/authorize') {
      const form = new URLSearchParams(await readText(req));
      const problem = checkAuthorize(form, consoleUrl());
      if (problem) return (send(res, 400, 'text/html; charset=utf-8', `<p>${escape(problem)}</p>`), true);
      const presented = digest(form.get('token') ?? '');
      let operator: LocalOperator | undefined;
      for (const candidate of known) if (timingSafeEqual(presented, candidate.digest)) operator = candidate.operator;
      if (!operator) return (send(res, 401, 'text/html; charset=utf-8', signInForm(form, 'No local operator has this token.')), true);
      for (const [old, pending] of codes) if (pending.expires <= Date.now()) codes.delete(old); // unused codes expire
      const code = b64url(randomBytes(24));
      codes.set(code, { operator, challenge: form.get('code_challenge')!, redirectUri: form.get('redirect_uri')!, expires: Date.now() + CODE_LIFETIME_MS });
      res.writeHead(302, { location: `${form.get('redirect_uri')}?${new URLSearchParams({ code, state: form.get('state') ?? '' })}`, 'cache-control': 'no-store' }).end();
    } else if (route === 'POST /oauth2/token') {
      const form = new URLSearchParams(await readText(req));
      if (form.get('client_id') !== LOCAL_CONSOLE_CLIENT_ID) return (send(res, 400, 'application/json', '{"error":"invalid_client"}'), true);
      let operator: LocalOperator | undefined;
      if (form.get('grant_type') === 'authorization_code') {
        const pending = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (pending && pending.expires > Date.now() && pending.redirectUri === form.get('redirect_uri') && b64url(digest(verifier)) === pending.challenge)
          operator = pending.operator;
      } else if (form.get('grant_type') === 'refresh_token') {
        operator = refreshTokens.get(form.get('refresh_token') ?? '');
      }
      if (!operator) return (send(res, 400, 'application/json', '{"error":"invalid_grant"}'), true);
      const refresh = form.get('grant_type') === 'authorization_code' ? b64url(randomBytes(32)) : undefined;
      if (refresh) refreshTokens.set(refresh, operator);
      send(
        res,
        200,
        'application/json',
        JSON.stringify({ access_token: accessToken(operator), token_type: 'Bearer', expires_in: TOKEN_LIFETIME_S, ...(refresh ? { refresh_token: refresh } : {}) }),
      );
    } else if (route === 'GET /logout') {
      const back = url.searchParams.get('logout_uri');
      res.writeHead(302, { location: back === consoleUrl() ? back : '/', 'cache-control': 'no-store' }).end();
    } else return false;
    return true;
  };
}

/** What Cognito checks before showing its page: our client, the registered callback, a code flow with S256 PKCE. */
function checkAuthorize(params: URLSearchParams, consoleUrl: string): string | undefined {
  if (params.get('client_id') !== LOCAL_CONSOLE_CLIENT_ID) return 'unknown client_id';
  if (params.get('redirect_uri') !== consoleUrl) return 'redirect_uri is not the registered callback';
  if (params.get('response_type') !== 'code' || params.get('code_challenge_method') !== 'S256' || !params.get('code_challenge'))
    return 'use the code flow with a PKCE S256 challenge';
  return undefined;
}

function signInForm(params: URLSearchParams, problem?: string): string {
  const hidden = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method']
    .map((name) => `<input type="hidden" name="${name}" value="${escape(params.get(name) ?? '')}">`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Operator sign-in (local)</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;line-height:1.5}input,button{font:inherit;width:100%;padding:.5rem;margin:.25rem 0}button{background:#1a5fb4;color:#fff;border:0;border-radius:.3rem}.error{color:#a51d2d}</style></head>
<body><main><h1>Operator sign-in</h1><p>Local runtime: sign in with an operator's token (printed by <code>npm start</code>: dev-viewer-token, dev-agent-token, dev-supervisor-token). In AWS this is Cognito's hosted page.</p>
${problem ? `<p role="alert" class="error">${escape(problem)}</p>` : ''}<form method="post">${hidden}<label for="token">Operator token</label><input id="token" name="token" type="password" autocomplete="off" required><button type="submit">Sign in</button></form></main></body></html>`;
}

/** A Cognito access token's claims for this operator (what the console reads: username, cognito:groups, client_id, token_use). */
function claimsOf(operator: LocalOperator, issuer: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const hex = digest(`local-operator:${operator.name}`).toString('hex');
  return {
    sub: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`,
    'cognito:groups': [operator.role],
    iss: issuer,
    client_id: LOCAL_CONSOLE_CLIENT_ID,
    token_use: 'access',
    scope: 'openid email',
    auth_time: now,
    iat: now,
    exp: now + TOKEN_LIFETIME_S,
    jti: b64url(randomBytes(16)),
    username: operator.name,
  };
}

function signJwt(key: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const head = b64url(JSON.stringify({ kid, alg: 'RS256' }));
  const body = b64url(JSON.stringify(claims));
  return `${head}.${body}.${b64url(sign('RSA-SHA256', Buffer.from(`${head}.${body}`), key))}`;
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) break;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-frame-options': 'DENY' });
  res.end(body);
}

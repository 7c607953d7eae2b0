import { JwtVerifier } from 'aws-jwt-verify';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';

/**
 * Where operators sign in: an OAuth 2.0 authorization server with the authorization code flow and PKCE, and the
 * issuer of the access tokens it hands out. In AWS that is the Cognito user pool's hosted sign-in (its domain's
 * `/oauth2/authorize`, `/oauth2/token`, `/logout`; issuer `https://cognito-idp.<region>.<suffix>/<poolId>`); locally
 * the local runtime serves the same endpoints and issuer shape (local/operator-sign-in.ts). Only these URLs differ.
 */
export interface SignInEndpoints {
  /** Base URL of the hosted sign-in (OPERATOR_SIGN_IN_URL): `<base>/oauth2/authorize`, `/oauth2/token`, `/logout`. */
  signInUrl: string;
  /** The tokens' `iss` (OPERATOR_ISSUER); its keys are at `<issuer>/.well-known/jwks.json`, as Cognito publishes them. */
  issuer: string;
  /** The console's app client (OPERATOR_CLIENT_ID): an access token must name it in `client_id`. */
  clientId: string;
  /** Where the sign-in sends the operator back with the code (CONSOLE_URL): the registered callback. */
  redirectUri: string;
}

export interface Tokens {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

/**
 * aws-jwt-verify fetches keys with Node's `https` module; the global fetch reaches the same https JWKS in AWS and the
 * local runtime's http one, so one code path serves both.
 */
const fetchFetcher: Fetcher = {
  async fetch(uri) {
    const response = await fetch(uri, { signal: AbortSignal.timeout(3000) });
    if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
    return response.arrayBuffer();
  },
};

export class OperatorSignInClient {
  private readonly verifier;

  constructor(private readonly endpoints: SignInEndpoints) {
    const { issuer, clientId } = endpoints;
    // A Cognito access token carries its client in `client_id` (no `aud`), and `token_use: access`: both are checked,
    // as CognitoJwtVerifier does for access tokens, but against the issuer given here (also right in China regions).
    this.verifier = JwtVerifier.create(
      {
        issuer,
        jwksUri: `${issuer}/.well-known/jwks.json`,
        audience: null,
        customJwtCheck: ({ payload }) => {
          if (payload.token_use !== 'access') throw new Error('not an access token');
          if (payload.client_id !== clientId) throw new Error('token of another client');
        },
      },
      { jwksCache: new SimpleJwksCache({ fetcher: fetchFetcher }) },
    );
  }

  /** The verified claims of an access token, or undefined for a token that is forged, expired or not ours. */
  async verify(token: string): Promise<Record<string, unknown> | undefined> {
    try {
      return (await this.verifier.verify(token)) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }

  /** The hosted sign-in page for this attempt (`state` and the PKCE S256 `challenge` are the console's). */
  authorizeUrl(state: string, challenge: string): string {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: this.endpoints.clientId,
      redirect_uri: this.endpoints.redirectUri,
      scope: 'openid email',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    return `${this.endpoints.signInUrl}/oauth2/authorize?${query}`;
  }

  logoutUrl(): string {
    return `${this.endpoints.signInUrl}/logout?${new URLSearchParams({ client_id: this.endpoints.clientId, logout_uri: this.endpoints.redirectUri })}`;
  }

  /** Exchanges the code from the callback (with its PKCE verifier) for tokens; undefined when refused. */
  exchangeCode(code: string, verifier: string): Promise<Tokens | undefined> {
    return this.token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: this.endpoints.redirectUri });
  }

  /** A new access token from the refresh token (Cognito: up to 12 hours after sign-in); undefined when refused. */
  refresh(refreshToken: string): Promise<Tokens | undefined> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  private async token(form: Record<string, string>): Promise<Tokens | undefined> {
    const response = await fetch(`${this.endpoints.signInUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, client_id: this.endpoints.clientId }),
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { access_token?: unknown; expires_in?: unknown; refresh_token?: unknown };
    if (typeof body.access_token !== 'string') return undefined;
    return {
      accessToken: body.access_token,
      expiresIn: typeof body.expires_in === 'number' ? body.expires_in : 3600,
      ...(typeof body.refresh_token === 'string' ? { refreshToken: body.refresh_token } : {}),
    };
  }
}

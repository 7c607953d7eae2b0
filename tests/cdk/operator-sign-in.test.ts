import { Template } from 'aws-cdk-lib/assertions';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, joinToString } from './synth.js';

/** Operators' sign-in (lib/constructs/operator-sign-in.ts): the Cognito user pool, its groups, and /ops behind its JWT. */
type Resource = { Type: string; Properties: Record<string, any> };
let resources: Record<string, Resource>;
let outputs: Record<string, { Value: unknown }>;
let mappings: Record<string, unknown>;
let outdir: string;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const only = (type: string) => {
  const found = ofType(type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};

beforeAll(() => {
  const built = buildApp({ builtinCloudFormationValidation: false });
  outdir = built.outdir;
  const template = Template.fromStack(built.stack).toJSON();
  resources = template.Resources as Record<string, Resource>;
  outputs = template.Outputs as Record<string, { Value: unknown }>;
  mappings = (template.Mappings ?? {}) as Record<string, unknown>;
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('operator user pool', () => {
  it('admin-created users only, username or email to sign in, a strong password and a TOTP code every time', () => {
    const [, pool] = only('AWS::Cognito::UserPool');
    expect(pool.Properties.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    expect(pool.Properties.AliasAttributes).toEqual(['email']);
    expect(pool.Properties.UsernameAttributes).toBeUndefined();
    expect(pool.Properties.Policies.PasswordPolicy).toMatchObject({ RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true });
    expect(pool.Properties.Policies.PasswordPolicy.MinimumLength).toBeGreaterThanOrEqual(12);
    expect(pool.Properties.MfaConfiguration).toBe('ON');
    expect(pool.Properties.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(pool.Properties.UserPoolTier).toBe('PLUS');
    expect(pool.Properties.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
  });

  it('has exactly the three role groups, in that pool', () => {
    const [poolId] = only('AWS::Cognito::UserPool');
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties);
    expect(groups.map((g) => g.GroupName).sort()).toEqual(['agent', 'supervisor', 'viewer']);
    for (const group of groups) expect(group.UserPoolId).toEqual({ Ref: poolId });
  });

  it("one public app client for the hosted UI: authorization code grant, no secret, back to the API's /console", () => {
    const [poolId] = only('AWS::Cognito::UserPool');
    const [, client] = only('AWS::Cognito::UserPoolClient');
    expect(client.Properties.UserPoolId).toEqual({ Ref: poolId });
    expect(client.Properties.GenerateSecret).toBe(false);
    expect(client.Properties.AllowedOAuthFlows).toEqual(['code']);
    expect(client.Properties.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(client.Properties.SupportedIdentityProviders).toEqual(['COGNITO']);
    const [apiId] = only('AWS::ApiGatewayV2::Api');
    expect(client.Properties.CallbackURLs.map(joinToString)).toEqual([`https://\${Ref:${apiId}}.execute-api.\${Ref:AWS::Region}.\${Ref:AWS::URLSuffix}/console`]);
  });

  it('a Cognito domain whose prefix comes from the stack name, made unique by the stack id', () => {
    const [poolId] = only('AWS::Cognito::UserPool');
    const [, domain] = only('AWS::Cognito::UserPoolDomain');
    expect(domain.Properties.UserPoolId).toEqual({ Ref: poolId });
    expect(joinToString(domain.Properties.Domain)).toMatch(/^aftersales-ops-\$\{.*AWS::StackId.*\}$/);
  });
});

describe('the /ops route', () => {
  const opsRoute = () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey.includes(' /ops'));
    expect(routes.map(([, r]) => r.Properties.RouteKey)).toEqual(['ANY /ops/{proxy+}']);
    return routes[0]![1];
  };

  it('uses the JWT authorizer with the pool as issuer and the app client as audience', () => {
    const route = opsRoute();
    expect(route.Properties.AuthorizationType).toBe('JWT');
    const authorizer = resources[route.Properties.AuthorizerId.Ref]!;
    expect(authorizer.Type).toBe('AWS::ApiGatewayV2::Authorizer');
    const [poolId] = only('AWS::Cognito::UserPool');
    const [clientId] = only('AWS::Cognito::UserPoolClient');
    expect(authorizer.Properties).toMatchObject({ AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'] });
    expect(authorizer.Properties.ApiId).toEqual(route.Properties.ApiId);
    expect(authorizer.Properties.JwtConfiguration.Audience).toEqual([{ Ref: clientId }]);
    expect(joinToString(authorizer.Properties.JwtConfiguration.Issuer)).toBe(`https://cognito-idp.\${Ref:AWS::Region}.\${Ref:AWS::URLSuffix}/\${Ref:${poolId}}`);
  });

  it('no IAM authorizer is left on any route', () => {
    const iam = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.AuthorizationType === 'AWS_IAM');
    expect(iam).toEqual([]);
  });
});

describe('the console', () => {
  const consoleRoutes = () => ofType('AWS::ApiGatewayV2::Route').filter(([, r]) => r.Properties.RouteKey.includes(' /console'));
  const consoleFunction = () => {
    const found = ofType('AWS::Lambda::Function').filter(([, f]) => f.Properties.Environment?.Variables?.OPERATOR_ISSUER !== undefined);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('GET /console and GET/POST /console/{proxy+}, without the JWT authorizer (browsers send no Authorization header)', () => {
    expect(
      consoleRoutes()
        .map(([, r]) => r.Properties.RouteKey)
        .sort(),
    ).toEqual(['GET /console', 'GET /console/{proxy+}', 'POST /console/{proxy+}']);
    for (const [, route] of consoleRoutes()) {
      expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
      expect(route.Properties.AuthorizerId).toBeUndefined();
    }
  });

  it('all three routes reach the console function', () => {
    const [fnId] = consoleFunction();
    const targets = new Set(consoleRoutes().map(([, r]) => JSON.stringify(r.Properties.Target)));
    expect(targets.size).toBe(1);
    const integrationId = /\$\{Ref:(\w+)\}/.exec(joinToString(consoleRoutes()[0]![1].Properties.Target))?.[1];
    expect(JSON.stringify(resources[integrationId!]!.Properties.IntegrationUri)).toContain(fnId);
  });

  it('verifies tokens of the pool and its app client, and sends operators to the hosted sign-in with the callback on /console', () => {
    const [, fn] = consoleFunction();
    const env = fn.Properties.Environment.Variables;
    const [poolId] = only('AWS::Cognito::UserPool');
    const [clientId] = only('AWS::Cognito::UserPoolClient');
    const [domainId] = only('AWS::Cognito::UserPoolDomain');
    expect(joinToString(env.OPERATOR_ISSUER)).toBe(`https://cognito-idp.\${Ref:AWS::Region}.\${Ref:AWS::URLSuffix}/\${Ref:${poolId}}`);
    expect(env.OPERATOR_CLIENT_ID).toEqual({ Ref: clientId });
    expect(joinToString(env.OPERATOR_SIGN_IN_URL)).toBe(`https://\${Ref:${domainId}}.auth.\${Ref:AWS::Region}.amazoncognito.com`);
    const [, client] = only('AWS::Cognito::UserPoolClient');
    expect(joinToString(env.CONSOLE_URL)).toBe(client.Properties.CallbackURLs.map(joinToString)[0]);
    // The console host by partition (China regions have their own), from the ConsoleHosts mapping.
    expect(joinToString(env.EXECUTION_LINK)).toBe(
      `https://\${Ref:AWS::Region}.\${{'Fn::FindInMap':['ConsoleHosts',{'Ref':'AWS::Partition'},'host']}}/states/home?region=\${Ref:AWS::Region}#/v2/executions/details/{executionArn}`,
    );
    expect(mappings.ConsoleHosts).toEqual({
      aws: { host: 'console.aws.amazon.com' },
      'aws-cn': { host: 'console.amazonaws.cn' },
      'aws-us-gov': { host: 'console.amazonaws-us-gov.com' },
    });
  });
});

describe('outputs', () => {
  it('the user pool id, the client id and the hosted sign-in URL', () => {
    const [poolId] = only('AWS::Cognito::UserPool');
    const [clientId] = only('AWS::Cognito::UserPoolClient');
    const [domainId] = only('AWS::Cognito::UserPoolDomain');
    expect(outputs.OperatorUserPoolId?.Value).toEqual({ Ref: poolId });
    expect(outputs.OperatorClientId?.Value).toEqual({ Ref: clientId });
    const url = joinToString(outputs.OperatorSignInUrl?.Value);
    expect(url).toMatch(new RegExp(`^https://\\$\\{Ref:${domainId}\\}\\.auth\\.\\$\\{Ref:AWS::Region\\}\\.amazoncognito\\.com/login\\?`));
    expect(url).toContain(`client_id=\${Ref:${clientId}}`);
    expect(url).toContain('response_type=code');
    expect(url).toMatch(/redirect_uri=https:\/\/.*\/console$/);
  });
});

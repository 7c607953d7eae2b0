import { Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { OPERATOR_ROLES, type OperatorRole } from '../../functions/domain/operators.js';

export interface OperatorSignInProps {
  /** Where the hosted sign-in page sends an operator back with the authorization code: the API's `/console`. */
  consoleUrl: string;
}

const GROUP_DESCRIPTIONS: Record<OperatorRole, string> = {
  viewer: 'Reads cases, reviews, alerts and SLA lists; cannot change anything.',
  agent: "Decides reviews within the policy's agent limit, claims reviews, records follow-ups.",
  supervisor: 'Any amount, pause and resume, reassignment, reports and the audit log.',
};

/**
 * Operators' sign-in (docs/domain.md "Operators and money"): an Amazon Cognito user pool whose groups are the roles, a
 * hosted sign-in page, and the HTTP API JWT authorizer that checks its tokens on /ops. Users are created by an
 * administrator only; every sign-in needs a password and a TOTP code.
 */
export class OperatorSignIn extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;
  /** Issuer = the pool, audience = the app client: ID tokens carry the client in `aud`, access tokens in `client_id`. */
  readonly authorizer: HttpJwtAuthorizer;
  readonly issuer: string;
  /** The hosted sign-in page, with the authorization code flow back to the console. */
  readonly signInUrl: string;

  constructor(scope: Construct, id: string, props: OperatorSignInProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.userPool = new UserPool(this, 'Operators', {
      selfSignUpEnabled: false,
      // The username is the operator's name on timelines and in the audit log; the email is only a second way in.
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        passwordHistorySize: 5,
        tempPasswordValidity: Duration.days(3),
      },
      // Operators move money: a stolen password alone must not be enough.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      // Plus: compromised-credential and risky sign-in detection, enforced (blocks or challenges).
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
    });

    OPERATOR_ROLES.forEach((role, index) => {
      this.userPool.addGroup(`${role[0]!.toUpperCase()}${role.slice(1)}Group`, {
        groupName: role,
        description: GROUP_DESCRIPTIONS[role],
        // Lower wins in Cognito; the handler itself takes the strongest of a user's groups either way.
        precedence: (OPERATOR_ROLES.length - index) * 10,
      });
    });

    this.client = this.userPool.addClient('ConsoleClient', {
      userPoolClientName: 'ops-console',
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL],
        callbackUrls: [props.consoleUrl],
        logoutUrls: [props.consoleUrl],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      // About one working shift; after that the operator signs in again (password and TOTP).
      refreshTokenValidity: Duration.hours(12),
    });

    this.domain = this.userPool.addDomain('HostedSignIn', { cognitoDomain: { domainPrefix: domainPrefixFor(stack) } });
    this.signInUrl = this.domain.signInUrl(this.client, { redirectUri: props.consoleUrl });

    // Cognito's issuer; urlSuffix keeps it right in the China regions (amazonaws.com.cn).
    this.issuer = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`;
    this.authorizer = new HttpJwtAuthorizer('OperatorAuthorizer', this.issuer, {
      authorizerName: 'operators',
      jwtAudience: [this.client.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });
  }
}

/**
 * A Cognito domain prefix from the stack name (lower-case letters, digits, hyphens; the reserved words aws, amazon
 * and cognito left out). Prefixes are unique across all AWS accounts in a region, so the first group of the stack's
 * own id follows: two deployments of this project never collide.
 */
function domainPrefixFor(stack: Stack): string {
  const name = Token.isUnresolved(stack.stackName) ? 'aftersales' : stack.stackName;
  const base =
    name
      .toLowerCase()
      .replace(/aws|amazon|cognito/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'aftersales';
  const stackUuidHead = Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', stack.stackId))));
  return `${base}-ops-${stackUuidHead}`;
}

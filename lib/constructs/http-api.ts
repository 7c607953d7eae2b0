import { Lazy, RemovalPolicy } from 'aws-cdk-lib';
import { CfnRoute, type CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type HttpRoute, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DataKey } from './data-key.js';
import { DEFAULT_ROUTE_LIMIT, ROUTE_LIMITS, routeGroupOf } from '../route-limits.js';

/**
 * One JSON line per request. The CDK default is REST API's common log format, whose `$context.resourcePath` HTTP APIs
 * do not have: lines said neither route nor path. `error` is API Gateway's own (e.g. "Too Many Requests" when a
 * route's throttle refused), `operator` the JWT's username on /ops. No query string, headers or body: status links
 * carry their token in the query; a survey link's single-use token is in the path.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  routeKey: '$context.routeKey',
  method: '$context.httpMethod',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatencyMs: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatencyMs: '$context.integrationLatency',
  error: '$context.error.message',
  integrationError: '$context.integrationErrorMessage',
  operator: '$context.authorizer.claims.username',
  sourceIp: '$context.identity.sourceIp',
} as const;

/**
 * One HTTP API for the three audiences: the order platform (signed webhooks), operators (/ops, Cognito JWT, added by
 * addOperatorRoutes) and customers (survey links and status pages, authorized by the unguessable or signed token in
 * their link). Made first, with no routes: each capability adds its own, and knows the API's URL when it builds its
 * functions. Access-logged, and throttled per route from lib/route-limits.ts: a flood of one audience cannot take the
 * others' capacity.
 */
export class PipelineHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** Routes without an authorizer (webhook signature, survey token); listed for the cdk-nag acknowledgement. */
  readonly publicRoutes: Construct[] = [];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', { description: 'After-sales pipeline', createDefaultStage: false });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY, encryptionKey: DataKey.of(this) });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: DEFAULT_ROUTE_LIMIT,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)) },
    });

    // Each route key gets its group's bucket. A route setting names a route that must already exist, so the stage
    // is created after its routes; a route without a group fails the synth (it needs a decision).
    const stageResource = this.stage.node.defaultChild as CfnStage;
    stageResource.routeSettings = Lazy.any({ produce: () => this.routeSettings() });
  }

  /**
   * Routes without an authorizer: each is authenticated by what it carries (a webhook's signature, a survey link's
   * token, a status link's signed token), and listed for the cdk-nag acknowledgement.
   */
  addPublicRoutes(path: string, methods: HttpMethod[], integrationId: string, handler: IFunction): void {
    const routes = this.limited(this.api.addRoutes({ path, methods, integration: new HttpLambdaIntegration(integrationId, handler) }));
    this.publicRoutes.push(...routes);
  }

  /** The operations API, behind the operators' JWT authorizer (lib/constructs/operator-sign-in.ts). */
  addOperatorRoutes(opsApi: IFunction, authorizer: IHttpRouteAuthorizer): void {
    this.limited(
      this.api.addRoutes({
        path: '/ops/{proxy+}',
        methods: [HttpMethod.ANY],
        integration: new HttpLambdaIntegration('OpsIntegration', opsApi),
        authorizer,
      }),
    );
  }

  /** Routes enter the stage's route settings through here; the stage then depends on them. */
  private limited(routes: HttpRoute[]): HttpRoute[] {
    for (const route of routes) this.stage.node.addDependency(route);
    return routes;
  }

  /** CloudFormation's own spelling: a raw L1 map is written to the template as is. */
  private routeSettings(): Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> {
    const settings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of this.api.node.findAll().filter((c): c is CfnRoute => c instanceof CfnRoute)) {
      const group = routeGroupOf(route.routeKey);
      if (!group) throw new Error(`HTTP API route "${route.routeKey}" has no limits: add it to a group in lib/route-limits.ts`);
      const { rateLimit, burstLimit } = ROUTE_LIMITS[group];
      // Both values on every entry: a route setting's missing field falls back to AWS's account limit, not the stage default.
      settings[route.routeKey] = { ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit };
    }
    return settings;
  }

  /**
   * The operators' console (HTML). No JWT authorizer: a browser navigation carries no Authorization header, so the
   * console signs operators in through Cognito's hosted page and verifies the access token from its own cookie on
   * every request (functions/http/console-app.ts). Its routes are acknowledged for cdk-nag for that reason, and limited
   * with the operations group (lib/route-limits.ts).
   */
  addConsoleRoutes(consoleFn: IFunction): void {
    const integration = new HttpLambdaIntegration('ConsoleIntegration', consoleFn);
    const routes = this.limited([
      ...this.api.addRoutes({ path: '/console', methods: [HttpMethod.GET], integration }),
      ...this.api.addRoutes({ path: '/console/{proxy+}', methods: [HttpMethod.GET, HttpMethod.POST], integration }),
    ]);
    this.consoleRoutes.push(...routes);
  }

  /** The console's routes (no authorizer: it verifies its session cookie itself), for the cdk-nag acknowledgement. */
  readonly consoleRoutes: Construct[] = [];

  get url(): string {
    return this.stage.url;
  }
}

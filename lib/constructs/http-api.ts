import { RemovalPolicy } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface PipelineHttpApiProps {
  ingest: IFunction;
  surveyApi: IFunction;
  statusPage: IFunction;
  /** Tracking providers' pushes (POST /webhooks/carriers/{provider}), authenticated by each provider's signature. */
  carrierWebhook?: IFunction;
}

/**
 * One HTTP API for the three audiences: the order platform (signed webhooks), operators (/ops, Cognito JWT, added by
 * addOperatorRoutes once the sign-in exists: its callback is this API's URL) and customers (survey links and status pages, authorized by the unguessable or signed token in their link). Throttled and access-logged.
 */
export class PipelineHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** Routes without an authorizer (webhook signature, survey token); listed for the cdk-nag acknowledgement. */
  readonly publicRoutes: Construct[] = [];

  constructor(scope: Construct, id: string, props: PipelineHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', { description: 'After-sales pipeline', createDefaultStage: false });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });

    const webhookRoutes = this.api.addRoutes({
      path: '/webhooks/order-platform',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('IngestIntegration', props.ingest),
    });
    const surveyRoutes = this.api.addRoutes({
      path: '/surveys/{token}',
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: new HttpLambdaIntegration('SurveyIntegration', props.surveyApi),
    });
    // The customer's status page, authorized by the signed, expiring token in its link.
    const statusRoutes = this.api.addRoutes({
      path: '/cases/{caseId}/status',
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: new HttpLambdaIntegration('StatusPageIntegration', props.statusPage),
    });
    this.publicRoutes.push(...webhookRoutes, ...surveyRoutes, ...statusRoutes);
    if (props.carrierWebhook) {
      const carrierRoutes = this.api.addRoutes({
        path: '/webhooks/carriers/{provider}',
        methods: [HttpMethod.POST],
        integration: new HttpLambdaIntegration('CarrierWebhookIntegration', props.carrierWebhook),
      });
      this.publicRoutes.push(...carrierRoutes);
    }
  }

  /** The operations API, behind the operators' JWT authorizer (lib/constructs/operator-sign-in.ts). */
  addOperatorRoutes(opsApi: IFunction, authorizer: IHttpRouteAuthorizer): void {
    this.api.addRoutes({
      path: '/ops/{proxy+}',
      methods: [HttpMethod.ANY],
      integration: new HttpLambdaIntegration('OpsIntegration', opsApi),
      authorizer,
    });
  }

  /**
   * The operators' console (HTML). No JWT authorizer: a browser navigation carries no Authorization header, so the
   * console signs operators in through Cognito's hosted page and verifies the access token from its own cookie on
   * every request (functions/http/console-app.ts). Listed with the public routes for that reason.
   */
  addConsoleRoutes(consoleFn: IFunction): void {
    const integration = new HttpLambdaIntegration('ConsoleIntegration', consoleFn);
    const routes = [
      ...this.api.addRoutes({ path: '/console', methods: [HttpMethod.GET], integration }),
      ...this.api.addRoutes({ path: '/console/{proxy+}', methods: [HttpMethod.GET, HttpMethod.POST], integration }),
    ];
    this.consoleRoutes.push(...routes);
  }

  /** The console's routes (no authorizer: it verifies its session cookie itself), for the cdk-nag acknowledgement. */
  readonly consoleRoutes: Construct[] = [];

  get url(): string {
    return this.stage.url;
  }
}

import { RemovalPolicy } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface PipelineHttpApiProps {
  ingest: IFunction;
  opsApi: IFunction;
  surveyApi: IFunction;
  statusPage: IFunction;
}

/**
 * One HTTP API for the three audiences: the order platform (signed webhooks), operators (/ops, IAM-authorized)
 * and customers (survey links and status pages, authorized by the unguessable or signed token in their link). Throttled and access-logged.
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
    this.api.addRoutes({
      path: '/ops/{proxy+}',
      methods: [HttpMethod.ANY],
      integration: new HttpLambdaIntegration('OpsIntegration', props.opsApi),
      authorizer: new HttpIamAuthorizer(),
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
  }

  get url(): string {
    return this.stage.url;
  }
}

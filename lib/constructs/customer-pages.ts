import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { Capability } from './capability.js';
import type { PipelineHttpApi } from './http-api.js';
import { ProjectFunction } from './project-function.js';

export interface CustomerPagesProps {
  table: ITable;
  stateMachine: StateMachine;
  opsAlerts: ITopic;
  statusLinkSecret: ISecret;
  http: PipelineHttpApi;
}

/**
 * The pages a customer opens from a notice: the satisfaction survey (/surveys/{token}, an unguessable single-use
 * token) and the case's status page (/cases/{caseId}/status, an HMAC-signed expiring link). Both answer the
 * workflow's waits: a survey answer, or a cancellation from the status page.
 */
export class CustomerPages extends Capability {
  readonly surveyApi: ProjectFunction;
  readonly statusPage: ProjectFunction;

  constructor(scope: Construct, id: string, props: CustomerPagesProps) {
    super(scope, id);
    const { table, stateMachine, opsAlerts, statusLinkSecret, http } = props;
    // A low score alerts operations (follow-up task), so the survey API publishes to the alerts topic.
    this.surveyApi = new ProjectFunction(this, 'SurveyApi', {
      handler: 'survey-api',
      description: 'Customer survey form and answers (/surveys/{token})',
      environment: { TABLE_NAME: table.tableName, OPS_ALERTS_TOPIC_ARN: opsAlerts.topicArn },
    });
    table.grantReadWriteData(this.surveyApi);
    stateMachine.grantTaskResponse(this.surveyApi);
    opsAlerts.grantPublish(this.surveyApi);

    this.statusPage = new ProjectFunction(this, 'StatusPage', {
      handler: 'status-page',
      description: "Customer's case status page (/cases/{caseId}/status, signed link)",
      environment: { TABLE_NAME: table.tableName, STATUS_LINK_SECRET_SECRET_ARN: statusLinkSecret.secretArn },
    });
    table.grantReadWriteData(this.statusPage);
    statusLinkSecret.grantRead(this.statusPage);
    // Cancelling from the page ends the case's wait (SendTaskSuccess), as the order platform's cancellation does.
    stateMachine.grantTaskResponse(this.statusPage);

    http.addPublicRoutes('/surveys/{token}', [HttpMethod.GET, HttpMethod.POST], 'SurveyIntegration', this.surveyApi);
    http.addPublicRoutes('/cases/{caseId}/status', [HttpMethod.GET, HttpMethod.POST], 'StatusPageIntegration', this.statusPage);
  }
}

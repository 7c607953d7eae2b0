import { Aws, CfnMapping, CfnOutput, CfnParameter, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationSet, EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { CarrierApiKeys, CarrierTracking } from './constructs/carrier-tracking.js';
import { CaseTable } from './constructs/case-table.js';
import { DataKey, type DataKeyOption } from './constructs/data-key.js';
import { CaseWorkflow } from './constructs/case-workflow.js';
import { limitContactAccess } from './constructs/contact-access.js';
import { PipelineHttpApi } from './constructs/http-api.js';
import { NoticeDelivery } from './constructs/notice-delivery.js';
import { grantNoticeSending } from './constructs/notice-sending.js';
import { OperatorSignIn } from './constructs/operator-sign-in.js';
import { PipelineMonitoring } from './constructs/pipeline-monitoring.js';
import { PrivacyRetention } from './constructs/privacy-retention.js';
import { ProjectFunction } from './constructs/project-function.js';
import { QueueWithDlq } from './constructs/queue-with-dlq.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';
import { QUEUE_CONSUMER_CONCURRENCY } from './route-limits.js';

/**
 * The after-sales pipeline: HTTP API → ingest → intake queue → start-case → Step Functions case workflow
 * (classify, review, carrier lookup, compensation, survey, close) → notice queue → notifier (SES, SMS).
 */
export interface AftersalesStackProps extends StackProps {
  /** Customer-managed KMS key for data at rest: `create`, a key ARN, or unset (default encryption); else the context value `aftersales:dataKey`. */
  dataKey?: DataKeyOption;
}

export class AftersalesStack extends Stack {
  constructor(scope: Construct, id: string, props?: AftersalesStackProps) {
    super(scope, id, props);
    const dataKey = DataKey.attach(this, props?.dataKey);

    const noticeFromEmail = new CfnParameter(this, 'NoticeFromEmail', {
      type: 'String',
      default: 'aftersales@example.com',
      description: 'Sender address of customer notices; must be a verified SES identity (the stack creates it).',
    });
    const smsOriginationIdentity = new CfnParameter(this, 'SmsOriginationIdentity', {
      type: 'String',
      default: '',
      description: 'End User Messaging SMS origination identity: the ARN of a phone number, sender ID or pool (the notifier may send from it alone); empty lets AWS choose.',
    });
    const carrierProvider = new CfnParameter(this, 'CarrierProvider', {
      type: 'String',
      default: 'aftership',
      allowedValues: ['aftership', '17track', 'kuaidi100', 'simulator'],
      description:
        'Tracking provider for every carrier (docs/carrier-tracking.md); its API key goes in its own secret (CarrierApiKey for AfterShip, CarrierApiKey17track, CarrierApiKeyKuaidi100).',
    });
    const carrierApiUrl = new CfnParameter(this, 'CarrierApiUrl', {
      type: 'String',
      default: 'https://api.aftership.com/',
      description: "Base URL of the tracking provider's API.",
    });
    const kuaidi100Customer = new CfnParameter(this, 'Kuaidi100Customer', {
      type: 'String',
      default: '',
      description: "Kuaidi100's customer id (the account's `customer`, sent with every query); required when Kuaidi100 is the provider.",
    });
    const carrierCodes = new CfnParameter(this, 'CarrierCodes', {
      type: 'String',
      default: '{}',
      description:
        "JSON overrides of the carrier registry's provider codes: canonical carrier code -> the provider's (AfterShip slug, 17TRACK key, Kuaidi100 com). Empty: the registry's (docs/carrier-tracking.md).",
    });
    const proactiveDetection = new CfnParameter(this, 'ProactiveDetection', {
      type: 'String',
      default: 'policy',
      allowedValues: ['policy', 'on', 'off'],
      description: 'Open delayed/lost cases from shipment.created parcels before the customer complains: as the policy says (off in CN), or on/off.',
    });
    const orderPlatformApiUrl = new CfnParameter(this, 'OrderPlatformApiUrl', {
      type: 'String',
      default: 'https://orders.example.com/aftersales/',
      description: "Base URL of the order platform's after-sales API (POST v1/instructions).",
    });

    const { table } = new CaseTable(this, 'Cases');
    const intake = new QueueWithDlq(this, 'Intake', { visibilityTimeout: Duration.seconds(180) });
    // FIFO, grouped by case: a customer's notices arrive in the order of the case's milestones.
    const notices = new QueueWithDlq(this, 'Notices', { visibilityTimeout: Duration.seconds(180), fifo: true });

    const webhookSecret = new Secret(this, 'WebhookSecret', {
      description: 'Standard Webhooks signing secret shared with the order platform (whsec_<base64>). Set its value after deploying.',
      encryptionKey: dataKey,
      generateSecretString: { passwordLength: 44, excludePunctuation: true },
    });
    const orderPlatformToken = new Secret(this, 'OrderPlatformToken', {
      description: "Bearer token for the order platform's after-sales API. Set its value after deploying.",
      encryptionKey: dataKey,
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
    });

    // Signs the customer's status-page links (functions/domain/status-link.ts). A key ring {current, previous,
    // rotatedAt} keeps links already sent working after a rotation; a bare new value revokes them (docs/operations.md).
    const statusLinkSecret = new Secret(this, 'StatusLinkSecret', {
      description:
        "HMAC key for customers' case status links. Generated; rotate with scripts/rotate-secret.ts (links sent keep working), or put a bare new value to revoke every link.",
      encryptionKey: dataKey,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });

    const sesConfigurationSet = new ConfigurationSet(this, 'NoticeEmails', {});
    const noticeSender = new EmailIdentity(this, 'NoticeSender', { identity: Identity.email(noticeFromEmail.valueAsString), configurationSet: sesConfigurationSet });

    // Operator alerts: CloudWatch alarms and the pipeline's own (review reminders, escalations) publish here.
    const alertKey = new Key(this, 'OpsAlertsKey', { enableKeyRotation: true, description: 'Encrypts operator alerts' });
    const opsAlerts = new Topic(this, 'OpsAlerts', { displayName: 'After-sales operator alerts', masterKey: alertKey, enforceSSL: true });

    const stateMachineName = `${this.stackName}-case-workflow`;
    const stateMachineArn = CaseWorkflow.arnFor(this, stateMachineName);
    const tableEnv = { TABLE_NAME: table.tableName };
    const fn = (id: string, handler: string, description: string, environment: Record<string, string> = {}) =>
      new ProjectFunction(this, id, { handler, description, environment: { ...tableEnv, ...environment } });

    // Workflow steps
    const classify = fn('Classify', 'classify', 'Workflow step: priority and path of a case');
    const review = fn('Review', 'review', 'Workflow step: policy review');
    const reviewTimer = fn('ReviewTimer', 'review-timer', 'Workflow step: reminds, then escalates, an undecided operator review', {
      OPS_ALERTS_TOPIC_ARN: opsAlerts.topicArn,
    });
    opsAlerts.grantPublish(reviewTimer);
    const planRemedy = fn('PlanRemedy', 'plan-remedy', "Workflow step: the remedy, after the customer's choice");
    const awaitEvent = fn('AwaitEvent', 'await-event', 'Workflow step: parks a task token until evidence or a return arrives');
    // One secret per provider: a routed deployment uses several, and each provider's key rotates on its own.
    // AfterShip keeps the original logical id so an existing deployment keeps its key.
    const carrierApiKeys = new CarrierApiKeys(this);
    const carrierEnvironment = {
      CARRIER_PROVIDER: carrierProvider.valueAsString,
      CARRIER_API_URL: carrierApiUrl.valueAsString,
      CARRIER_CODES: carrierCodes.valueAsString,
      KUAIDI100_CUSTOMER: kuaidi100Customer.valueAsString,
    };
    const carrierLookup = fn('CarrierLookup', 'carrier-lookup', 'Workflow step: carrier tracking lookup', {
      ...carrierEnvironment,
      ...carrierApiKeys.environment(),
      OPS_ALERTS_TOPIC_ARN: opsAlerts.topicArn,
    });
    carrierApiKeys.grantRead(carrierLookup);
    opsAlerts.grantPublish(carrierLookup);
    const compensate = fn('Compensate', 'compensate', 'Workflow step: compensation through the order platform', {
      ORDER_PLATFORM_API_URL: orderPlatformApiUrl.valueAsString,
      ORDER_PLATFORM_TOKEN_SECRET_ARN: orderPlatformToken.secretArn,
    });
    const survey = fn('Survey', 'survey', 'Workflow step: satisfaction survey', { NOTICE_QUEUE_URL: notices.queue.queueUrl });
    const closeCase = fn('CloseCase', 'close-case', 'Workflow step: closes a case');
    const recordFailure = fn('RecordFailure', 'record-failure', 'Workflow catch: puts a failed case in front of an operator');
    const workflowFunctions = [classify, review, reviewTimer, planRemedy, awaitEvent, carrierLookup, compensate, survey, closeCase, recordFailure];
    for (const f of workflowFunctions) table.grantReadWriteData(f);
    orderPlatformToken.grantRead(compensate);
    notices.queue.grantSendMessages(survey);
    for (const f of [awaitEvent, survey]) {
      f.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: [stateMachineArn] }));
    }

    const workflow = new CaseWorkflow(this, 'CaseWorkflow', {
      stateMachineName,
      noticeQueue: notices.queue,
      functions: { classify, review, reviewTimer, planRemedy, awaitEvent, carrierLookup, compensate, survey, closeCase, recordFailure },
    });
    const { stateMachine } = workflow;

    // Intake
    const ingest = fn('IngestWebhook', 'ingest-webhook', 'POST /webhooks/order-platform: verify, validate, dedupe, queue', {
      INTAKE_QUEUE_URL: intake.queue.queueUrl,
      WEBHOOK_SECRET_SECRET_ARN: webhookSecret.secretArn,
    });
    table.grantReadWriteData(ingest);
    intake.queue.grantSendMessages(ingest);
    webhookSecret.grantRead(ingest);

    const startCase = fn('StartCase', 'start-case', 'Intake queue consumer: creates cases, applies events, starts workflows', {
      STATE_MACHINE_ARN: stateMachine.stateMachineArn,
      // Return parcels and announced shipments are filed for watching under the provider that serves their carrier.
      ...carrierEnvironment,
      PROACTIVE_DETECTION: proactiveDetection.valueAsString,
      // A dispute the workflow does not reopen is acknowledged from here.
      NOTICE_QUEUE_URL: notices.queue.queueUrl,
    });
    table.grantReadWriteData(startCase);
    notices.queue.grantSendMessages(startCase);
    stateMachine.grantStartExecution(startCase);
    stateMachine.grantTaskResponse(startCase);
    startCase.addEventSource(
      new SqsEventSource(intake.queue, { batchSize: 10, maxBatchingWindow: Duration.seconds(1), reportBatchItemFailures: true, maxConcurrency: QUEUE_CONSUMER_CONCURRENCY.intake }),
    );

    // Carrier tracking: provider pushes and the polling fallback (docs/carrier-tracking.md)
    const tracking = new CarrierTracking(this, 'CarrierTracking', {
      table,
      intakeQueue: intake.queue,
      opsAlerts,
      carrierApiKeys,
      carrierEnvironment: { ...carrierEnvironment, PROACTIVE_DETECTION: proactiveDetection.valueAsString },
    });

    // Notices
    const notifier = new ProjectFunction(this, 'Notifier', {
      handler: 'notifier',
      description: 'Notice queue consumer: customer email (SES) and SMS (End User Messaging)',
      environment: {
        ...tableEnv,
        NOTICE_FROM_EMAIL: noticeFromEmail.valueAsString,
        SES_CONFIGURATION_SET: sesConfigurationSet.configurationSetName,
        SMS_ORIGINATION_IDENTITY: smsOriginationIdentity.valueAsString,
        PUBLIC_BASE_URL: '', // set below, once the API exists
        STATUS_LINK_SECRET_SECRET_ARN: statusLinkSecret.secretArn,
      },
    });
    table.grantReadWriteData(notifier);
    statusLinkSecret.grantRead(notifier);
    notifier.addEventSource(new SqsEventSource(notices.queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: QUEUE_CONSUMER_CONCURRENCY.notices }));
    // Bounces, complaints and SMS failures come back; SMS held back by quiet hours go out later.
    const noticeDelivery = new NoticeDelivery(this, 'NoticeDelivery', { table, notices, emailConfigurationSet: sesConfigurationSet, notifier });
    grantNoticeSending(notifier, {
      emailIdentity: noticeSender,
      emailConfigurationSet: sesConfigurationSet,
      smsOriginationIdentity,
      smsConfigurationSetName: noticeDelivery.smsConfigurationSetName,
    });

    // HTTP
    const opsApi = fn('OpsApi', 'ops-api', 'Operations API (/ops/*): cases, reviews and decisions, alerts, reports');
    table.grantReadWriteData(opsApi);
    stateMachine.grantTaskResponse(opsApi);
    // A low score alerts operations (follow-up task), so the survey API publishes to the alerts topic.
    const surveyApi = fn('SurveyApi', 'survey-api', 'Customer survey form and answers (/surveys/{token})', { OPS_ALERTS_TOPIC_ARN: opsAlerts.topicArn });
    table.grantReadWriteData(surveyApi);
    stateMachine.grantTaskResponse(surveyApi);
    opsAlerts.grantPublish(surveyApi);
    const statusPage = fn('StatusPage', 'status-page', "Customer's case status page (/cases/{caseId}/status, signed link)", {
      STATUS_LINK_SECRET_SECRET_ARN: statusLinkSecret.secretArn,
    });
    table.grantReadWriteData(statusPage);
    statusLinkSecret.grantRead(statusPage);
    // Cancelling from the page ends the case's wait (SendTaskSuccess), as the order platform's cancellation does.
    stateMachine.grantTaskResponse(statusPage);
    const http = new PipelineHttpApi(this, 'Http', { ingest, surveyApi, statusPage, carrierWebhook: tracking.webhook });
    // Operators sign in with Cognito (groups = roles); /ops checks their token (docs/operations.md).
    const operatorSignIn = new OperatorSignIn(this, 'OperatorSignIn', { consoleUrl: `${http.url}console` });
    http.addOperatorRoutes(opsApi, operatorSignIn.authorizer);
    // The operators' console (/console): the ops use-cases as HTML pages, signed in through the hosted sign-in.
    // The AWS console's host differs per partition (China regions: amazonaws.cn), for the execution links.
    const consoleHost = new CfnMapping(this, 'ConsoleHosts', {
      mapping: { aws: { host: 'console.aws.amazon.com' }, 'aws-cn': { host: 'console.amazonaws.cn' }, 'aws-us-gov': { host: 'console.amazonaws-us-gov.com' } },
    }).findInMap(Aws.PARTITION, 'host');
    const consoleFn = fn('OpsConsole', 'console', 'Operations console (/console): review queue, cases and decisions, search, SLA board, alerts, reports', {
      STATE_MACHINE_ARN: stateMachine.stateMachineArn,
      NOTICE_QUEUE_URL: notices.queue.queueUrl,
      OPS_ALERTS_TOPIC_ARN: opsAlerts.topicArn,
      OPERATOR_SIGN_IN_URL: operatorSignIn.domain.baseUrl(),
      OPERATOR_ISSUER: operatorSignIn.issuer,
      OPERATOR_CLIENT_ID: operatorSignIn.client.userPoolClientId,
      CONSOLE_URL: `${http.url}console`,
      EXECUTION_LINK: `https://${this.region}.${consoleHost}/states/home?region=${this.region}#/v2/executions/details/{executionArn}`,
    });
    table.grantReadWriteData(consoleFn);
    stateMachine.grantTaskResponse(consoleFn);
    notices.queue.grantSendMessages(consoleFn);
    opsAlerts.grantPublish(consoleFn);
    http.addConsoleRoutes(consoleFn);
    notifier.addEnvironment('PUBLIC_BASE_URL', http.url);
    // Kuaidi100 subscriptions name our push route as their callbackurl.
    tracking.poller.addEnvironment('CARRIER_CALLBACK_BASE_URL', http.url);

    // CloudWatch alarms publish to the encrypted topic only if the key lets them.
    alertKey.addToResourcePolicy(
      new PolicyStatement({ principals: [new ServicePrincipal('cloudwatch.amazonaws.com')], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'] }),
    );

    // SLA (docs/sla.md): the monitor reads the due index every 5 minutes and alerts on due-soon and breached cases;
    // the functions that start clocks or pause cases alert when the calendar cannot give a due date.
    const slaMonitor = new ProjectFunction(this, 'SlaMonitor', {
      handler: 'sla-monitor',
      description: 'Scheduled: open cases due soon or past their service due time, missed first-response targets',
      environment: tableEnv,
      timeout: Duration.seconds(60),
    });
    table.grantReadWriteData(slaMonitor);
    new Rule(this, 'SlaMonitorSchedule', { schedule: Schedule.rate(Duration.minutes(5)), targets: [new LambdaFunction(slaMonitor, { retryAttempts: 2 })] });
    for (const f of [slaMonitor, classify, startCase, opsApi]) {
      f.addEnvironment('OPS_ALERTS_TOPIC_ARN', opsAlerts.topicArn);
      opsAlerts.grantPublish(f);
    }
    opsApi.addEnvironment('NOTICE_QUEUE_URL', notices.queue.queueUrl); // delay notices when an operator pauses a case
    notices.queue.grantSendMessages(opsApi);

    // Personal data of closed cases is redacted after the market's retention period (docs/privacy.md); any error of
    // the job is a critical alarm (a scheduled function, below).
    const retention = new PrivacyRetention(this, 'PrivacyRetention', { table });

    // The watch (docs/operations.md "Monitoring"): dashboard and alarms to OpsAlerts. Every project function is
    // watched, found in the tree (so a new function needs no line here): keep this after the last function.
    new PipelineMonitoring(this, 'Monitoring', {
      functions: this.node.findAll().filter((c): c is ProjectFunction => c instanceof ProjectFunction),
      scheduledFunctions: [slaMonitor, tracking.poller, noticeDelivery.dispatcher, retention.fn],
      queues: [
        { name: 'Intake', queue: intake, maxAge: Duration.minutes(15) },
        { name: 'Notices', queue: notices, maxAge: Duration.minutes(30) },
      ],
      failureQueues: [{ name: 'DeliveryEventsFailed', queue: noticeDelivery.failedEvents }],
      stateMachine,
      httpApi: http.api,
      alarmTopic: opsAlerts,
    });

    new CfnOutput(this, 'ApiUrl', { value: http.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'WebhookUrl', { value: `${http.url}webhooks/order-platform` });
    new CfnOutput(this, 'CarrierWebhookUrl', {
      value: `${http.url}webhooks/carriers/`,
      description: 'Append aftership, 17track or kuaidi100: the push URL to give the tracking provider',
    });
    new CfnOutput(this, 'CarrierWebhookSecretArn', { value: tracking.webhookSecret.secretArn, description: "Put the tracking provider's webhook secret here" });
    new CfnOutput(this, 'WebhookSecretArn', { value: webhookSecret.secretArn, description: 'Put the whsec_ secret shared with the order platform here' });
    new CfnOutput(this, 'OrderPlatformTokenArn', { value: orderPlatformToken.secretArn });
    new CfnOutput(this, 'StateMachineArn', { value: stateMachine.stateMachineArn });
    new CfnOutput(this, 'OpsAlertsTopicArn', { value: opsAlerts.topicArn });
    new CfnOutput(this, 'OperatorUserPoolId', {
      value: operatorSignIn.userPool.userPoolId,
      description: 'Create operators here and add each to one group: viewer, agent or supervisor',
    });
    new CfnOutput(this, 'OperatorClientId', { value: operatorSignIn.client.userPoolClientId, description: 'App client of the ops console (no secret); the JWT audience of /ops' });
    new CfnOutput(this, 'OperatorSignInUrl', { value: operatorSignIn.signInUrl, description: 'Hosted sign-in page for operators (authorization code flow back to /console)' });
    new CfnOutput(this, 'NoticeDeliveryEventsTopicArn', { value: noticeDelivery.topic.topicArn, description: 'SES and SMS delivery failures (DeliveryEvents function)' });

    // Only these read customers' contacts; every other function is denied their partitions (and Scan).
    limitContactAccess(this, table, [startCase, notifier, opsApi, consoleFn, closeCase, retention.fn]);

    acknowledgeNagFindings(this, {
      table,
      workflowFunctions,
      publicRoutes: http.publicRoutes,
      consoleRoutes: http.consoleRoutes,
      secrets: [webhookSecret, orderPlatformToken, ...carrierApiKeys.all(), statusLinkSecret, tracking.webhookSecret],
      failureDestinations: [noticeDelivery.failedEvents],
    });
  }
}

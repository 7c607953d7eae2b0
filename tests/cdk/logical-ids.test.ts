import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { Capability, logicalIdOf } from '../../lib/constructs/capability.js';
import { buildApp } from './synth.js';

/**
 * A deployed stack updates in place only while its stateful resources keep their logical IDs: a new ID is a new
 * resource (an empty table, new queues, new secrets without their values, new log groups) and the old one deleted or
 * orphaned. The stack is composed of capabilities (lib/constructs/capability.ts) that leave no trace in logical IDs;
 * these are the IDs the stack had before it was composed, and must stay. Adding resources is free; renaming one of
 * these is a migration, not a refactoring. Functions and the state machine are here too: the local runtime and the e2e
 * tests find them by logical ID, and the state machine's fixed name would collide with its own replacement.
 */
const STATEFUL: Record<string, string[]> = {
  'AWS::DynamoDB::Table': ['CasesTable7FA77C7D'],
  'AWS::SQS::Queue': ['IntakeDlqB8E55008', 'IntakeQueue6FB53B87', 'NoticeDeliveryFailedEvents321593A5', 'NoticesDlq23EC300C', 'NoticesQueue8F17BA1B'],
  'AWS::SecretsManager::Secret': [
    'CarrierApiKey17trackB6D383AA',
    'CarrierApiKeyBBE4ED52',
    'CarrierApiKeyKuaidi1004D015D74',
    'CarrierTrackingWebhookSecret73A3AB4D',
    'OrderPlatformTokenDB80DCFF',
    'StatusLinkSecretC0DD07ED',
    'WebhookSecretF21E29CC',
  ],
  'AWS::KMS::Key': ['NoticeDeliveryEventsKeyFAFAB8A9', 'OpsAlertsKeyC74EB84B'],
  'AWS::Cognito::UserPool': ['OperatorSignInOperatorsD022881F'],
  'AWS::Cognito::UserPoolClient': ['OperatorSignInOperatorsConsoleClientC5D28EAA'],
  'AWS::Cognito::UserPoolDomain': ['OperatorSignInOperatorsHostedSignIn43AB2E52'],
  'AWS::Cognito::UserPoolGroup': ['OperatorSignInOperatorsAgentGroup4884B507', 'OperatorSignInOperatorsSupervisorGroup6EFB1DB8', 'OperatorSignInOperatorsViewerGroup712CEF7B'],
  'AWS::SES::EmailIdentity': ['NoticeSenderB7A91637'],
  'AWS::SES::ConfigurationSet': ['NoticeEmails333059F4'],
  'AWS::SES::ConfigurationSetEventDestination': ['NoticeEmailsDeliveryFailures1E27E909'],
  'AWS::SMSVOICE::ConfigurationSet': ['NoticeDeliverySmsConfigurationSetF90DE801'],
  'AWS::SNS::Topic': ['NoticeDeliveryEvents2460F6CA', 'OpsAlertsB39E82AA'],
  'AWS::Logs::LogGroup': [
    'AwaitEventLogsE987AECD',
    'CarrierLookupLogs617728E0',
    'CarrierWebhookLogs531D78D2',
    'CaseWorkflowLogs52E5E224',
    'ClassifyLogs38813EB7',
    'CloseCaseLogsA022D30A',
    'CompensateLogs59B50F84',
    'HttpAccessLogs1CB64BE3',
    'IngestWebhookLogs9A875A83',
    'NoticeDeliveryDeliveryEventsLogs418157A6',
    'NoticeDeliveryDispatchDeferredNoticesLogsAC4B3A38',
    'NotifierLogs49177D36',
    'OpsApiLogsD0E15DF1',
    'OpsConsoleLogs01AC945C',
    'PlanRemedyLogsAB8AA35E',
    'PrivacyRetentionFunctionLogsEFD17D30',
    'RecordFailureLogs3A556842',
    'ReviewLogsC0678AFF',
    'ReviewTimerLogsB3D55185',
    'SlaMonitorLogs5E17E4F6',
    'StartCaseLogs4E7FCF08',
    'StatusPageLogs2D6705F8',
    'SurveyApiLogs6BC5FD88',
    'SurveyLogsCDED2673',
    'TrackShipmentsLogs28724159',
  ],
  'AWS::StepFunctions::StateMachine': ['CaseWorkflowStateMachine916EE2A6'],
  'AWS::Lambda::Function': [
    'AwaitEventC353D67D',
    'CarrierLookupCDDCFAF9',
    'CarrierWebhook5531153F',
    'Classify5848C28F',
    'CloseCaseF91C7DE7',
    'Compensate3373A842',
    'IngestWebhook9ACD31BF',
    'NoticeDeliveryDeliveryEvents5AE65FF9',
    'NoticeDeliveryDispatchDeferredNotices78D9B387',
    'NotifierDFD80165',
    'OpsApi9523E78C',
    'OpsConsole5AA93CA5',
    'PlanRemedy6C198172',
    'PrivacyRetentionFunction03B6A496',
    'RecordFailure120D2729',
    'ReviewDAFB1C41',
    'ReviewTimer8A966288',
    'SlaMonitor09BF334F',
    'StartCaseDB9F1B9F',
    'StatusPageF8237BBC',
    'Survey0D6B964E',
    'SurveyApiD4E174B4',
    'TrackShipmentsD83712AE',
  ],
  'AWS::ApiGatewayV2::Api': ['HttpApi4E1D4184'],
  'AWS::ApiGatewayV2::Stage': ['HttpDefaultStageE6653C08'],
};

/** Parameter and output names are a contract with deployers (README, docs/): never renamed. */
const PARAMETERS = [
  'CarrierApiUrl',
  'CarrierCodes',
  'CarrierProvider',
  'EvidenceUploadUrl',
  'Kuaidi100Customer',
  'NoticeFromEmail',
  'OrderPlatformApiUrl',
  'ProactiveDetection',
  'RemedyChoiceUrl',
  'SmsOriginationIdentity',
  'SmsQuietHours',
];
const OUTPUTS = [
  'ApiUrl',
  'CarrierWebhookSecretArn',
  'CarrierWebhookUrl',
  'NoticeDeliveryEventsTopicArn',
  'OperatorClientId',
  'OperatorSignInUrl',
  'OperatorUserPoolId',
  'OpsAlertsTopicArn',
  'OrderPlatformTokenArn',
  'StateMachineArn',
  'WebhookSecretArn',
  'WebhookUrl',
];

interface Template {
  Resources: Record<string, { Type: string }>;
  Parameters: Record<string, unknown>;
  Outputs: Record<string, unknown>;
}

function synthesize(context: Record<string, unknown> = {}): Template {
  const { app, stack } = buildApp({ builtinCloudFormationValidation: false, context });
  return app.synth().getStackByName(stack.stackName).template as Template;
}

describe('logical IDs a deployed stack depends on', () => {
  const template = synthesize();
  const idsOf = (type: string) => Object.entries(template.Resources).flatMap(([id, resource]) => (resource.Type === type ? [id] : []));

  it.each(Object.entries(STATEFUL))('every %s keeps its logical ID', (type, ids) => {
    expect(idsOf(type)).toEqual(expect.arrayContaining(ids));
  });

  it('keeps every parameter and output name', () => {
    expect(Object.keys(template.Parameters)).toEqual(expect.arrayContaining(PARAMETERS));
    expect(Object.keys(template.Outputs)).toEqual(expect.arrayContaining(OUTPUTS));
  });

  it('keeps the Lambda permissions whose construct ids embed their function path (EventBridge schedules, SNS)', () => {
    const permissions = idsOf('AWS::Lambda::Permission');
    expect(permissions).toEqual(
      expect.arrayContaining([
        'CarrierTrackingTrackShipmentsScheduleAllowEventRuleAftersalesTrackShipmentsCAB78C6A79C6BB89',
        'NoticeDeliveryDeliveryEventsAllowInvokeAftersalesNoticeDeliveryEventsC5A35DC844DEB60E',
        'NoticeDeliveryDispatchScheduleAllowEventRuleAftersalesNoticeDeliveryDispatchDeferredNotices5B0075EA9011C8E3',
        'SlaMonitorScheduleAllowEventRuleAftersalesSlaMonitor51A942A7DD273A76',
        'PrivacyRetentionScheduleAllowEventRuleAftersalesPrivacyRetentionFunction8BA1484B98CC1929',
      ]),
    );
  });

  it('keeps the customer-managed data key when the deployer asks for it', () => {
    const withKey = synthesize({ 'aftersales:dataKey': 'create' });
    expect(Object.keys(withKey.Resources)).toEqual(expect.arrayContaining(['DataKey17AFBB84', 'DataKeyAliasF989EB84']));
  });
});

describe('a capability leaves no trace in logical IDs', () => {
  class ComposedStack extends Stack {
    protected override allocateLogicalId(element: CfnElement): string {
      return logicalIdOf(this, element);
    }
  }
  class Part extends Capability {}

  it('a resource inside a capability gets the logical ID CDK gives it outside', () => {
    const plain = new Stack(new App(), 'S');
    const composed = new ComposedStack(new App(), 'S');
    const outside = new Queue(plain, 'Work');
    const inside = new Queue(new Part(composed, 'Intake'), 'Work');
    expect(composed.getLogicalId(inside.node.defaultChild as CfnElement)).toBe(plain.getLogicalId(outside.node.defaultChild as CfnElement));
  });

  it('two capabilities with a child of the same id fail the synth instead of merging', () => {
    const app = new App();
    const composed = new ComposedStack(app, 'S');
    new Queue(new Part(composed, 'A'), 'Work');
    new Queue(new Part(composed, 'B'), 'Work');
    expect(() => app.synth()).toThrow(/already contains/);
  });
});

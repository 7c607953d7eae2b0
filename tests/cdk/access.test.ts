import { Stack } from 'aws-cdk-lib';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_LOG_FIELDS } from '../../lib/constructs/http-api.js';
import { SMS_ORIGINATION_IDENTITY_PATTERN } from '../../lib/constructs/notice-sending.js';
import { buildApp, joinToString } from './synth.js';

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, any>; Sid?: string };

/** Issue 16, least privilege: what the notifier may send as, who may read contacts, the nag acknowledgements, access logs. */
let template: { Resources: Record<string, Resource>; Parameters: Record<string, any> };
let built: ReturnType<typeof buildApp>;

beforeAll(() => {
  built = buildApp({ builtinCloudFormationValidation: false });
  template = built.app.synth().getStackByName(built.stack.stackName).template;
});
afterAll(() => rmSync(built.outdir, { recursive: true, force: true }));

const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const fnId = (prefix: string) => ofType('AWS::Lambda::Function').find(([id]) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id))![0];
/** A role's statements: its inline default policy (the grants). */
const statementsOf = (fnLogicalId: string): Statement[] => {
  const roleId = template.Resources[fnLogicalId]!.Properties.Role['Fn::GetAtt'][0];
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
};
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourceList = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

describe('the notifier', () => {
  it("sends email only as the stack's SES identity through its configuration set", () => {
    const ses = statementsOf(fnId('Notifier')).filter((s) => actions(s).some((a) => a.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    expect(actions(ses[0]!)).toEqual(['ses:SendEmail']);
    const resources = resourceList(ses[0]!).map(joinToString).sort();
    expect(resources).toEqual([
      expect.stringMatching(/^arn:\$\{Ref:AWS::Partition\}:ses:\$\{Ref:AWS::Region\}:\$\{Ref:AWS::AccountId\}:configuration-set\/\$\{Ref:NoticeEmails[0-9A-F]{8}\}$/),
      expect.stringMatching(/^arn:\$\{Ref:AWS::Partition\}:ses:\$\{Ref:AWS::Region\}:\$\{Ref:AWS::AccountId\}:identity\/\$\{Ref:NoticeSender[0-9A-F]{8}\}$/),
    ]);
  });

  it('sends SMS only through its configuration set and from the configured origination identity (when one is set)', () => {
    const sms = statementsOf(fnId('Notifier')).filter((s) => actions(s).some((a) => a.startsWith('sms-voice:')));
    expect(sms).toHaveLength(1);
    expect(actions(sms[0]!)).toEqual(['sms-voice:SendTextMessage']);
    const resources = resourceList(sms[0]!);
    expect(resources).toContainEqual({ 'Fn::If': ['HasSmsOriginationIdentity', { Ref: 'SmsOriginationIdentity' }, { Ref: 'AWS::NoValue' }] });
    const strings = resources.filter((r: any) => !r['Fn::If']).map(joinToString);
    expect(strings).toEqual(['arn:${Ref:AWS::Partition}:sms-voice:${Ref:AWS::Region}:${Ref:AWS::AccountId}:configuration-set/Aftersales-notices']);
    expect(template.Parameters.SmsOriginationIdentity.AllowedPattern).toBe(SMS_ORIGINATION_IDENTITY_PATTERN);
    const pattern = new RegExp(SMS_ORIGINATION_IDENTITY_PATTERN);
    for (const ok of ['', 'arn:aws:sms-voice:ap-southeast-1:123456789012:pool/pool-0123abcd', 'arn:aws-cn:sms-voice:cn-north-1:123456789012:sender-id/SHOP/CN'])
      expect(ok).toMatch(pattern);
    for (const bad of ['*', '+8613800138000', 'arn:aws:sms-voice:ap-southeast-1:123456789012:*', 'arn:aws:sms-voice:ap-southeast-1:123456789012:pool/*'])
      expect(bad).not.toMatch(pattern);
  });
});

describe('wildcards the nag acknowledgements accept', () => {
  it('no statement of any role allows an action on "*" but X-Ray and log delivery', () => {
    const allowedOnStar =
      /^(xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups))$/;
    for (const [id, policy] of ofType('AWS::IAM::Policy')) {
      for (const s of policy.Properties.PolicyDocument.Statement as Statement[]) {
        if (s.Effect !== 'Allow' || !resourceList(s).includes('*')) continue;
        for (const action of actions(s)) expect(action, id).toMatch(allowedOnStar);
      }
    }
  });

  it('kms:GenerateDataKey* is only ever granted on a named key', () => {
    for (const [id, policy] of ofType('AWS::IAM::Policy')) {
      for (const s of policy.Properties.PolicyDocument.Statement as Statement[]) {
        if (!actions(s).includes('kms:GenerateDataKey*')) continue;
        for (const resource of resourceList(s)) expect(resource, id).not.toBe('*');
      }
    }
  });
});

describe("customers' contacts", () => {
  // StartCase writes contacts and runs privacy requests, CloseCase and PrivacyRetention redact them.
  const READERS = ['StartCase', 'Notifier', 'OpsApi', 'OpsConsole', 'CloseCase', 'PrivacyRetentionFunction'];
  const denial = (fnLogicalId: string) => statementsOf(fnLogicalId).find((s) => s.Effect === 'Deny' && s.Condition?.['ForAnyValue:StringLike']?.['dynamodb:LeadingKeys']);

  it('every function but those that write, send to, show or redact contacts is denied the CONTACT# partitions (dynamodb:LeadingKeys) and Scan', () => {
    const functions = ofType('AWS::Lambda::Function').map(([id]) => id);
    const others = functions.filter((id) => !READERS.some((prefix) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id)));
    expect(others.length).toBe(functions.length - READERS.length);
    for (const id of others) {
      const deny = denial(id);
      expect(deny, id).toBeDefined();
      expect(deny!.Condition).toEqual({ 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['CONTACT#*'] } });
      expect(actions(deny!)).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']));
      expect(
        statementsOf(id).some((s) => s.Effect === 'Deny' && actions(s).includes('dynamodb:Scan') && !s.Condition),
        id,
      ).toBe(true);
    }
    for (const reader of READERS) expect(denial(fnId(reader)), reader).toBeUndefined();
  });
});

describe('cdk-nag acknowledgements', () => {
  const acknowledgements = () =>
    built.app.node
      .findAll()
      .flatMap((construct) => construct.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => ({ construct, rules: m.data as Record<string, string> })));

  it('none is stack-wide or app-wide: each sits on the construct it covers, with a reason', () => {
    const found = acknowledgements();
    expect(found.length).toBeGreaterThan(0);
    for (const { construct, rules } of found) {
      expect(construct instanceof Stack || construct === built.app, `${Object.keys(rules).join(', ')} on ${construct.node.path || 'the app'}`).toBe(false);
      for (const [rule, reason] of Object.entries(rules)) expect(reason.length, rule).toBeGreaterThan(20);
    }
  });
});

describe('HTTP API access log', () => {
  it('is one JSON line per request with the route key, method, path, status and request id', () => {
    const [[, stage]] = ofType('AWS::ApiGatewayV2::Stage') as [[string, Resource]];
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format);
    expect(format).toEqual(ACCESS_LOG_FIELDS);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      method: '$context.httpMethod',
      path: '$context.path',
      status: '$context.status',
    });
    expect(stage.Properties.AccessLogSettings.Format).not.toContain('$context.resourcePath'); // REST API only: empty on an HTTP API
  });
});

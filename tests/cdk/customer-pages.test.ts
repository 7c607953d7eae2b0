import { Template } from 'aws-cdk-lib/assertions';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './synth.js';

/** The customer's status page and survey functions: what they may read and where they publish. */
type Resource = { Type: string; Properties: Record<string, any> };
let resources: Record<string, Resource>;
let outdir: string;

const functionId = (prefix: string) => {
  const ids = Object.keys(resources).filter((id) => resources[id]!.Type === 'AWS::Lambda::Function' && new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
  expect(ids, prefix).toHaveLength(1);
  return ids[0]!;
};
/** Every statement of the policies attached to a function's role. */
const statementsOf = (fnId: string) => {
  const role = resources[fnId]!.Properties.Role['Fn::GetAtt'][0];
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: { Ref: string }) => ref.Ref === role))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
};
const actionsOf = (fnId: string) => statementsOf(fnId).flatMap((s) => [s.Action].flat());
const resourceIdOf = (prefix: string) => Object.keys(resources).find((id) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id))!;

beforeAll(() => {
  const built = buildApp({ builtinCloudFormationValidation: false });
  outdir = built.outdir;
  resources = Template.fromStack(built.stack).toJSON().Resources as Record<string, Resource>;
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('StatusPage function', () => {
  it('reads the link-signing secret by ARN (never its value in the environment) and may answer waiting workflow steps', () => {
    const id = functionId('StatusPage');
    const environment = resources[id]!.Properties.Environment.Variables;
    expect(environment.STATUS_LINK_SECRET_SECRET_ARN).toEqual({ Ref: resourceIdOf('StatusLinkSecret') });
    expect(environment.STATUS_LINK_SECRET).toBeUndefined();
    const secretRead = statementsOf(id).find((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(secretRead?.Resource).toEqual({ Ref: resourceIdOf('StatusLinkSecret') });
    expect(actionsOf(id)).toEqual(expect.arrayContaining(['states:SendTaskSuccess', 'dynamodb:UpdateItem', 'dynamodb:PutItem']));
  });
});

describe('SurveyApi function', () => {
  it('publishes low-score follow-up alerts to the OpsAlerts topic', () => {
    const id = functionId('SurveyApi');
    expect(resources[id]!.Properties.Environment.Variables.OPS_ALERTS_TOPIC_ARN).toEqual({ Ref: resourceIdOf('OpsAlerts') });
    const publish = statementsOf(id).find((s) => [s.Action].flat().includes('sns:Publish'));
    expect(publish?.Resource).toEqual({ Ref: resourceIdOf('OpsAlerts') });
  });
});

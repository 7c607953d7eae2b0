import { Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_KEY_CONTEXT } from '../../lib/constructs/data-key.js';
import { buildApp, joinToString, readValidationReport } from './synth.js';

type Resource = { Type: string; Properties: Record<string, any> };
type Template = { Resources: Record<string, Resource> };

/**
 * Issue 16, keys the owner holds: with the context value `aftersales:dataKey` (`create`, or a key ARN) the table, the
 * queues and dead-letter queues, every log group, the state machine and the secrets use one customer-managed key;
 * without it nothing changes (AWS-managed and AWS-owned keys).
 */
const GIVEN_ARN = 'arn:aws:kms:ap-southeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const outdirs: string[] = [];
const synth = (dataKey?: string): Template => {
  const built = buildApp({ builtinCloudFormationValidation: false, ...(dataKey ? { context: { [DATA_KEY_CONTEXT]: dataKey } } : {}) });
  outdirs.push(built.outdir);
  return built.app.synth().getStackByName(built.stack.stackName).template as Template;
};
let plain: Template;
let created: Template;
let given: Template;

beforeAll(() => {
  plain = synth();
  created = synth('create');
  given = synth(GIVEN_ARN);
});
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
const dataKeyId = (t: Template) => ofType(t, 'AWS::KMS::Key').find(([id]) => /^DataKey[0-9A-F]{8}$/.test(id))?.[0];
/** What a property naming the key resolves to: the created key's logical id, or the given ARN. */
const keyOf = (value: any): string | undefined => value?.['Fn::GetAtt']?.[0] ?? value?.Ref ?? (typeof value === 'string' ? value : undefined);

describe('without the option (default)', () => {
  it('creates no data key and keeps AWS-managed and AWS-owned encryption', () => {
    expect(dataKeyId(plain)).toBeUndefined();
    const [, table] = ofType(plain, 'AWS::DynamoDB::Table')[0]!;
    expect(table!.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    for (const [id, queue] of ofType(plain, 'AWS::SQS::Queue')) {
      expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true);
      expect(queue.Properties.KmsMasterKeyId, id).toBeUndefined();
    }
    for (const [id, group] of ofType(plain, 'AWS::Logs::LogGroup')) expect(group.Properties.KmsKeyId, id).toBeUndefined();
    for (const [id, secret] of ofType(plain, 'AWS::SecretsManager::Secret')) expect(secret.Properties.KmsKeyId, id).toBeUndefined();
    // The workflow and its Express steps.
    const machines = ofType(plain, 'AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(2);
    for (const [id, machine] of machines) expect(machine.Properties.EncryptionConfiguration, id).toBeUndefined();
  });
});

describe.each([
  ['create', () => created, (t: Template) => dataKeyId(t)!],
  ['a key ARN', () => given, () => GIVEN_ARN],
])('with %s', (_name, template, expectedKey) => {
  it('encrypts the case table with the key', () => {
    const t = template();
    const [, table] = ofType(t, 'AWS::DynamoDB::Table')[0]!;
    expect(table!.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
    expect(keyOf(table!.Properties.SSESpecification.KMSMasterKeyId)).toBe(expectedKey(t));
  });

  it('encrypts every queue (intake, notices, their DLQs, the failed delivery events) with the key', () => {
    const t = template();
    const queues = ofType(t, 'AWS::SQS::Queue');
    expect(queues.length).toBe(5);
    for (const [id, queue] of queues) {
      expect(keyOf(queue.Properties.KmsMasterKeyId), id).toBe(expectedKey(t));
      expect(queue.Properties.SqsManagedSseEnabled, id).toBeUndefined();
    }
  });

  it('encrypts every log group (functions, state machine, API access logs) with the key', () => {
    const t = template();
    const groups = ofType(t, 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(ofType(t, 'AWS::Lambda::Function').length + 2);
    for (const [id, group] of groups) expect(keyOf(group.Properties.KmsKeyId), id).toBe(expectedKey(t));
  });

  it('encrypts the state machines (the workflow and its Express steps) and every secret with the key', () => {
    const t = template();
    const machines = ofType(t, 'AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(2);
    for (const [id, machine] of machines) {
      expect(machine.Properties.EncryptionConfiguration, id).toMatchObject({ Type: 'CUSTOMER_MANAGED_KMS_KEY' });
      expect(keyOf(machine.Properties.EncryptionConfiguration.KmsKeyId), id).toBe(expectedKey(t));
    }
    const secrets = ofType(t, 'AWS::SecretsManager::Secret');
    expect(secrets.length).toBe(7);
    for (const [id, secret] of secrets) expect(keyOf(secret.Properties.KmsKeyId), id).toBe(expectedKey(t));
  });
});

describe('the created key', () => {
  it('rotates, and lets CloudWatch Logs of this account and region use it', () => {
    const [, key] = ofType(created, 'AWS::KMS::Key').find(([id]) => id === dataKeyId(created))!;
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const logs = key.Properties.KeyPolicy.Statement.find((s: any) => JSON.stringify(s.Principal ?? {}).includes('logs.'));
    expect(logs).toBeDefined();
    expect(joinToString(logs.Principal.Service)).toBe('logs.${Ref:AWS::Region}.${Ref:AWS::URLSuffix}');
    expect(joinToString(logs.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn'])).toBe('arn:${Ref:AWS::Partition}:logs:${Ref:AWS::Region}:${Ref:AWS::AccountId}:log-group:*');
  });

  it('is used by the functions through their grants: the notifier may decrypt the notice queue and the table', () => {
    const keyId = dataKeyId(created)!;
    const notifierRole = ofType(created, 'AWS::Lambda::Function').find(([id]) => /^Notifier[0-9A-F]{8}$/.test(id))![1].Properties.Role['Fn::GetAtt'][0];
    const statements = ofType(created, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === notifierRole))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const onKey = statements.filter((s: any) => [s.Resource].flat().some((r: any) => keyOf(r) === keyId));
    expect(onKey.flatMap((s: any) => [s.Action].flat())).toContain('kms:Decrypt');
  });

  it('refuses a value that is neither "create" nor a key ARN', () => {
    expect(() => synth('alias/mine')).toThrow(/aftersales:dataKey must be "create" or a KMS key ARN/);
  });
});

describe('cdk-nag with the key on', () => {
  it('passes with no unacknowledged finding, and no acknowledgement is stack-wide', () => {
    const built = buildApp({ builtinCloudFormationValidation: false, context: { [DATA_KEY_CONTEXT]: 'create' } });
    outdirs.push(built.outdir);
    Validations.of(built.app).addPlugins(new AwsSolutionsChecks(built.app));
    expect(() => built.app.synth()).not.toThrow();
    const report = readValidationReport(built.outdir)!;
    expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
    const onStacks = built.app.node
      .findAll()
      .filter((c) => c instanceof Stack || c === built.app)
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'));
    expect(onStacks).toEqual([]);
  });
});

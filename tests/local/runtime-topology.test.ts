import { describe, expect, it } from 'vitest';
import { CfnResolutionError, resolveTopology } from '../../local/cfn/index.js';
import { ACCOUNT, REGION, loadFixtureTemplate } from './fixtures/runtime-fixture.js';

const SQS = 'http://127.0.0.1:4566';
const opts = { region: REGION, accountId: ACCOUNT, sqsEndpoint: SQS, stackName: 'aftersales' };

describe('resolveTopology', () => {
  const topology = resolveTopology(loadFixtureTemplate(), opts);

  it('maps functions to handler files with their resolved environment', () => {
    const echo = topology.functions.EchoFn7C5A9E21!;
    expect(echo).toMatchObject({
      name: 'EchoFn7C5A9E21',
      arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:EchoFn7C5A9E21`,
      entry: 'tests/local/fixtures/handlers/http-echo.ts',
      handlerExport: 'handler',
      timeoutSeconds: 10,
      memoryMb: 256,
    });
    expect(echo.environment).toEqual({
      TABLE_NAME: 'CasesTable0F5C1D2B',
      POWERTOOLS_SERVICE_NAME: 'aftersales',
      INTAKE_QUEUE_URL: `${SQS}/${ACCOUNT}/aftersales-intake`,
      CASE_WORKFLOW_ARN: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:CaseWorkflow8E3D1A6B`,
      STAGE: 'local',
      ACCOUNT_REGION: `${REGION}/${ACCOUNT}/amazonaws.com`,
      ORDER_SECRET_ARN: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:aftersales/order-platform`,
      API_ENDPOINT: 'local-HttpApiF5A9A8A7-ApiEndpoint',
      DLQ_NAME: 'IntakeDLQ9A1B3C5E',
      IDEMPOTENCY_TABLE: 'aftersales-idempotency',
      TIMEOUT_NUMBER: '30',
    });
    expect(topology.functions.ClassifyFn1D3F5B7A).toMatchObject({ handlerExport: 'classify', memoryMb: 512 });
    expect(topology.functions.CrashFnE2C4A6B8).toMatchObject({ timeoutSeconds: 3 });
    expect(topology.functions.CrashFnE2C4A6B8!.memoryMb).toBeUndefined();
    expect(topology.functions.NoEntryFn5D7F9B1C!.entry).toBeUndefined();
  });

  it('names queues, links the DLQ and skips resources whose condition is false', () => {
    expect(topology.queues.IntakeQueue4B2F7C1D).toEqual({
      logicalId: 'IntakeQueue4B2F7C1D',
      name: 'aftersales-intake',
      url: `${SQS}/${ACCOUNT}/aftersales-intake`,
      arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:aftersales-intake`,
      fifo: false,
      visibilityTimeoutSeconds: 30,
      redrive: { deadLetterQueueLogicalId: 'IntakeDLQ9A1B3C5E', maxReceiveCount: 2 },
    });
    expect(topology.queues.IntakeDLQ9A1B3C5E).toMatchObject({ name: 'IntakeDLQ9A1B3C5E', messageRetentionSeconds: 1209600, visibilityTimeoutSeconds: 30 });
    expect(topology.queues.NoticeQueue7E9A1C3D).toMatchObject({ name: 'NoticeQueue7E9A1C3D.fifo', fifo: true, contentBasedDeduplication: true });
    expect(topology.queues.ProdOnlyQueue1F3A5C7E).toBeUndefined();
  });

  it('builds CreateTable input for tables and global tables', () => {
    expect(topology.tables.CasesTable0F5C1D2B!.createTableInput).toEqual({
      TableName: 'CasesTable0F5C1D2B',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: expect.arrayContaining([{ AttributeName: 'gsi1pk', AttributeType: 'S' }]) as unknown,
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStatus',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
    expect(topology.tables.IdempotencyTable2C4E6A8B).toMatchObject({
      name: 'aftersales-idempotency',
      createTableInput: { TableName: 'aftersales-idempotency', BillingMode: 'PAY_PER_REQUEST' },
    });
  });

  it('reads the SQS event source mapping', () => {
    expect(topology.eventSources).toEqual([
      {
        logicalId: 'IntakeWorkerFnSqsEventSourceAfterSalesStackIntakeQueue1A2B3C4D',
        queueLogicalId: 'IntakeQueue4B2F7C1D',
        functionLogicalId: 'IntakeWorkerFn6B8D0F2A',
        batchSize: 5,
        maxBatchingWindowSeconds: 0,
        reportBatchItemFailures: true,
      },
    ]);
  });

  it('reads HTTP API routes through their integrations', () => {
    const byKey = Object.fromEntries(topology.httpRoutes.map((r) => [r.routeKey, r]));
    expect(Object.keys(byKey).sort()).toEqual(
      ['ANY /ops/{proxy+}', 'GET /crash', 'GET /ops/cases/{caseId}', 'GET /plain', 'GET /slow', 'GET /surveys/{token}', 'POST /uploads', 'POST /webhooks/orders'].sort(),
    );
    expect(byKey['GET /ops/cases/{caseId}']).toEqual({
      method: 'GET',
      path: '/ops/cases/{caseId}',
      routeKey: 'GET /ops/cases/{caseId}',
      functionLogicalId: 'EchoFn7C5A9E21',
      authorizationType: 'AWS_IAM',
      apiLogicalId: 'HttpApiF5A9A8A7',
      timeoutMs: 30000,
    });
    // The operators' route carries the template's JWT authorizer, which the local gateway emulates.
    expect(byKey['ANY /ops/{proxy+}']).toMatchObject({ method: 'ANY', path: '/ops/{proxy+}', authorizationType: 'JWT' });
    expect(byKey['GET /crash']!.functionLogicalId).toBe('CrashFnE2C4A6B8');
    expect(byKey['GET /slow']!.timeoutMs).toBe(300);
  });

  it('resolves the state machine definition to plain ASL with local ARNs', () => {
    const machine = topology.stateMachines.CaseWorkflow8E3D1A6B!;
    expect(machine).toMatchObject({
      name: 'CaseWorkflow8E3D1A6B',
      arn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:CaseWorkflow8E3D1A6B`,
      type: 'STANDARD',
    });
    const definition = machine.definition as { StartAt: string; States: Record<string, { Resource: string; Parameters: Record<string, string> }> };
    expect(definition.StartAt).toBe('Classify');
    expect(definition.States.Classify!.Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(definition.States.Classify!.Parameters.FunctionName).toBe(topology.functions.ClassifyFn1D3F5B7A!.arn);
    expect(definition.States.Notify!.Parameters).toEqual({
      QueueUrl: topology.queues.NoticeQueue7E9A1C3D!.url,
      'MessageBody.$': '$',
      MessageGroupId: 'cases',
    });
  });

  it('reads enabled schedules that target functions', () => {
    expect(topology.schedules).toEqual([
      { logicalId: 'SlaRule5E7A9C1B', expression: 'rate(5 minutes)', targetFunctionLogicalId: 'SlaFn4C6E8A0B', input: '{"source":"sla-monitor"}' },
      { logicalId: 'DigestSchedule7A9C1E3D', expression: 'cron(0 9 * * ? *)', timezone: 'Asia/Shanghai', targetFunctionLogicalId: 'SlaFn4C6E8A0B' },
    ]);
  });

  it('applies overrides for resources and parameters', () => {
    const overridden = resolveTopology(loadFixtureTemplate(), {
      ...opts,
      overrides: {
        HttpApiF5A9A8A7: { attrs: { ApiEndpoint: 'http://127.0.0.1:3000' } },
        OrderPlatformSecret5D9C3B7A: { ref: 'local-secret' },
        Stage: { ref: 'prod' },
      },
    });
    const env = overridden.functions.EchoFn7C5A9E21!.environment;
    expect(env.API_ENDPOINT).toBe('http://127.0.0.1:3000');
    expect(env.ORDER_SECRET_ARN).toBe('local-secret');
    expect(env.STAGE).toBe('prod');
    expect(env.PROD_ONLY).toBe('yes');
    expect(overridden.queues.ProdOnlyQueue1F3A5C7E).toBeDefined();
  });

  it('throws a clear error for an intrinsic it cannot resolve', () => {
    const template = loadFixtureTemplate();
    template.Resources.EchoFn7C5A9E21!.Properties!.Environment = { Variables: { SHARED: { 'Fn::ImportValue': 'OtherStack-Export' } } };
    expect(() => resolveTopology(template, opts)).toThrow(CfnResolutionError);
    expect(() => resolveTopology(template, opts)).toThrow(/EchoFn7C5A9E21\.Properties\.Environment.*Fn::ImportValue/);

    const dangling = loadFixtureTemplate();
    dangling.Resources.EchoFn7C5A9E21!.Properties!.Environment = { Variables: { X: { Ref: 'Missing' } } };
    expect(() => resolveTopology(dangling, opts)).toThrow(/Ref to unknown resource or parameter 'Missing'/);
  });
});

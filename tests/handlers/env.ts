/**
 * The outside world of a Lambda handler, on this machine: the same in-process emulators the local runtime uses
 * (dynalite, local-aws-sqs, aws-ses-v2-local, the SMS fake, the local Step Functions service behind its SFN API
 * facade), reached by the unmodified AWS SDK through the standard AWS_ENDPOINT_URL_<SERVICE> variables, exactly as
 * local/pipeline.ts wires them. A handler module builds its own handler from the environment when imported, so a
 * test file starts this first (with any variable that module's schema requires) and imports the module afterwards;
 * the handler under test is built with the module's `createHandler(config)` from a config object (readConfig(schema,
 * {...})), one per variant. importFresh remains for modules without createHandler, and for importing a module whose
 * required variables are known only once the test has started its servers (a queue's URL, a simulator's).
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { expect, vi } from 'vitest';
import type { LocalTable } from '../../local/cfn/types.js';
import { ensureTables, startDynamoDb } from '../../local/emulators/dynamodb.js';
import { startSes, type SesEmulator } from '../../local/emulators/ses.js';
import { startSmsEmulator, type SmsEmulator } from '../../local/emulators/sms.js';
import { startSqs, type SqsEmulator } from '../../local/emulators/sqs.js';
import { LocalStepFunctionsService, startSfnApiServer, type SfnApiServer } from '../../local/stepfunctions/index.js';

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '000000000000';
export const TABLE_NAME = 'aftersales-handler-tests';

/** The case table as the CDK stack defines it (lib/constructs/case-table.ts): pk/sk, GSIs gsi1 and gsi2 (KEYS_ONLY) and gsi3 (the lookup index). */
export const CASE_TABLE: LocalTable = {
  logicalId: 'CaseTable',
  name: TABLE_NAME,
  createTableInput: {
    TableName: TABLE_NAME,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
      { AttributeName: 'gsi2pk', AttributeType: 'S' },
      { AttributeName: 'gsi2sk', AttributeType: 'S' },
      { AttributeName: 'gsi3pk', AttributeType: 'S' },
      { AttributeName: 'gsi3sk', AttributeType: 'S' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'gsi1',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: 'gsi2',
        KeySchema: [
          { AttributeName: 'gsi2pk', KeyType: 'HASH' },
          { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: 'gsi3',
        KeySchema: [
          { AttributeName: 'gsi3pk', KeyType: 'HASH' },
          { AttributeName: 'gsi3sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['caseId', 'operator', 'role', 'read', 'route', 'at'] },
      },
    ],
  },
};

export interface HandlerEnv {
  endpoints: { dynamodb: string; sqs?: string; ses?: string; sms?: string; sfn?: string };
  /** A document client for seeding and reading the table directly (marshalled like the handlers' own). */
  db: DynamoDBDocumentClient;
  sqs?: SQSClient;
  sqsEmulator?: SqsEmulator;
  ses?: SesEmulator;
  sms?: SmsEmulator;
  sfn?: { service: LocalStepFunctionsService; api: SfnApiServer; client: SFNClient };
  close(): Promise<void>;
}

export interface HandlerEnvOptions {
  sqs?: boolean;
  ses?: boolean;
  sms?: boolean;
  sfn?: boolean;
  /** Extra function environment (config the handler reads at module scope). */
  env?: Record<string, string>;
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Starts the emulators asked for, creates the case table, and points the SDK at them through process.env. */
export async function startHandlerEnv(opts: HandlerEnvOptions = {}): Promise<HandlerEnv> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const stop of closers.reverse()) await stop().catch(() => undefined);
  };
  try {
    const dynamo = await startDynamoDb();
    closers.push(dynamo.close);
    const endpoints: HandlerEnv['endpoints'] = { dynamodb: dynamo.endpoint };
    const out: Omit<HandlerEnv, 'close' | 'db'> = { endpoints };

    if (opts.sqs) {
      const sqs = await startSqs({ region: REGION, accountId: ACCOUNT_ID });
      closers.push(sqs.close);
      endpoints.sqs = sqs.endpoint;
      out.sqsEmulator = sqs;
      out.sqs = new SQSClient({ region: REGION, credentials, endpoint: sqs.endpoint });
    }
    if (opts.ses) {
      const ses = await startSes();
      closers.push(ses.close);
      endpoints.ses = ses.endpoint;
      out.ses = ses;
    }
    if (opts.sms) {
      const sms = await startSmsEmulator();
      closers.push(sms.close);
      endpoints.sms = sms.url;
      out.sms = sms;
    }
    if (opts.sfn) {
      const service = new LocalStepFunctionsService();
      const api = await startSfnApiServer(service, {});
      closers.push(api.close);
      endpoints.sfn = api.endpoint;
      out.sfn = { service, api, client: new SFNClient({ region: REGION, credentials, endpoint: api.endpoint }) };
    }

    // A developer's own AWS profile must never reach a test (real credentials, real endpoints).
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      ...(endpoints.sqs ? { AWS_ENDPOINT_URL_SQS: endpoints.sqs } : {}),
      ...(endpoints.ses ? { AWS_ENDPOINT_URL_SESV2: endpoints.ses } : {}),
      ...(endpoints.sms ? { AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: endpoints.sms } : {}),
      ...(endpoints.sfn ? { AWS_ENDPOINT_URL_SFN: endpoints.sfn } : {}),
      TABLE_NAME,
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...opts.env,
    });

    const raw = new DynamoDBClient({ region: REGION, credentials, endpoint: dynamo.endpoint });
    await ensureTables(raw, { CaseTable: CASE_TABLE });
    const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } });
    return { ...out, db, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Imports a handler module as a fresh cold start with `env` applied to process.env first. Handler config and SDK
 * clients are built at module scope, so each call gives an independent instance. The variables stay set: some are
 * read lazily on the first invocation (secrets), so restore them (withEnv) only when that instance is done.
 */
export async function importFresh<T>(load: () => Promise<T>, env: Record<string, string | undefined> = {}): Promise<T> {
  applyEnv(env);
  vi.resetModules();
  return load();
}

/** Sets (or, for undefined, removes) environment variables; returns a function that puts the old values back. */
export function withEnv(env: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  applyEnv(env);
  return () => applyEnv(saved);
}

function applyEnv(env: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

/** A localhost port nothing listens on (connections are refused at once). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A Lambda context as the Node.js runtime builds it. */
export function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new Error('callback-style completion is not used');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2026/11/23/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  routeKey?: string;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  pathParameters?: Record<string, string>;
  query?: string;
  /** Sets requestContext.authorizer.iam.userArn, as API Gateway does for an IAM-authorized route. */
  iamUserArn?: string;
  jwtClaims?: Record<string, unknown>;
}

/** An API Gateway HTTP API (payload format 2.0) event. Header names are lower-case, as API Gateway delivers them. */
export function apiEvent(req: HttpRequest): APIGatewayProxyEventV2 {
  const now = new Date();
  const headers: Record<string, string> = {
    host: 'abc123.execute-api.us-east-1.amazonaws.com',
    'user-agent': 'handler-tests/1.0',
    'x-forwarded-for': '203.0.113.10',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  };
  const routeKey = req.routeKey ?? `${req.method} ${req.path}`;
  const requestContext: APIGatewayProxyEventV2['requestContext'] & { authorizer?: unknown } = {
    accountId: ACCOUNT_ID,
    apiId: 'abc123',
    domainName: headers.host!,
    domainPrefix: 'abc123',
    http: { method: req.method, path: req.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: headers['user-agent']! },
    requestId: randomBytes(10).toString('base64'),
    routeKey,
    stage: '$default',
    time: now.toUTCString(),
    timeEpoch: now.getTime(),
    ...(req.jwtClaims ? { authorizer: { jwt: { claims: req.jwtClaims, scopes: null } } } : {}),
    ...(req.iamUserArn
      ? {
          authorizer: {
            iam: {
              accessKey: 'ASIAEXAMPLE',
              accountId: ACCOUNT_ID,
              callerId: 'AROAEXAMPLE:ops',
              cognitoIdentity: null,
              principalOrgId: null,
              userArn: req.iamUserArn,
              userId: 'AROAEXAMPLE:ops',
            },
          },
        }
      : {}),
  };
  return {
    version: '2.0',
    routeKey,
    rawPath: req.path,
    rawQueryString: req.query ?? '',
    headers,
    requestContext,
    ...(req.pathParameters ? { pathParameters: req.pathParameters } : {}),
    ...(req.body !== undefined ? { body: req.body } : {}),
    isBase64Encoded: req.isBase64Encoded ?? false,
  };
}

export interface QueueRecordInput {
  body: unknown;
  messageId?: string;
  messageGroupId?: string;
  receiveCount?: number;
}

/** An SQS event as the Lambda event source mapping delivers it (FIFO when a message group is given). */
export function sqsEvent(queueName: string, records: QueueRecordInput[]): SQSEvent {
  return { Records: records.map((r) => sqsRecord(queueName, r)) };
}

export function sqsRecord(queueName: string, input: QueueRecordInput): SQSRecord {
  const body = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
  const sent = Date.now() - 50;
  return {
    messageId: input.messageId ?? randomUUID(),
    receiptHandle: randomBytes(48).toString('base64'),
    body,
    attributes: {
      ApproximateReceiveCount: String(input.receiveCount ?? 1),
      SentTimestamp: String(sent),
      SenderId: 'AROAEXAMPLE:sender',
      ApproximateFirstReceiveTimestamp: String(sent + 10),
      ...(input.messageGroupId ? { MessageGroupId: input.messageGroupId, MessageDeduplicationId: randomBytes(16).toString('hex'), SequenceNumber: String(sent * 1000) } : {}),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${queueName}`,
    awsRegion: REGION,
  };
}

/** A Node/V8 stack frame ("    at fn (file.ts:12:5)") or a source path with a line number. */
export const STACK_TRACE = /\n\s+at\s|\bat [^\s]+ \(|\.(?:ts|js|mjs):\d+:\d+|node_modules/;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` returns a value other than undefined, or throws after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Polls until the case's `WAIT#<kind>` item holds a task token: await-event has parked the waiting step's token. */
export function taskTokenRegistered(env: Pick<HandlerEnv, 'db'>, caseId: string, kind: string): Promise<true> {
  const waitItem = async () => (await env.db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `CASE#${caseId}`, sk: `WAIT#${kind}` }, ConsistentRead: true }))).Item;
  return eventually(async () => ((await waitItem())?.taskToken ? true : undefined), 5000, `the ${kind} task token`);
}

/**
 * Registers a one-state workflow that passes straight to its end under `stateMachineArn` (the ARN start-case is
 * configured with): for tests about what intake and close do, not the run in between. Needs `startHandlerEnv({ sfn: true })`.
 */
export function addPassThroughMachine(env: HandlerEnv, stateMachineArn: string): void {
  if (!env.sfn) throw new Error('addPassThroughMachine needs the Step Functions emulator: startHandlerEnv({ sfn: true })');
  env.sfn.service.addStateMachine({
    stateMachineArn,
    definition: { StartAt: 'Started', States: { Started: { Type: 'Pass', End: true } } },
    services: { invokeFunction: async () => ({}), sendSqsMessage: async () => ({ MessageId: randomUUID() }) },
  });
}

/**
 * Registers a one-state workflow whose only Task waits for a task token (lambda:invoke.waitForTaskToken), the way
 * the case workflow's evidence, return and survey steps wait. `invoke` plays the function the state calls: it
 * receives `payload` with `$$.Task.Token` filled in. The execution's output is what SendTaskSuccess delivered.
 */
export function addWaitForTokenMachine(
  service: LocalStepFunctionsService,
  name: string,
  payload: Record<string, unknown>,
  invoke: (payload: Record<string, unknown>) => Promise<unknown>,
  timeoutSeconds = 20,
): string {
  const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:${name}`;
  service.addStateMachine({
    stateMachineArn,
    definition: {
      StartAt: 'Wait',
      States: {
        Wait: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}Step`, Payload: payload },
          TimeoutSeconds: timeoutSeconds,
          End: true,
        },
      },
    },
    services: {
      invokeFunction: async (_arn, input) => invoke(input as Record<string, unknown>),
      sendSqsMessage: async () => ({ MessageId: randomUUID() }),
    },
  });
  return stateMachineArn;
}

/**
 * Who calls when a test names nobody: a supervisor, so a test about something else is not stopped by a role; named
 * like the local OPS_TOKEN operator, which is what a request without an operator meant before the JWT authorizer.
 */
export const DEFAULT_TEST_OPERATOR = { name: 'ops-token', role: 'supervisor' } as const;

export interface OpsRequestOptions {
  body?: string;
  query?: string;
  /**
   * Call as this operator, with the claims the HTTP API's JWT authorizer hands over for a Cognito access token
   * (`username`, `cognito:groups` = roles). Default DEFAULT_TEST_OPERATOR; `null` sends no claims at all, as if the
   * request had bypassed the authorizer (the handler must then answer 401).
   */
  operator?: { name: string; role: string } | null;
}

/** The JWT authorizer's claims as API Gateway passes them (payload 2.0 flattens the groups array to "[agent]"). */
export function operatorClaims(operator: { name: string; role: string }): Record<string, string> {
  return { username: operator.name, 'cognito:groups': `[${operator.role}]`, token_use: 'access' };
}

/**
 * A request to the ops API handler as an operator (the authorizer's claims), answered as JSON and never with a stack
 * trace. `token` goes in the Authorization header as API Gateway forwards it; the handler must not trust it (only
 * the authorizer's claims say who calls).
 */
export async function callOpsApi(
  handler: (event: APIGatewayProxyEventV2, context: Context) => unknown,
  token: string,
  method: 'GET' | 'POST',
  path: string,
  opts: OpsRequestOptions = {},
) {
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const operator = opts.operator === undefined ? DEFAULT_TEST_OPERATOR : opts.operator;
  const event = apiEvent({
    method,
    path,
    routeKey: 'ANY /ops/{proxy+}',
    headers,
    pathParameters: { proxy: path.replace(/^\/ops\//, '') },
    ...(opts.query ? { query: opts.query } : {}),
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    ...(operator ? { jwtClaims: operatorClaims(operator) } : {}),
  });
  const res = (await handler(event, lambdaContext('OpsApi'))) as APIGatewayProxyStructuredResultV2;
  const body = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
  expect(body).not.toMatch(STACK_TRACE);
  return { status: res.statusCode, headers: res.headers ?? {}, body, json: JSON.parse(body) as Record<string, any> };
}

import { mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { keyRingFrom, parseKeyRing } from '../functions/domain/key-ring.js';
import { resolveTopology, type LocalTopology } from './cfn/index.js';
import { checkNoticeClaimTiming, DEV_CARRIER_KEYS, localConfig, portTaken, type LocalConfig, type LocalOverrides, type LocalService } from './config.js';
import { ensureTables } from './emulators/dynamodb.js';
import { startSes } from './emulators/ses.js';
import { startLocalDeliveryEvents } from './emulators/delivery-simulator.js';
import { startSmsEmulator, type SmsEmulator, type StoredSms } from './emulators/sms.js';
import { startSnsEmulator, type SnsEmulator } from './emulators/sns.js';
import { ensureQueues } from './emulators/sqs.js';
import { HandledAfterVisibilityTimeout, startSnsSubscriptions, startSqsPollers } from './event-sources/index.js';
import { localJwtAuthorizer, startHttpGateway } from './gateway/index.js';
import { LocalLambdaRuntime, type InvocationRecord, type LambdaInvoker } from './lambda/index.js';
import { LambdaThreadPool } from './lambda/pool.js';
import type { LocalValues } from './lambda/environment.js';
import { ConcurrencyLimit } from './lambda/concurrency.js';
import { localIndexPage } from './index-page.js';
import { LOCAL_CONSOLE_CLIENT_ID, LOCAL_SIGN_IN_PATH, localOperatorSignIn } from './operator-sign-in.js';
import { localOperators, type LocalOperator } from './operators.js';
import { startCarrierSimulator, type CarrierSimulator } from './simulators/carrier.js';
import { startOrderPlatformSimulator, type OrderPlatformSimulator } from './simulators/order-platform.js';
import { clockRoutes, LocalClock, startLocalScheduler, type LocalScheduler } from './scheduler/index.js';
import { LocalStepFunctionsService, startSfnApiServer } from './stepfunctions/index.js';
import { LOCAL_STACK_NAME, synthesizeTemplate } from './synth.js';
import type { FrontData, FrontReady } from './workers/front.js';
import { startLocalWorker } from './workers/host.js';
import type { StorageData, StorageReady } from './workers/storage.js';

const REGION = 'us-east-1';
const ACCOUNT_ID = '000000000000';
const REPO_ROOT = resolve(import.meta.dirname, '..');
/** Routes answered on the intake thread (local/workers/front.ts); every other one on the main thread. */
const INTAKE_ROUTE_KEYS = ['POST /webhooks/order-platform'];
/**
 * Lambda invocations the workflow engine runs at once on the main thread, and how many may wait for one before the
 * queue pollers stop taking new work: enough to keep the emulators' thread busy, few enough that a burst of cases
 * waits in SQS rather than in memory.
 */
const ENGINE_CONCURRENCY = 16;
const ENGINE_BACKLOG = 32;
/** Function threads run below the intake's priority (local/lambda/pool.ts), with a larger nursery than V8's 16 MB. */
const FUNCTION_THREAD_NICENESS = 10;
const FUNCTION_THREAD_YOUNG_GENERATION_MB = 64;

export interface LocalPipeline {
  config: LocalConfig;
  /** Who may call /ops, by bearer token: OPS_USERS (or the default viewer, agent, supervisor) and OPS_TOKEN. */
  operators: LocalOperator[];
  urls: {
    api: string;
    emailViewer: string;
    /** JSON list of sent mail (aws-ses-v2-local's GET /store). */
    emailStore: string;
    sms: string;
    carrier: string;
    orderPlatform: string;
    stepFunctions: string;
    opsAlerts: string;
  };
  topology: LocalTopology;
  carrier: CarrierSimulator;
  orderPlatform: OrderPlatformSimulator;
  sms: SmsEmulator;
  /** Operator alerts published to the OpsAlerts topic. */
  sns: SnsEmulator;
  stepFunctions: LocalStepFunctionsService;
  /** The time scheduled functions are told it is (EventBridge's event `time`); tests and `POST /local/clock` move it. */
  clock: LocalClock;
  scheduler: LocalScheduler;
  /** Resolves when no queue batch is in flight. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

type Log = (line: string) => void;

/** Measuring hooks (the cost benchmark): a proxy in front of an emulator's endpoint, and each finished invocation. */
export interface PipelineInstruments {
  wrapEndpoint?(service: 'dynamodb' | 'sqs', endpoint: string): Promise<string>;
  onInvoke?(record: InvocationRecord): void;
}

/**
 * Runs the whole stack on this machine: the template synthesized by the CDK app, its functions' real handler
 * code, on in-process emulators reached through the unmodified AWS SDK (endpoints set the SDK's standard way,
 * AWS_ENDPOINT_URL_<SERVICE>). Only transport is adapted here; no business logic lives in local/.
 */
export async function startLocalPipeline(overrides: LocalOverrides = {}, log: Log = () => {}, instruments: PipelineInstruments = {}): Promise<LocalPipeline> {
  const config = localConfig(process.env, overrides);
  const operators = localOperators(config.opsUsers, config.opsToken); // a bad OPS_USERS stops the start here
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const close of stops.reverse()) await close().catch(() => undefined);
  };

  // Fixed ports (LOCAL_SERVICE_PORTS): a taken one stops the start with the variable that moves it.
  const on = <T>(service: LocalService, start: (port: number) => Promise<T>): Promise<T> =>
    start(config.ports[service]).catch((error: unknown) => Promise.reject(portTaken(error, service, config.ports[service])));

  try {
    const template = synthesizeTemplate();
    // DynamoDB and SQS answer from their own thread, as AWS's services are apart from the code that calls them.
    const storage = await startLocalWorker<StorageReady>(
      new URL('./workers/storage.ts', import.meta.url),
      { dynamoDataDir: join(dataDir, 'dynamodb'), dynamoPort: config.ports.dynamodb, sqsPort: config.ports.sqs, region: REGION, accountId: ACCOUNT_ID } satisfies StorageData,
      log,
    ).catch((error: unknown) => {
      const service = (error as Error).message.startsWith('sqs:') ? 'sqs' : 'dynamodb';
      return Promise.reject(portTaken(error, service, config.ports[service]));
    });
    stops.push(storage.stop);
    const dynamo = { endpoint: storage.ready.dynamoEndpoint };
    const sqs = { endpoint: storage.ready.sqsEndpoint };
    // Measuring (npm run bench -- --cost) puts a meter between the functions and the emulators.
    const dynamoEndpoint = (await instruments.wrapEndpoint?.('dynamodb', dynamo.endpoint)) ?? dynamo.endpoint;
    const sqsEndpoint = (await instruments.wrapEndpoint?.('sqs', sqs.endpoint)) ?? sqs.endpoint;
    const ses = await on('emailViewer', (port) => startSes({ port, dataFile: join(dataDir, 'email.jsonl') }));
    stops.push(ses.close);
    let smsSent: (message: StoredSms) => void = () => {};
    const sms = await on('sms', (port) => startSmsEmulator({ port, dataFile: join(dataDir, 'sms.jsonl'), onSent: (message) => smsSent(message) }));
    stops.push(sms.close);
    const sns = await on('sns', (port) => startSnsEmulator({ port }));
    stops.push(sns.close);
    // One simulator speaks AfterShip's, 17TRACK's and Kuaidi100's protocols, each checking its own key.
    const carrier = await on('carrier', (port) =>
      startCarrierSimulator({
        port,
        seventeenTrackKey: DEV_CARRIER_KEYS['17track'],
        kuaidi100: { key: DEV_CARRIER_KEYS.kuaidi100, customer: config.kuaidi100Customer },
      }),
    );
    stops.push(carrier.close);
    const orderPlatform = await on('orderPlatform', (port) => startOrderPlatformSimulator({ port, token: config.orderPlatformToken }));
    stops.push(orderPlatform.close);

    const topology = resolveTopology(template, {
      region: REGION,
      accountId: ACCOUNT_ID,
      sqsEndpoint,
      stackName: LOCAL_STACK_NAME,
      overrides: {
        // The carrier simulator speaks the chosen provider's API, so that provider's real adapter runs locally.
        CarrierProvider: { ref: config.carrierProvider },
        Kuaidi100Customer: { ref: config.kuaidi100Customer },
        CarrierApiUrl: { ref: `${carrier.url}/` },
        ProactiveDetection: { ref: config.proactiveDetection },
        OrderPlatformApiUrl: { ref: `${orderPlatform.url}/` },
        SmsQuietHours: { ref: config.smsQuietHours },
      },
    });
    checkNoticeClaimTiming(config, topology); // a claim that goes stale too soon sends a slow notice twice
    // SES's mailbox simulator and failing SMS numbers report back through the template's delivery-event topics.
    const deliveryEvents = await on('sesApi', (port) =>
      startLocalDeliveryEvents({ port, sesEndpoint: ses.endpoint, destinations: topology.eventDestinations ?? [], publish: (topic, message) => sns.publish(topic, message) }),
    );
    stops.push(deliveryEvents.close);
    smsSent = deliveryEvents.smsSent;

    const stepFunctions = new LocalStepFunctionsService();
    const sfnApi = await on('stepFunctions', (port) => startSfnApiServer(stepFunctions, { port }));
    stops.push(sfnApi.close);

    // The SDK clients inside the handlers find the emulators through the standard endpoint variables.
    setAwsEnvironment({
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
      AWS_ENDPOINT_URL_SQS: sqsEndpoint,
      AWS_ENDPOINT_URL_SFN: sfnApi.endpoint,
      AWS_ENDPOINT_URL_SESV2: deliveryEvents.sesEndpoint,
      AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: sms.url,
      AWS_ENDPOINT_URL_SNS: sns.url,
      // Business metrics are EMF log lines for CloudWatch; locally they would only crowd the console (set false to see them).
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      // Powertools' Tracer is off outside Lambda (no X-Ray daemon here), yet importing the X-Ray SDK in its default
      // automatic mode installs an async hook that slows every promise of the thread; its documented manual mode does
      // not. Nothing reads X-Ray's context while tracing is off. In AWS the variable is unset and tracing runs.
      AWS_XRAY_MANUAL_MODE: process.env.AWS_XRAY_MANUAL_MODE ?? 'true',
    });
    // Each function gets only its own environment (local/lambda/environment.ts); its cold start waits for the local
    // values, some of which are known only once the API listens.
    let provideLocalValues: (values: LocalValues) => void = () => {};
    const localValues = new Promise<LocalValues>((resolve) => (provideLocalValues = resolve));
    // The functions run on threads of their own (LOCAL_FUNCTION_THREADS), each function in one of them; the main
    // thread's engine, pollers and gateway only hand them events. Started after the SDK's variables are set: a
    // thread's environment is a copy of the process's as it is when the thread starts.
    const pool =
      config.functionThreads > 0
        ? await LambdaThreadPool.start({
            size: config.functionThreads,
            functions: topology.functions,
            repoRoot: REPO_ROOT,
            nice: FUNCTION_THREAD_NICENESS,
            youngGenerationMb: FUNCTION_THREAD_YOUNG_GENERATION_MB,
            localValues,
            onInvoke: instruments.onInvoke,
            log,
          })
        : undefined;
    if (pool) stops.push(() => pool.stop());
    const lambda: LambdaInvoker = pool ?? new LocalLambdaRuntime({ topology, repoRoot: REPO_ROOT, onInvoke: instruments.onInvoke, localValues });
    startSnsSubscriptions({ sns, topology, lambda, onError: (error, s) => log(`topic ${s.topicArn} → ${s.functionLogicalId} failed (${(error as Error).name})`) });

    const awsClientConfig = { region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    const dynamoClient = new DynamoDBClient({ ...awsClientConfig, endpoint: dynamoEndpoint });
    const sqsClient = new SQSClient({ ...awsClientConfig, endpoint: sqsEndpoint });
    await ensureTables(dynamoClient, topology.tables);
    await ensureQueues(sqsClient, topology.queues, { visibilityTimeoutSeconds: config.visibilityTimeoutSeconds });
    // SQS is durable: what was accepted (a webhook answered 202 once its message is queued) survives a kill -9 locally too.
    const requeued = await storage.call<number>('persistSqs', join(dataDir, 'sqs.jsonl'));
    if (requeued > 0) log(`requeued ${requeued} message(s) left in the queues from ${dataDir}`);

    const engineInvocations = new ConcurrencyLimit(ENGINE_CONCURRENCY);
    for (const machine of Object.values(topology.stateMachines)) {
      stepFunctions.addStateMachine({
        definition: machine.definition as object,
        stateMachineArn: machine.arn,
        type: machine.type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
        retryIntervalMs: config.retryIntervalMs,
        services: {
          invokeFunction: (functionArn, payload) => engineInvocations.run(() => lambda.invoke(functionArn, payload)),
          sendSqsMessage: async (queueUrl, messageBody, options = {}) => {
            const out = await sqsClient.send(
              new SendMessageCommand({
                QueueUrl: queueUrl,
                MessageBody: messageBody,
                MessageGroupId: options.messageGroupId,
                MessageDeduplicationId: options.messageDeduplicationId,
              }),
            );
            return { MessageId: out.MessageId ?? '' };
          },
        },
      });
    }
    stepFunctions.onExecutionEnd((execution) => log(`execution ${execution.name} ${execution.status}${execution.error ? ` (${execution.error})` : ''}`));

    const pollers = startSqsPollers({
      sqsClient,
      topology,
      lambda,
      admit: () => engineInvocations.room(ENGINE_BACKLOG),
      onError: (error, where) =>
        log(
          `queue ${where.queueLogicalId} → ${where.functionLogicalId}: ${error instanceof HandledAfterVisibilityTimeout ? `${error.message} (harmless; on a busy machine LOCAL_VISIBILITY_TIMEOUT_SECONDS=8 makes it rarer)` : `${where.phase} failed (${(error as Error).name})`}`,
        ),
    });
    stops.push(pollers.stop);

    const clock = new LocalClock();
    let scheduler: LocalScheduler | undefined;
    const runAllSchedules = async () => {
      for (const schedule of topology.schedules) await scheduler?.runNow(schedule.logicalId);
    };

    const urls = {
      api: '',
      emailViewer: ses.viewerUrl,
      emailStore: `${ses.endpoint}/store`,
      sms: `${sms.url}/`,
      carrier: carrier.url,
      orderPlatform: `${orderPlatform.url}/v1/instructions`,
      stepFunctions: sfnApi.endpoint,
      opsAlerts: `${sns.url}/messages`,
    };
    // The main thread's gateway serves every route but the intake's, behind the intake thread's public port.
    const backend = await startHttpGateway({
      port: 0,
      host: '127.0.0.1',
      topology,
      lambda,
      // /ops checks operators' bearer tokens as the deployed JWT authorizer checks Cognito's.
      jwtAuthorizer: localJwtAuthorizer(operators),
      throttle: config.throttle,
      // The console's sign-in: Cognito's hosted page and token endpoint, played by the local operators (local/operator-sign-in.ts).
      extraRoutes: firstMatching(
        localIndexPage(() => urls, stepFunctions),
        clockRoutes(clock, runAllSchedules),
        localOperatorSignIn(operators, () => urls.api),
      ),
      onError: (error, routeKey) => log(`${routeKey} failed (${(error as Error).name})`),
    });
    stops.push(backend.close);
    const intakeRoutes = topology.httpRoutes.filter((route) => INTAKE_ROUTE_KEYS.includes(route.routeKey));
    const front = await startLocalWorker<FrontReady>(
      new URL('./workers/front.ts', import.meta.url),
      {
        port: config.port,
        host: '127.0.0.1',
        accountId: topology.accountId,
        repoRoot: REPO_ROOT,
        routes: intakeRoutes,
        functions: Object.fromEntries(intakeRoutes.map((route) => [route.functionLogicalId, topology.functions[route.functionLogicalId]!])),
        throttle: config.throttle,
        backendUrl: backend.url,
      } satisfies FrontData,
      log,
    ).catch((error: unknown) => Promise.reject(portTaken(error, 'api', config.port)));
    stops.push(front.stop);
    const gateway = front.ready;
    urls.api = gateway.url;
    // The order platform reports carried-out instructions back, signed, as the real one would.
    orderPlatform.setCallback({ url: `${gateway.url}/webhooks/order-platform`, secret: signingKey(config.webhookSecret) });
    // The carrier simulator pushes tracking updates, signed, as the provider notifies an account: AfterShip for its
    // trackings, 17TRACK for registered numbers (its dashboard's webhook URL); Kuaidi100 for the numbers the pipeline
    // subscribes, to the callbackurl it gives.
    if (config.carrierProvider === 'aftership')
      carrier.setPushTarget({ url: `${gateway.url}/webhooks/carriers/aftership`, secret: signingKey(config.carrierWebhookSecret, 'aftership') });
    if (config.carrierProvider === '17track')
      carrier.setSeventeenTrackPushTarget({ url: `${gateway.url}/webhooks/carriers/17track`, secret: signingKey(config.carrierWebhookSecret, '17track') });

    // Local-only values the deployed stack gets from Secrets Manager, parameters and the API's own URL, each given to
    // the functions whose template sets that variable (or its secret); the timings to those whose schema reads them.
    const replacing = {
      PUBLIC_BASE_URL: gateway.url,
      WEBHOOK_SECRET: config.webhookSecret,
      ORDER_PLATFORM_TOKEN: config.orderPlatformToken,
      CARRIER_API_KEY_AFTERSHIP: DEV_CARRIER_KEYS.aftership,
      CARRIER_API_KEY_17TRACK: DEV_CARRIER_KEYS['17track'],
      CARRIER_API_KEY_KUAIDI100: DEV_CARRIER_KEYS.kuaidi100,
      CARRIER_CALLBACK_BASE_URL: `${gateway.url}/`,
      CARRIER_WEBHOOK_SECRET: config.carrierWebhookSecret,
      STATUS_LINK_SECRET: config.statusLinkSecret,
      // The console signs operators in at the local stand-in for Cognito and links executions to the local pages.
      OPERATOR_SIGN_IN_URL: `${gateway.url}${LOCAL_SIGN_IN_PATH}`,
      OPERATOR_ISSUER: `${gateway.url}${LOCAL_SIGN_IN_PATH}`,
      OPERATOR_CLIENT_ID: LOCAL_CONSOLE_CLIENT_ID,
      CONSOLE_URL: `${gateway.url}/console`,
      EXECUTION_LINK: '/local/executions/{executionName}',
      POWERTOOLS_LOG_LEVEL: config.logLevel,
    };
    const values: LocalValues = { replacing, settings: config.timings };
    provideLocalValues(values);
    await front.call('localValues', values);

    // Scheduled functions start once their environment is complete.
    scheduler = startLocalScheduler({
      topology,
      invoker: lambda,
      clock,
      intervalMs: config.scheduleIntervalSeconds * 1000,
      onError: (error, schedule) => log(`schedule ${schedule.logicalId} → ${schedule.targetFunctionLogicalId} failed (${(error as Error).name})`),
    });
    stops.push(scheduler.stop);

    const resumed = await resumeOpenCases(dynamoClient, Object.values(topology.tables)[0]!.name, stepFunctions, caseStateMachine(topology).arn);
    if (resumed > 0) log(`resumed ${resumed} open case(s) from ${dataDir}`);

    return { config, operators, urls, topology, carrier, orderPlatform, sms, sns, stepFunctions, clock, scheduler, idle: () => pollers.idle(), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

type ExtraRoute = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
function firstMatching(...routes: ExtraRoute[]): ExtraRoute {
  return async (req, res) => {
    for (const route of routes) if (await route(req, res)) return true;
    return false;
  };
}

function setAwsEnvironment(values: Record<string, string>): void {
  // A developer's own AWS profile must not leak into the local run (real credentials, real endpoints).
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  Object.assign(process.env, values);
}

/**
 * Local executions live in memory; cases on disk that were mid-way when the runtime stopped are started again.
 * Every step is idempotent (conditional writes, named executions, deduplicated notices, idempotency keys), so a
 * rerun picks up where the case stands. In AWS, executions persist and a failed one is redriven instead.
 */
async function resumeOpenCases(db: DynamoDBClient, tableName: string, sfn: LocalStepFunctionsService, stateMachineArn: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, never> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk = :case AND NOT (#status IN (:closed, :attention))',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':case': { S: 'CASE' }, ':closed': { S: 'closed' }, ':attention': { S: 'needs_attention' } },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const caseId = item.caseId?.S;
      if (!caseId) continue;
      const round = Number(item.dispute?.M?.count?.N ?? 0);
      const name = round === 0 ? caseId : `${caseId}-dispute-${round}`;
      sfn.startExecution({ stateMachineArn, name, input: JSON.stringify({ caseId, round, dispute: round > 0 }) });
      count += 1;
    }
    startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey);
  return count;
}

/**
 * The key the local simulators sign with: the secret itself, or the current key of a key ring (the carriers' secret
 * may hold one per provider), as the order platform and the providers sign with the new key after a rotation.
 */
function signingKey(value: string, provider?: string): string {
  if (!value.trimStart().startsWith('{')) return value;
  const parsed = JSON.parse(value) as Record<string, unknown>;
  if ('current' in parsed || !provider) return parseKeyRing(value).current;
  return parsed[provider] === undefined ? '' : keyRingFrom(parsed[provider]).current;
}

/** The case workflow: the one Standard state machine (its Express children run inside its executions). */
export function caseStateMachine(topology: LocalTopology): LocalTopology['stateMachines'][string] {
  const machine = Object.values(topology.stateMachines).find((m) => m.type !== 'EXPRESS');
  if (!machine) throw new Error('The template has no Standard state machine');
  return machine;
}

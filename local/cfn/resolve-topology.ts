import { CfnResolutionError, IntrinsicResolver } from './intrinsics.js';
import { LocalPhysicalValues } from './physical-values.js';
import { createTableInput } from './table-input.js';
import type { CfnResource, CfnTemplate, LocalEventDestination, LocalHttpRoute, LocalSchedule, LocalTopology, ResolveTopologyOptions } from './types.js';

const ENTRY_METADATA = 'aftersales:entry';
const EXPORT_METADATA = 'aftersales:export';
const LAMBDA_DEFAULT_TIMEOUT_S = 3;
const SQS_DEFAULT_VISIBILITY_S = 30;
const SQS_DEFAULT_BATCH = 10;
const HTTP_API_MAX_INTEGRATION_TIMEOUT_MS = 30_000;

/**
 * Reads a synthesized CloudFormation template into the local topology: which handler file serves
 * each function, with its resolved environment, and how queues, tables, routes, schedules and state
 * machines connect to them. Only the properties the local runtime uses are resolved, so a template
 * property that cannot be evaluated locally (an import from another stack, say) fails only when needed.
 */
export function resolveTopology(template: CfnTemplate, opts: ResolveTopologyOptions): LocalTopology {
  const physical = new LocalPhysicalValues(template, opts);
  const parameterOverrides: Record<string, unknown> = {};
  for (const [name, override] of Object.entries(opts.overrides ?? {})) {
    if (template.Parameters?.[name] && override.ref !== undefined) parameterOverrides[name] = override.ref;
  }
  const resolver = new IntrinsicResolver(template, { region: opts.region, accountId: opts.accountId, stackName: opts.stackName ?? 'local' }, physical, parameterOverrides);
  physical.attach(resolver);

  const prop = (logicalId: string, resource: CfnResource, name: string): unknown => {
    const raw = resource.Properties?.[name];
    return raw === undefined ? undefined : resolver.resolve(raw, `Resources.${logicalId}.Properties.${name}`);
  };
  const resources = Object.entries(template.Resources).filter(([logicalId, r]) => !r.Condition || resolver.condition(r.Condition, `Resources.${logicalId}.Condition`));
  const ofType = (...types: string[]) => resources.filter(([, r]) => types.includes(r.Type));

  const topology: LocalTopology = {
    region: opts.region,
    accountId: opts.accountId,
    functions: {},
    queues: {},
    tables: {},
    eventSources: [],
    httpRoutes: [],
    stateMachines: {},
    schedules: [],
  };

  for (const [logicalId, r] of ofType('AWS::Lambda::Function')) {
    const env = (prop(logicalId, r, 'Environment') as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    const memory = prop(logicalId, r, 'MemorySize');
    const entry = r.Metadata?.[ENTRY_METADATA];
    topology.functions[logicalId] = {
      logicalId,
      name: physical.ref(logicalId, logicalId)!,
      arn: physical.getAtt(logicalId, 'Arn', logicalId)!,
      ...(typeof entry === 'string' ? { entry } : {}),
      handlerExport: typeof r.Metadata?.[EXPORT_METADATA] === 'string' ? (r.Metadata[EXPORT_METADATA] as string) : 'handler',
      environment: Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, String(v)])),
      timeoutSeconds: Number(prop(logicalId, r, 'Timeout') ?? LAMBDA_DEFAULT_TIMEOUT_S),
      ...(memory !== undefined ? { memoryMb: Number(memory) } : {}),
    };
  }

  const functionIdFor = (value: unknown, path: string): string => {
    const id = typeof value === 'string' ? findFunction(topology, physical, value) : undefined;
    if (!id) throw new CfnResolutionError(`${path}: '${String(value)}' is not a Lambda function of this template`);
    return id;
  };

  for (const [logicalId, r] of ofType('AWS::SQS::Queue')) {
    const redrive = parseJsonish(prop(logicalId, r, 'RedrivePolicy')) as { deadLetterTargetArn?: string; maxReceiveCount?: unknown } | undefined;
    const retention = prop(logicalId, r, 'MessageRetentionPeriod');
    const delay = prop(logicalId, r, 'DelaySeconds');
    let dlq: string | undefined;
    if (redrive?.deadLetterTargetArn) {
      dlq = physical.findByValue('AWS::SQS::Queue', redrive.deadLetterTargetArn);
      if (!dlq) {
        throw new CfnResolutionError(`Resources.${logicalId}.Properties.RedrivePolicy: dead-letter queue '${redrive.deadLetterTargetArn}' is not in this template`);
      }
    }
    topology.queues[logicalId] = {
      logicalId,
      name: physical.getAtt(logicalId, 'QueueName', logicalId)!,
      url: physical.ref(logicalId, logicalId)!,
      arn: physical.getAtt(logicalId, 'Arn', logicalId)!,
      fifo: String(prop(logicalId, r, 'FifoQueue')) === 'true',
      ...(prop(logicalId, r, 'ContentBasedDeduplication') !== undefined ? { contentBasedDeduplication: String(prop(logicalId, r, 'ContentBasedDeduplication')) === 'true' } : {}),
      visibilityTimeoutSeconds: Number(prop(logicalId, r, 'VisibilityTimeout') ?? SQS_DEFAULT_VISIBILITY_S),
      ...(retention !== undefined ? { messageRetentionSeconds: Number(retention) } : {}),
      ...(delay !== undefined ? { delaySeconds: Number(delay) } : {}),
      ...(dlq ? { redrive: { deadLetterQueueLogicalId: dlq, maxReceiveCount: Number(redrive?.maxReceiveCount) } } : {}),
    };
  }

  for (const [logicalId, r] of ofType('AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable')) {
    const name = physical.ref(logicalId, logicalId)!;
    const keys = ['KeySchema', 'AttributeDefinitions', 'GlobalSecondaryIndexes', 'LocalSecondaryIndexes', 'BillingMode', 'ProvisionedThroughput'];
    const props = Object.fromEntries(keys.map((k) => [k, prop(logicalId, r, k)]));
    topology.tables[logicalId] = { logicalId, name, createTableInput: createTableInput(name, r.Type, props) };
  }

  for (const [logicalId, r] of ofType('AWS::Lambda::EventSourceMapping')) {
    if (String(prop(logicalId, r, 'Enabled') ?? 'true') === 'false') continue;
    const sourceArn = prop(logicalId, r, 'EventSourceArn');
    const queueLogicalId = typeof sourceArn === 'string' ? physical.findByValue('AWS::SQS::Queue', sourceArn) : undefined;
    if (!queueLogicalId) continue; // streams and other sources have no local poller
    const responseTypes = (prop(logicalId, r, 'FunctionResponseTypes') as string[] | undefined) ?? [];
    topology.eventSources.push({
      logicalId,
      queueLogicalId,
      functionLogicalId: functionIdFor(prop(logicalId, r, 'FunctionName'), `Resources.${logicalId}.Properties.FunctionName`),
      batchSize: Number(prop(logicalId, r, 'BatchSize') ?? SQS_DEFAULT_BATCH),
      maxBatchingWindowSeconds: Number(prop(logicalId, r, 'MaximumBatchingWindowInSeconds') ?? 0),
      reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
    });
  }

  topology.httpRoutes = httpRoutes(resources, prop, physical, functionIdFor);

  for (const [logicalId, r] of ofType('AWS::StepFunctions::StateMachine')) {
    topology.stateMachines[logicalId] = {
      logicalId,
      name: physical.getAtt(logicalId, 'Name', logicalId)!,
      arn: physical.ref(logicalId, logicalId)!,
      type: String(prop(logicalId, r, 'StateMachineType') ?? 'STANDARD'),
      definition: stateMachineDefinition(logicalId, r, prop),
    };
  }

  topology.schedules = schedules(resources, prop, (value) => (typeof value === 'string' ? findFunction(topology, physical, value) : undefined));
  topology.subscriptions = ofType('AWS::SNS::Subscription').flatMap(([logicalId, r]) => {
    if (String(prop(logicalId, r, 'Protocol')) !== 'lambda') return [];
    const functionLogicalId = functionIdFor(prop(logicalId, r, 'Endpoint'), `Resources.${logicalId}.Properties.Endpoint`);
    return [{ logicalId, topicArn: String(prop(logicalId, r, 'TopicArn')), functionLogicalId }];
  });
  topology.eventDestinations = eventDestinations(resources, prop);
  return topology;
}

/** SNS destinations of SES configuration sets and End User Messaging SMS configuration sets. */
function eventDestinations(resources: Array<[string, CfnResource]>, prop: PropReader): LocalEventDestination[] {
  const out: LocalEventDestination[] = [];
  for (const [logicalId, r] of resources) {
    if (r.Type === 'AWS::SES::ConfigurationSetEventDestination') {
      const destination = prop(logicalId, r, 'EventDestination') as { Enabled?: unknown; MatchingEventTypes?: string[]; SnsDestination?: { TopicARN?: string } };
      if (!destination?.SnsDestination?.TopicARN || String(destination.Enabled ?? 'true') === 'false') continue;
      const configurationSetName = String(prop(logicalId, r, 'ConfigurationSetName'));
      out.push({ service: 'ses', configurationSetName, topicArn: destination.SnsDestination.TopicARN, eventTypes: destination.MatchingEventTypes ?? [] });
    }
    if (r.Type === 'AWS::SMSVOICE::ConfigurationSet') {
      const configurationSetName = String(prop(logicalId, r, 'ConfigurationSetName') ?? logicalId);
      const destinations = (prop(logicalId, r, 'EventDestinations') ?? []) as Array<{ Enabled?: unknown; MatchingEventTypes?: string[]; SnsDestination?: { TopicArn?: string } }>;
      for (const destination of destinations) {
        if (!destination.SnsDestination?.TopicArn || String(destination.Enabled) === 'false') continue;
        out.push({ service: 'sms', configurationSetName, topicArn: destination.SnsDestination.TopicArn, eventTypes: destination.MatchingEventTypes ?? [] });
      }
    }
  }
  return out;
}

type PropReader = (logicalId: string, resource: CfnResource, name: string) => unknown;

/** Routes of HTTP APIs whose integration is a Lambda proxy (other integrations have no local target). */
function httpRoutes(
  resources: Array<[string, CfnResource]>,
  prop: PropReader,
  physical: LocalPhysicalValues,
  functionIdFor: (value: unknown, path: string) => string,
): LocalHttpRoute[] {
  const integrations = new Map<string, { functionLogicalId: string; timeoutMs: number }>();
  for (const [logicalId, r] of resources) {
    if (r.Type !== 'AWS::ApiGatewayV2::Integration') continue;
    const uri = prop(logicalId, r, 'IntegrationUri');
    if (prop(logicalId, r, 'IntegrationType') !== 'AWS_PROXY' || typeof uri !== 'string' || !uri.includes(':lambda:')) continue;
    const timeout = Number(prop(logicalId, r, 'TimeoutInMillis') ?? HTTP_API_MAX_INTEGRATION_TIMEOUT_MS);
    integrations.set(physical.ref(logicalId, logicalId)!, {
      functionLogicalId: functionIdFor(lambdaArnOfUri(uri), `Resources.${logicalId}.Properties.IntegrationUri`),
      timeoutMs: Math.min(timeout, HTTP_API_MAX_INTEGRATION_TIMEOUT_MS),
    });
  }
  const routes: LocalHttpRoute[] = [];
  const throttles = stageThrottles(resources, prop, physical);
  for (const [logicalId, r] of resources) {
    if (r.Type !== 'AWS::ApiGatewayV2::Route') continue;
    const target = prop(logicalId, r, 'Target');
    const integration = typeof target === 'string' ? integrations.get(target.replace(/^integrations\//, '')) : undefined;
    if (!integration) continue;
    const routeKey = String(prop(logicalId, r, 'RouteKey'));
    const [method, path] = routeKey === '$default' ? ['ANY', '$default'] : routeKey.split(/\s+/, 2);
    const apiId = prop(logicalId, r, 'ApiId');
    const apiLogicalId = (typeof apiId === 'string' && physical.findByValue('AWS::ApiGatewayV2::Api', apiId)) || String(apiId);
    const throttle = throttles.get(apiLogicalId)?.(routeKey);
    routes.push({
      method: (method ?? 'ANY').toUpperCase(),
      path: path ?? '/',
      routeKey,
      functionLogicalId: integration.functionLogicalId,
      authorizationType: String(prop(logicalId, r, 'AuthorizationType') ?? 'NONE'),
      apiLogicalId,
      timeoutMs: integration.timeoutMs,
      ...(throttle ? { throttle } : {}),
    });
  }
  return routes;
}

type Throttle = NonNullable<LocalHttpRoute['throttle']>;

/**
 * Per API, the throttle its stage gives a route key: the route's RouteSettings entry, else DefaultRouteSettings. The
 * local gateway serves one stage: `$default` when there is one, else the first.
 */
function stageThrottles(resources: Array<[string, CfnResource]>, prop: PropReader, physical: LocalPhysicalValues): Map<string, (routeKey: string) => Throttle | undefined> {
  const out = new Map<string, (routeKey: string) => Throttle | undefined>();
  const toThrottle = (settings: unknown): Throttle | undefined => {
    const s = settings as { ThrottlingRateLimit?: unknown; ThrottlingBurstLimit?: unknown } | undefined;
    if (s?.ThrottlingRateLimit === undefined || s.ThrottlingBurstLimit === undefined) return undefined;
    return { rateLimit: Number(s.ThrottlingRateLimit), burstLimit: Number(s.ThrottlingBurstLimit) };
  };
  for (const [logicalId, r] of resources) {
    if (r.Type !== 'AWS::ApiGatewayV2::Stage') continue;
    const apiId = prop(logicalId, r, 'ApiId');
    const apiLogicalId = (typeof apiId === 'string' && physical.findByValue('AWS::ApiGatewayV2::Api', apiId)) || String(apiId);
    if (out.has(apiLogicalId) && prop(logicalId, r, 'StageName') !== '$default') continue;
    const fallback = toThrottle(prop(logicalId, r, 'DefaultRouteSettings'));
    const perRoute = (prop(logicalId, r, 'RouteSettings') ?? {}) as Record<string, unknown>;
    out.set(apiLogicalId, (routeKey) => toThrottle(perRoute[routeKey]) ?? fallback);
  }
  return out;
}

function stateMachineDefinition(logicalId: string, r: CfnResource, prop: PropReader): unknown {
  const path = `Resources.${logicalId}.Properties`;
  let text: string;
  const definitionString = prop(logicalId, r, 'DefinitionString');
  const definition = prop(logicalId, r, 'Definition');
  if (typeof definitionString === 'string') text = definitionString;
  else if (definition !== undefined) text = JSON.stringify(definition);
  else throw new CfnResolutionError(`${path}: state machine has no inline definition (DefinitionS3Location is not supported locally)`);
  // DefinitionSubstitutions are plain ${name} placeholders, replaced before parsing as CloudFormation does.
  const substitutions = (prop(logicalId, r, 'DefinitionSubstitutions') ?? {}) as Record<string, unknown>;
  text = text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => (name in substitutions ? String(substitutions[name]) : whole));
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CfnResolutionError(`${path}.DefinitionString: not valid JSON after resolution (${(err as Error).message})`);
  }
}

/** EventBridge rules and EventBridge Scheduler schedules that invoke a function of this template; disabled ones never fire. */
function schedules(resources: Array<[string, CfnResource]>, prop: PropReader, functionFor: (value: unknown) => string | undefined): LocalSchedule[] {
  const out: LocalSchedule[] = [];
  for (const [logicalId, r] of resources) {
    const expression = prop(logicalId, r, 'ScheduleExpression');
    if (typeof expression !== 'string' || String(prop(logicalId, r, 'State') ?? 'ENABLED') === 'DISABLED') continue;
    const timezone = prop(logicalId, r, 'ScheduleExpressionTimezone');
    const base = { logicalId, expression, ...(typeof timezone === 'string' ? { timezone } : {}) };
    const targets =
      r.Type === 'AWS::Events::Rule'
        ? ((prop(logicalId, r, 'Targets') as Array<Record<string, unknown>> | undefined) ?? [])
        : r.Type === 'AWS::Scheduler::Schedule'
          ? [prop(logicalId, r, 'Target') as Record<string, unknown>]
          : [];
    for (const target of targets) {
      const fn = functionFor(target?.Arn);
      if (!fn) continue;
      out.push({ ...base, targetFunctionLogicalId: fn, ...(typeof target.Input === 'string' ? { input: target.Input } : {}) });
    }
  }
  return out;
}

/** Logical id of the function a name, ARN (qualified or not) or logical id designates. */
function findFunction(topology: LocalTopology, physical: LocalPhysicalValues, value: string): string | undefined {
  if (topology.functions[value]) return value;
  const arnMatch = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(value);
  const candidate = arnMatch ? arnMatch[1]! : value;
  for (const fn of Object.values(topology.functions)) {
    if (fn.name === candidate || fn.arn === value) return fn.logicalId;
  }
  return physical.findByValue('AWS::Lambda::Function', value);
}

/** IntegrationUri is either the function ARN or the API Gateway invocation URI wrapping it. */
function lambdaArnOfUri(uri: string): string {
  const wrapped = /\/functions\/(arn:[^/]+)\/invocations$/.exec(uri);
  return wrapped ? wrapped[1]! : uri;
}

function parseJsonish(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** The parts of a synthesized CloudFormation template the local runtime reads. */
export interface CfnTemplate {
  Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, unknown>;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: string | string[];
}

/** Replaces the local physical values of one resource (or a parameter's value). */
export interface PhysicalOverride {
  ref?: string;
  attrs?: Record<string, string>;
}

export interface ResolveTopologyOptions {
  region: string;
  accountId: string;
  /** Base URL of the local SQS endpoint; queue URLs are `<sqsEndpoint>/<accountId>/<name>`. */
  sqsEndpoint: string;
  stackName?: string;
  overrides?: Record<string, PhysicalOverride>;
}

export interface LocalFunction {
  logicalId: string;
  name: string;
  arn: string;
  /** Repo-relative .ts path, from resource Metadata "aftersales:entry". */
  entry?: string;
  handlerExport: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb?: number;
}

export interface LocalQueue {
  logicalId: string;
  name: string;
  url: string;
  arn: string;
  fifo: boolean;
  contentBasedDeduplication?: boolean;
  visibilityTimeoutSeconds: number;
  messageRetentionSeconds?: number;
  delaySeconds?: number;
  redrive?: { deadLetterQueueLogicalId: string; maxReceiveCount: number };
}

export interface LocalTable {
  logicalId: string;
  name: string;
  createTableInput: CreateTableCommandInput;
}

export interface LocalEventSource {
  logicalId: string;
  queueLogicalId: string;
  functionLogicalId: string;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
}

export interface LocalHttpRoute {
  /** HTTP method, `ANY`, or `ANY` for the `$default` route. */
  method: string;
  /** Resource path such as `/ops/cases/{caseId}`; `$default` for the catch-all route. */
  path: string;
  routeKey: string;
  functionLogicalId: string;
  authorizationType: string;
  apiLogicalId: string;
  /** Integration timeout (API Gateway caps HTTP API integrations at 30 s). */
  timeoutMs: number;
  /** The stage's throttle for this route key (its RouteSettings entry, else DefaultRouteSettings); none: unlimited. */
  throttle?: { rateLimit: number; burstLimit: number };
}

export interface LocalStateMachine {
  logicalId: string;
  name: string;
  arn: string;
  type: string;
  definition: unknown;
}

export interface LocalSchedule {
  logicalId: string;
  expression: string;
  timezone?: string;
  targetFunctionLogicalId: string;
  input?: string;
}

/** An SNS topic's Lambda subscriber (AWS::SNS::Subscription, protocol lambda). */
export interface LocalSubscription {
  logicalId: string;
  topicArn: string;
  functionLogicalId: string;
}

/** Where a provider publishes delivery events: an SES or End User Messaging SMS configuration set's SNS destination. */
export interface LocalEventDestination {
  service: 'ses' | 'sms';
  configurationSetName: string;
  topicArn: string;
  /** As the template spells them: SES `bounce`, `complaint`...; SMS `TEXT_BLOCKED`... */
  eventTypes: string[];
}

export interface LocalTopology {
  region: string;
  accountId: string;
  functions: Record<string, LocalFunction>;
  queues: Record<string, LocalQueue>;
  tables: Record<string, LocalTable>;
  eventSources: LocalEventSource[];
  httpRoutes: LocalHttpRoute[];
  stateMachines: Record<string, LocalStateMachine>;
  schedules: LocalSchedule[];
  /** Filled by resolveTopology; optional so hand-built topologies (tests) may leave them out. */
  subscriptions?: LocalSubscription[];
  eventDestinations?: LocalEventDestination[];
}

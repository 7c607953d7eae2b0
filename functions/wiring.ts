import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { awsClient } from './adapters/aws-clients.js';
import { CaseRedactor } from './adapters/case-redactor.js';
import { CaseStore } from './adapters/case-store.js';
import { ShipmentStore } from './adapters/shipment-store.js';
import { DedupeStore } from './adapters/dedupe-store.js';
import { FollowUpStore } from './adapters/follow-up-store.js';
import { LedgerStore } from './adapters/ledger-store.js';
import { documentClient } from './adapters/dynamo.js';
import { NoticeStore, STALE_CLAIM_MS } from './adapters/notice-store.js';
import { OpsAlerts } from './adapters/ops-alerts.js';
import { PrivacyStore } from './adapters/privacy-store.js';
import { QueueSender } from './adapters/queues.js';
import { RefundStore } from './adapters/refund-store.js';
import { ReportCounters } from './adapters/report-counters.js';
import { ReviewStore } from './adapters/review-store.js';
import { PowertoolsMetricSink, type MetricSink } from './adapters/business-metrics.js';
import { SatisfactionStore } from './adapters/satisfaction-store.js';
import { SlaStore } from './adapters/sla-store.js';
import { SuppressionStore } from './adapters/suppression-store.js';
import { SurveyStore } from './adapters/survey-store.js';
import { WaitStore } from './adapters/wait-store.js';
import { CaseWorkflow } from './adapters/workflow.js';
import { optional, required, seconds } from './config.js';
import { parseKeyRing, type KeyRing } from './domain/key-ring.js';
import { createMarkets, marketCatalog, type Market, type MarketCatalog, type Markets } from './domain/markets.js';
import { MARKET_REGISTRY } from './policies/index.js';
import type { NoticeMessage } from './schemas/messages.js';

/**
 * Builders for the adapters a handler needs, from its environment. Handlers call them at module scope so each
 * client is made once per cold start; only what a handler imports is bundled into it.
 */
export const logger = new Logger({ serviceName: 'aftersales' });

/**
 * A handler as the Lambda entry: before each invocation the logger is given the Lambda context, so every log line
 * carries the request id, function name and cold start (what Powertools' injectLambdaContext middleware does, without
 * middy). A call without a Lambda context (a test calling the handler directly) runs the handler unchanged.
 */
export function withLambdaContext<A extends [unknown, ...unknown[]], R>(handle: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    const context = args[1] as Partial<Context> | undefined;
    if (typeof context?.awsRequestId === 'string') logger.addContext(context as Context);
    return handle(...args);
  };
}

export function caseStores() {
  const db = documentClient();
  const table = required('TABLE_NAME');
  return {
    cases: new CaseStore(db, table),
    waits: new WaitStore(db, table),
    notices: new NoticeStore(db, table, seconds('NOTICE_CLAIM_STALE_SECONDS', STALE_CLAIM_MS / 1000) * 1000),
    dedupe: new DedupeStore(db, table),
    surveys: new SurveyStore(db, table),
    ledger: new LedgerStore(db, table),
    satisfaction: new SatisfactionStore(db, table),
    followUps: new FollowUpStore(db, table),
    sla: new SlaStore(db, table),
    refunds: new RefundStore(db, table),
    reviews: new ReviewStore(db, table),
    reports: new ReportCounters(db, table),
    privacy: new PrivacyStore(db, table),
  };
}

/** Redaction of a closed case's personal data (docs/privacy.md), with the watched parcels' kept contacts. */
export function caseRedactor(): CaseRedactor {
  const db = documentClient();
  const table = required('TABLE_NAME');
  return new CaseRedactor(db, table, new ShipmentStore(db, table));
}

/** Operator alerts: stored for GET /ops/alerts, and published to SNS where OPS_ALERTS_TOPIC_ARN is set (AWS). */
export function opsAlerts(): OpsAlerts {
  const topicArn = optional('OPS_ALERTS_TOPIC_ARN');
  return new OpsAlerts(documentClient(), required('TABLE_NAME'), topicArn ? { client: awsClient(new SNSClient({})), topicArn } : undefined);
}

export function caseWorkflow(): CaseWorkflow {
  return new CaseWorkflow(awsClient(new SFNClient({})), optional('STATE_MACHINE_ARN'));
}

let sqs: SQSClient | undefined;
export function noticeQueue(): QueueSender<NoticeMessage> {
  return queueSender<NoticeMessage>('NOTICE_QUEUE_URL');
}

export function queueSender<T>(urlVariable: string): QueueSender<T> {
  sqs ??= awsClient(new SQSClient({}));
  return new QueueSender<T>(sqs, required(urlVariable));
}

/** How long a secret read from Secrets Manager is cached: the documented rotation delay (SECRETS_MAX_AGE_SECONDS). */
const SECRET_MAX_AGE_SECONDS = 300;

/**
 * A secret given directly (local runtime: `NAME`) or by Secrets Manager ARN (AWS: `NAME_SECRET_ARN`). Read it per
 * use, never keep it: Powertools caches it for 5 minutes, so a value rotated in Secrets Manager is used within 5
 * minutes without a cold start, and it never sits in the function's configuration.
 */
export async function secretValue(name: string, opts: { fresh?: boolean } = {}): Promise<string> {
  const direct = optional(name);
  if (direct) return direct;
  const value = await getSecret(required(`${name}_SECRET_ARN`), { maxAge: secretsMaxAgeSeconds(), ...(opts.fresh ? { forceFetch: true } : {}) });
  if (typeof value !== 'string' || value === '') throw new Error(`secret for ${name} is empty`);
  return value;
}

/** How long a function may keep using a secret's old value after it changed (the cache age). */
export function secretsMaxAgeSeconds(): number {
  return seconds('SECRETS_MAX_AGE_SECONDS', SECRET_MAX_AGE_SECONDS);
}

/** A secret that rotates with a grace period for its previous key (functions/domain/key-ring.ts), read per use. */
export async function keyRing(name: string, opts: { fresh?: boolean } = {}): Promise<KeyRing> {
  return parseKeyRing(await secretValue(name, opts), name);
}

/**
 * Something built from a secret (a signature verifier, an API client), for handlers to call per use: the secret is
 * read through `secretValue` each time (cached 5 minutes), and the thing is built again only when the value changed.
 */
export function fromSecret<T>(name: string, build: (value: string) => T): () => Promise<T> {
  let current: { value: string; built: T } | undefined;
  return async () => {
    const value = await secretValue(name);
    if (current?.value !== value) current = { value, built: build(value) };
    return current.built;
  };
}

/** How long before a calendar's data ends a cold start warns (the next year must be added to the policy by then). */
const CALENDAR_WARNING_DAYS = 60;

/**
 * A market's working-day calendar predicts by rule after its published data (due dates are then provisional) up to a
 * horizon, and fails loudly beyond; so that neither comes as a surprise, the first use of a market's calendar in a cold
 * start within 60 days of the end of its published data logs a warning.
 */
export function warnIfCalendarEndsSoon(market: Pick<Market, 'code' | 'calendar'>, now = new Date()): void {
  const { calendar } = market;
  const endsIn = (Date.parse(`${calendar.covers.to}T00:00:00Z`) - now.getTime()) / 86_400_000;
  if (endsIn < CALENDAR_WARNING_DAYS) {
    logger.warn('working-day calendar data ends soon: due dates after it are provisional; add the next year to the market policy (docs/sla.md)', {
      market: market.code,
      calendarEndsOn: calendar.covers.to,
      provisionalThrough: calendar.provisionalThrough,
      daysLeft: Math.floor(endsIn),
    });
  }
}

/** The deployment's markets and their currencies, nothing built: what the webhook intake checks an order against. */
export function knownMarkets(): MarketCatalog {
  return marketCatalog(MARKET_REGISTRY, defaultMarket());
}

/** The market of a case that names none: POLICY_MARKET, default CN. */
const defaultMarket = () => optional('POLICY_MARKET') ?? 'CN';

let deploymentMarkets: Markets | undefined;
/**
 * The deployment's markets (docs/operations.md "Markets"): each case is decided under its own market's policy and
 * calendar (`order.market`), a case without one under the default market, POLICY_MARKET (default CN). Built once per
 * cold start; the default market's policy is validated at once, so a wrong one stops the function at start.
 */
export function markets(): Markets {
  deploymentMarkets ??= createMarkets(MARKET_REGISTRY, defaultMarket(), (market) => warnIfCalendarEndsSoon(market));
  return deploymentMarkets;
}

/**
 * Business metrics (Powertools Metrics, embedded metric format) in namespace POWERTOOLS_METRICS_NAMESPACE (default
 * Aftersales) with the dimension `service` = POWERTOOLS_SERVICE_NAME; POWERTOOLS_METRICS_DISABLED=true turns them off.
 */
export function metrics(): MetricSink {
  return new PowertoolsMetricSink(new Metrics({ namespace: optional('POWERTOOLS_METRICS_NAMESPACE') ?? 'Aftersales', serviceName: optional('POWERTOOLS_SERVICE_NAME') ?? 'aftersales' }));
}

/** Addresses no notice goes to any more (hard bounces, complaints, dead numbers). */
export function suppressionStore(): SuppressionStore {
  return new SuppressionStore(documentClient(), required('TABLE_NAME'));
}

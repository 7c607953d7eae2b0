/**
 * `npm run bench -- --cost`: what one case of each type costs in AWS, counted from a local run rather than estimated.
 * One case of each type runs alone through the local runtime (the workflow's waits at 0, its timeouts at 1 s, the
 * customer not answering the survey, so the reminder path runs too) after a warm-up round, and the meters count:
 *  - Standard state transitions: the StateEntered events of the case's executions (the local engine's history);
 *  - Express executions the case's executions started (its synchronous stretches), and their billed duration;
 *  - Lambda invocations, and GB-s at each function's memory from the synthesized template (arm64);
 *  - DynamoDB read and write units, table and global secondary indexes, by a metering proxy (local/metering.ts);
 *  - SQS requests (idle polls apart: Lambda's pollers make them whether or not cases arrive), emails and SMS sent.
 * Scheduled jobs are held off during the run: they cost per period, not per case (docs/performance.md, Growth).
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COUNTER_SHARDS } from '../../functions/adapters/daily-counters.js';
import { parseKeyRing } from '../../functions/domain/key-ring.js';
import type { InvocationRecord } from '../../local/lambda/index.js';
import { meterDynamoDb, meterSqs, type DynamoCounts, type Meter, type ReadRecord, type WriteRecord } from '../../local/metering.js';
import { caseStateMachine, startLocalPipeline, type LocalPipeline } from '../../local/pipeline.js';
import { requestedEvent, type ExampleOptions } from '../example-cases.js';
import { OrderPlatformClient } from '../webhook-client.js';

/**
 * us-east-1 on-demand list prices as issue 13 states them (December 2026); Lambda at the arm64 rate. Express as the
 * AWS Step Functions price page states it (not re-checked from this machine): $1.00 per million requests and
 * $0.00001667 per GB-second, billed in 64 MB memory increments and 100 ms steps.
 */
export const PRICES = {
  region: 'us-east-1',
  date: '2026-12',
  standardTransition: 0.025 / 1_000,
  expressRequest: 1.0 / 1_000_000,
  expressGbSecond: 0.00001667,
  /** An Express execution's memory is billed in 64 MB steps; the workflow's state (ids and facts, < 4 KB) stays in the first. */
  expressMemoryGb: 64 / 1024,
  lambdaRequest: 0.2 / 1_000_000,
  lambdaGbSecond: 0.0000133334,
  writeRequestUnit: 0.625 / 1_000_000,
  readRequestUnit: 0.125 / 1_000_000,
  sqsRequest: 0.4 / 1_000_000,
  email: 0.1 / 1_000,
} as const;

interface CostCase {
  label: string;
  options: ExampleOptions;
  shipsBack?: boolean;
  /** The common case the targets apply to. */
  common?: boolean;
}

const CASES: CostCase[] = [
  { label: 'lost parcel', options: { caseType: 'lost', trackingNumber: 'SIM-LOST-COST1' }, common: true },
  { label: 'late delivery', options: { caseType: 'delayed', trackingNumber: 'SIM-LATE3-COST2' } },
  { label: 'return (no reason)', options: { caseType: 'return', locale: 'en' }, shipsBack: true, common: true },
  { label: 'exchange', options: { caseType: 'exchange' }, shipsBack: true },
  { label: 'repair', options: { caseType: 'repair', expedited: true }, shipsBack: true },
  { label: 'damaged, with photo', options: { caseType: 'damaged', evidence: [{ kind: 'photo', url: 'https://img.example.com/damage.jpg' }] } },
  { label: 'quality problem', options: { caseType: 'quality' }, shipsBack: true },
  { label: 'missing part', options: { caseType: 'missing_part', locale: 'en', channels: ['email'] } },
];

export interface CaseCost {
  label: string;
  caseType: string;
  common: boolean;
  status: string;
  standardTransitions: number;
  /** The stretches the case ran as Express executions, and their billed seconds (100 ms steps). */
  expressExecutions: number;
  expressSeconds: number;
  lambda: { invocations: number; gbSeconds: number; byFunction: Record<string, number> };
  /** The meter's counts for the case, without its per-request tally. */
  dynamodb: Omit<DynamoCounts, 'requests'>;
  sqsRequests: number;
  emails: number;
  sms: number;
  /** USD per case: the pipeline (Step Functions, Lambda, DynamoDB, SQS) and the emails apart; SMS priced per country, not here. */
  price: { stepFunctions: number; lambda: number; dynamodb: number; sqs: number; pipeline: number; emails: number };
}

export interface CostReport {
  prices: typeof PRICES;
  cases: CaseCost[];
  growth: Growth;
}

/**
 * Partition keys that more than one case writes (counters, status and due-index partitions), with the write units a
 * case puts on each (the most any measured case did) and the rate that makes at 1M cases a month on a peak day.
 */
export interface Growth {
  casesPerMonth: number;
  /** Peak hour over the month's average rate (a sales-festival day). */
  peakFactor: number;
  peakCasesPerSecond: number;
  /** DynamoDB's per-partition write limit. */
  partitionLimitWcu: number;
  /** A sharded counter partition (`…#YYYY-MM#<shard>`) is listed once as `…#YYYY-MM#*`: the rate is per shard. */
  partitions: Array<{ partition: string; unitsPerCase: number; peakWcuPerSecond: number; shareOfLimit: number; shards?: number }>;
}

interface Snapshot {
  dynamo: DynamoCounts;
  sqs: Record<string, number>;
  invocations: number;
  emails: number;
  sms: number;
}

export interface CostOptions {
  /** Only the common cases (lost parcel, return): a quicker measure while cutting. */
  commonOnly?: boolean;
  /**
   * Append every metered DynamoDB call to this file as one JSON line: writes (case label, item, units, expression) and
   * reads (case label, table, key or key condition, consistent or not, units, items returned).
   */
  traceFile?: string;
}

export async function costBenchmark(options: CostOptions = {}): Promise<CostReport> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aftersales-cost-'));
  const meters: { dynamo?: Meter<DynamoCounts>; sqs?: Meter<Record<string, number>> } = {};
  const invocations: InvocationRecord[] = [];
  let phase = 'warm-up';
  const local = await startLocalPipeline(
    {
      port: 0,
      dataDir,
      logLevel: 'CRITICAL',
      retryIntervalMs: 50,
      scheduleIntervalSeconds: 3600,
      timings: {
        CARRIER_RECHECK_SECONDS: '0',
        SURVEY_DELAY_SECONDS: '0',
        // Token waits time out in a few seconds (a timeout must be ≥ 1 s, and the runtime's one event loop lags on a busy machine).
        SURVEY_REMINDER_SECONDS: '3',
        SURVEY_EXPIRY_SECONDS: '6',
        CHOICE_TIMEOUT_SECONDS: '3',
        CARRIER_OUTAGE_WAIT_SECONDS: '0',
        COMPENSATION_CONFIRM_SECONDS: '30',
      },
    },
    () => {},
    {
      wrapEndpoint: async (service, endpoint) => {
        const meter =
          service === 'dynamodb' ? (meters.dynamo = await meterDynamoDb(endpoint, ...traceTo(options.traceFile, () => phase))) : (meters.sqs = await meterSqs(endpoint));
        return meter.endpoint;
      },
      onInvoke: (record) => invocations.push(record),
    },
  );
  try {
    const platform = new OrderPlatformClient(local.urls.api, parseKeyRing(local.config.webhookSecret).current);
    const run = (entry: CostCase) => runCase(local, platform, entry);
    // Warm-up: the common cases once, so nearly every function is imported before the measured round (cold starts
    // would inflate GB-s). One at a time: the runtime shares one event loop, and 1 s timeouts need it responsive.
    for (const entry of CASES.filter((c) => c.common)) await run(entry);
    await quiet(local, meters);
    const cases: CaseCost[] = [];
    for (const entry of CASES.filter((c) => c.common || !options.commonOnly)) {
      phase = entry.label;
      const before = await snapshot(local, meters, invocations);
      const from = invocations.length;
      const { caseId, status } = await run(entry);
      await quiet(local, meters);
      const after = await snapshot(local, meters, invocations);
      cases.push(costOf(entry, status, local, caseId, before, after, invocations.slice(from)));
    }
    return { prices: PRICES, cases, growth: growth(cases) };
  } finally {
    await local.stop();
    await meters.dynamo?.close();
    await meters.sqs?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function runCase(local: LocalPipeline, platform: OrderPlatformClient, entry: CostCase): Promise<{ caseId: string; status: string }> {
  const event = requestedEvent({ ...entry.options, ...(entry.options.trackingNumber ? { trackingNumber: `${entry.options.trackingNumber}-${Date.now() % 100_000}` } : {}) });
  let accepted = await platform.send(event);
  // The warm-up's first requests meet cold functions; the platform retries a 503 as it would against AWS.
  for (let attempt = 0; accepted.status === 503 && attempt < 5; attempt++) {
    await new Promise((r) => setTimeout(r, 1_000));
    accepted = await platform.send(event);
  }
  if (accepted.status !== 202) throw new Error(`${entry.label}: refused ${accepted.status} ${JSON.stringify(accepted.body)}`);
  const caseId = String(accepted.body.caseId);
  // Watched in process (the execution's history), not through the ops API: its reads and access-log writes are an
  // operator's cost, not the case's.
  const execution = await until(
    () => local.stepFunctions.listExecutions({ stateMachineArn: stateMachineArn(local), maxResults: 1000 }).executions?.find((e) => e.name === caseId)?.executionArn,
  );
  const waiting = (state: string) => () => local.stepFunctions.describeExecution({ executionArn: execution }).status !== 'RUNNING' || lastEntered(local, execution) === state;
  if (entry.shipsBack) {
    await until(waiting('AwaitReturn'));
    await platform.send({ type: 'return.shipped', data: { requestId: event.data.requestId, carrier: 'SF', trackingNumber: `SIM-DELIVERED-${caseId.slice(-4)}` } });
    // The return parcel's arrival is found by the tracking poll: run it for this case (scheduled jobs are otherwise held off).
    const poll = local.topology.schedules.find((s) => s.logicalId.includes('TrackShipments'));
    await until(async () => {
      if (lastEntered(local, execution) !== 'AwaitReturn') return true;
      if (poll) await local.scheduler.runNow(poll.logicalId);
      await new Promise((r) => setTimeout(r, 2_000));
      return lastEntered(local, execution) !== 'AwaitReturn';
    });
  }
  const ended = await local.stepFunctions.waitForExecution(execution, 180_000).catch(() => undefined);
  const status = ended?.status === 'SUCCEEDED' ? 'closed' : ended ? 'attention' : 'timeout';
  if (status === 'timeout') console.error(`${entry.label}: the execution did not end in 180 s; its figures are partial`);
  return { caseId, status };
}

function lastEntered(local: LocalPipeline, executionArn: string): string | undefined {
  const events = local.stepFunctions.getExecutionHistory({ executionArn, maxResults: 1000, reverseOrder: true }).events ?? [];
  return events.find((e) => e.type?.endsWith('StateEntered'))?.stateEnteredEventDetails?.name;
}

async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const stateMachineArn = (local: LocalPipeline) => caseStateMachine(local.topology).arn;

/** Waits until the queues are drained and no meter moved for a second (the last notices are sent after the close). */
async function quiet(local: LocalPipeline, meters: { dynamo?: Meter<DynamoCounts>; sqs?: Meter<Record<string, number>> }): Promise<void> {
  let last = '';
  for (;;) {
    await local.idle();
    const now = JSON.stringify([meters.dynamo?.counts().requests, Object.entries(meters.sqs?.counts() ?? {}).filter(([k]) => !k.includes('empty'))]);
    if (now === last) return;
    last = now;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

async function snapshot(local: LocalPipeline, meters: { dynamo?: Meter<DynamoCounts>; sqs?: Meter<Record<string, number>> }, invocations: InvocationRecord[]): Promise<Snapshot> {
  const store = (await (await fetch(local.urls.emailStore)).json()) as { emails: unknown[] };
  return { dynamo: meters.dynamo!.counts(), sqs: meters.sqs!.counts(), invocations: invocations.length, emails: store.emails.length, sms: local.sms.messages().length };
}

function costOf(entry: CostCase, status: string, local: LocalPipeline, caseId: string, before: Snapshot, after: Snapshot, records: InvocationRecord[]): CaseCost {
  const executions = (local.stepFunctions.listExecutions({ stateMachineArn: stateMachineArn(local), maxResults: 1000 }).executions ?? []).filter(
    (e) => e.name === caseId || e.name?.startsWith(`${caseId}-`),
  );
  const standardTransitions = executions.reduce((sum, e) => {
    const events = local.stepFunctions.getExecutionHistory({ executionArn: e.executionArn!, maxResults: 1000 }).events ?? [];
    return sum + events.filter((event) => event.type?.endsWith('StateEntered')).length;
  }, 0);
  const stretches = expressChildren(local, new Set(executions.map((e) => e.executionArn!)));
  // Billed per execution, rounded up to the next 100 ms. Local durations include a busy event loop: an upper bound.
  const expressSeconds = stretches.reduce((sum, d) => sum + Math.ceil(Math.max(1, d.stopDate!.getTime() - d.startDate!.getTime()) / 100) / 10, 0);
  const byFunction: Record<string, number> = {};
  let gbSeconds = 0;
  for (const record of records) {
    byFunction[record.functionLogicalId] = (byFunction[record.functionLogicalId] ?? 0) + 1;
    const memoryMb = local.topology.functions[record.functionLogicalId]?.memoryMb ?? 128;
    gbSeconds += (Math.max(1, record.durationMs) / 1000) * (memoryMb / 1024);
  }
  const delta = (a: Record<string, number>, b: Record<string, number>): Record<string, number> =>
    Object.fromEntries(
      Object.keys(b)
        .map((k) => [k, (b[k] ?? 0) - (a[k] ?? 0)])
        .filter(([, v]) => v !== 0),
    );
  const d = (key: 'writeUnits' | 'indexWriteUnits' | 'readUnits' | 'indexReadUnits') => after.dynamo[key] - before.dynamo[key];
  const sqs = delta(before.sqs, after.sqs);
  const sqsRequests = Object.entries(sqs).reduce((sum: number, [action, n]) => (action.includes('empty') ? sum : sum + n), 0);
  const dynamodb = {
    writeUnits: d('writeUnits'),
    indexWriteUnits: d('indexWriteUnits'),
    readUnits: d('readUnits'),
    indexReadUnits: d('indexReadUnits'),
    writesByItem: delta(before.dynamo.writesByItem, after.dynamo.writesByItem),
    writeUnitsBy: delta(before.dynamo.writeUnitsBy, after.dynamo.writeUnitsBy),
    writeUnitsByPartition: delta(before.dynamo.writeUnitsByPartition, after.dynamo.writeUnitsByPartition),
  };
  const price = {
    stepFunctions: standardTransitions * PRICES.standardTransition + stretches.length * PRICES.expressRequest + expressSeconds * PRICES.expressMemoryGb * PRICES.expressGbSecond,
    lambda: records.length * PRICES.lambdaRequest + gbSeconds * PRICES.lambdaGbSecond,
    dynamodb: (dynamodb.writeUnits + dynamodb.indexWriteUnits) * PRICES.writeRequestUnit + (dynamodb.readUnits + dynamodb.indexReadUnits) * PRICES.readRequestUnit,
    sqs: sqsRequests * PRICES.sqsRequest,
    pipeline: 0,
    emails: (after.emails - before.emails) * PRICES.email,
  };
  price.pipeline = price.stepFunctions + price.lambda + price.dynamodb + price.sqs;
  return {
    label: entry.label,
    caseType: entry.options.caseType,
    common: entry.common ?? false,
    status,
    standardTransitions,
    expressExecutions: stretches.length,
    expressSeconds: round(expressSeconds, 1),
    lambda: { invocations: records.length, gbSeconds: round(gbSeconds, 3), byFunction },
    dynamodb,
    sqsRequests,
    emails: after.emails - before.emails,
    sms: after.sms - before.sms,
    price: Object.fromEntries(Object.entries(price).map(([k, v]) => [k, round(v, 7)])) as CaseCost['price'],
  };
}

/** The Express executions (stretches of steps) started by the given executions, ended. */
function expressChildren(local: LocalPipeline, parents: Set<string>) {
  const sfn = local.stepFunctions;
  return Object.values(local.topology.stateMachines)
    .filter((m) => m.type === 'EXPRESS')
    .flatMap((m) => sfn.listExecutions({ stateMachineArn: m.arn, maxResults: 1000 }).executions ?? [])
    .map((e) => sfn.describeExecution({ executionArn: e.executionArn! }))
    .filter((d) => d.stopDate && parents.has(String((JSON.parse(d.input ?? '{}') as Record<string, unknown>).AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID)));
}

/** The meter's write and read callbacks for a trace file; a write's line is as it always was, a read's has its own fields. */
function traceTo(file: string | undefined, phase: () => string): [((write: WriteRecord) => void)?, ((read: ReadRecord) => void)?] {
  if (!file) return [];
  writeFileSync(file, '');
  const line = (record: WriteRecord | ReadRecord) => appendFileSync(file, `${JSON.stringify({ case: phase(), ...record })}\n`);
  return [line, line];
}

function growth(cases: CaseCost[]): Growth {
  const casesPerMonth = 1_000_000;
  const peakFactor = 10;
  const partitionLimitWcu = 1_000;
  const peakCasesPerSecond = (casesPerMonth / (30 * 86_400)) * peakFactor;
  const seen = new Map<string, number[]>();
  for (const c of cases)
    for (const [name, n] of Object.entries(c.dynamodb.writeUnitsByPartition)) {
      // The counters' shards (functions/adapters/daily-counters.ts): each case writes one shard, every shard is alike.
      const shard = sharded(name);
      seen.set(shard ?? name, [...(seen.get(shard ?? name) ?? []), n]);
    }
  const partitions = [...seen.entries()]
    .filter(([name, units]) => units.length >= 2 || name.endsWith('#*'))
    .map(([partition, units]) => {
      const shards = partition.endsWith('#*') ? COUNTER_SHARDS : 1;
      const unitsPerCase = Math.max(...units);
      // A shard takes 1/shards of the cases (case ids hash evenly: tests/unit/counter-shards.test.ts).
      const peakWcuPerSecond = round((unitsPerCase * peakCasesPerSecond) / shards, 2);
      return { partition, unitsPerCase, peakWcuPerSecond, shareOfLimit: round(peakWcuPerSecond / partitionLimitWcu, 4), ...(shards > 1 ? { shards } : {}) };
    })
    .sort((a, b) => b.peakWcuPerSecond - a.peakWcuPerSecond);
  return { casesPerMonth, peakFactor, peakCasesPerSecond: round(peakCasesPerSecond, 2), partitionLimitWcu, partitions };
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));
const sharded = (name: string) => (/^table\|(VOLUME|RESOLUTION|CARRIERS|LEDGER|SATISFACTION)#\d{4}-\d{2}#\d+$/.test(name) ? name.replace(/#\d+$/, '#*') : undefined);

export function printCostTable(report: CostReport): void {
  console.log(`\nCost per case (AWS ${report.prices.region} list prices, ${report.prices.date}; * = the common case the targets apply to)`);
  console.log('case                    status   SFN tr  Expr  Expr s  λ inv   λ GB-s   WRU  +idx   RRU  +idx  SQS  mail  SMS   pipeline $   mail $');
  for (const c of report.cases) {
    const db = c.dynamodb;
    console.log(
      `${(c.common ? '* ' : '  ') + c.label.padEnd(22)}${c.status.padEnd(9)}${String(c.standardTransitions).padStart(6)}${String(c.expressExecutions).padStart(6)}${c.expressSeconds.toFixed(1).padStart(8)}${String(c.lambda.invocations).padStart(7)}${c.lambda.gbSeconds.toFixed(2).padStart(9)}` +
        `${String(db.writeUnits).padStart(6)}${String(db.indexWriteUnits).padStart(6)}${db.readUnits.toFixed(0).padStart(6)}${db.indexReadUnits.toFixed(0).padStart(6)}` +
        `${String(c.sqsRequests).padStart(5)}${String(c.emails).padStart(6)}${String(c.sms).padStart(5)}${c.price.pipeline.toFixed(6).padStart(13)}${c.price.emails.toFixed(5).padStart(9)}`,
    );
  }
  console.log(
    'pipeline $ = Step Functions (Standard transitions + Express requests and duration) + Lambda + DynamoDB + SQS; emails apart (SES $0.10/1,000), SMS apart (priced per destination country).',
  );
  const g = report.growth;
  console.log(
    `\nShared partitions at ${g.casesPerMonth.toLocaleString('en')} cases/month, peak ${g.peakFactor}× the average (${g.peakCasesPerSecond} cases/s); limit ${g.partitionLimitWcu} WCU/s per partition`,
  );
  for (const p of g.partitions.slice(0, 8))
    console.log(
      `  ${p.partition.padEnd(44)} ${String(p.unitsPerCase).padStart(3)} WCU/case  ${p.peakWcuPerSecond.toFixed(1).padStart(6)} WCU/s  ${(p.shareOfLimit * 100).toFixed(2)} %${p.shards ? ` (per shard of ${p.shards})` : ''}`,
    );
}

import { claimStalenessProblem } from '../functions/adapters/notice-store.js';
import type { LocalTopology } from './cfn/types.js';
import { LocalConfigError } from './config-error.js';
import { parseOpsUsers, type LocalOperator } from './operators.js';

/**
 * Local-only settings, from the environment of `npm start`. Durations are short so a whole case finishes in
 * seconds; each can be raised to watch a case wait (e.g. SURVEY_EXPIRY_SECONDS=600 npm start).
 */
export interface LocalConfig {
  /** The API's port (PORT, 3000; 0: any free port, for tests). */
  port: number;
  /** Each emulator's and simulator's port: fixed, printed at start (LOCAL_SERVICE_PORTS). */
  ports: Record<LocalService, number>;
  dataDir: string;
  webhookSecret: string;
  /** A supervisor named `ops-token` for scripts (OPS_TOKEN), besides opsUsers. */
  opsToken: string;
  /** Operators by bearer token, standing in for Cognito users (OPS_USERS="name:role:token,…"; local/operators.ts). */
  opsUsers: LocalOperator[];
  orderPlatformToken: string;
  statusLinkSecret: string;
  /** The tracking providers' webhook secret; the carrier simulator signs its pushes with it. */
  carrierWebhookSecret: string;
  /**
   * Which real adapter runs against the carrier simulator (CARRIER_PROVIDER): `aftership` (default), `17track` or
   * `kuaidi100`; the simulator speaks all three providers' protocols.
   */
  carrierProvider: LocalCarrierProvider;
  /** Kuaidi100's customer id (KUAIDI100_CUSTOMER), checked by the simulator as Kuaidi100 checks it. */
  kuaidi100Customer: string;
  /** Proactive detection: `policy` (off in CN), `on` or `off` (the stack parameter ProactiveDetection). */
  proactiveDetection: 'policy' | 'on' | 'off';
  logLevel: string;
  timings: Record<TimingVariable, string>;
  /** Pause before every Step Functions retry (the deployed backoff is seconds to an hour). */
  retryIntervalMs: number;
  /** How soon a failed SQS message comes back (deployed: 180 s). */
  visibilityTimeoutSeconds: number;
  /** How often every scheduled function runs locally, whatever its AWS rate (SLA monitor, pollers...). */
  scheduleIntervalSeconds: number;
  /**
   * The API's per-route throttle (lib/route-limits.ts, read from the template), as in AWS: on unless
   * LOCAL_THROTTLE=off (for load experiments such as `npm run bench -- --pipeline 200`).
   */
  throttle: boolean;
  /**
   * Threads that run the functions (LOCAL_FUNCTION_THREADS, default 2), apart from the workflow engine's; each function
   * lives in one of them (local/lambda/pool.ts). 0 runs every function on the main thread with the engine.
   */
  functionThreads: number;
  /** SMS quiet hours in the customer's zone (`21:00-08:00`); `off` locally unless asked for, so demos send at once. */
  smsQuietHours: string;
}

const TIMING_DEFAULTS = {
  CARRIER_RECHECK_SECONDS: 2,
  EVIDENCE_WAIT_SECONDS: 600,
  RETURN_WAIT_SECONDS: 1800,
  SURVEY_DELAY_SECONDS: 2,
  SURVEY_EXPIRY_SECONDS: 20,
  SURVEY_REMINDER_SECONDS: 10,
  COMPENSATION_CONFIRM_SECONDS: 5,
  REVIEW_REMINDER_SECONDS: 120,
  REVIEW_ESCALATION_SECONDS: 300,
  CHOICE_TIMEOUT_SECONDS: 10,
  ADVANCE_RETURN_DEADLINE_SECONDS: 600,
  // Carrier tracking: polls every few seconds, short backoffs, an outage alert after 10 s, a re-lookup after 2 s.
  CARRIER_OUTAGE_WAIT_SECONDS: 2,
  CARRIER_OUTAGE_ALERT_SECONDS: 10,
  TRACKING_POLL_SECONDS: 3,
  TRACKING_BACKOFF_BASE_SECONDS: 1,
  TRACKING_BACKOFF_CAP_SECONDS: 10,
  // A notice claim left `sending` by a crashed sender is taken over by the redelivered message after this long:
  // more than the local visibility timeout (3 s) plus the notifier's timeout (20 s), checked at start.
  NOTICE_CLAIM_STALE_SECONDS: 30,
};
export type TimingVariable = keyof typeof TIMING_DEFAULTS;

export const LOCAL_CARRIER_PROVIDERS = ['aftership', '17track', 'kuaidi100'] as const;
export type LocalCarrierProvider = (typeof LOCAL_CARRIER_PROVIDERS)[number];
/** Local API keys, one per provider (as in AWS, where each has its own secret); the simulator checks them. */
export const DEV_CARRIER_KEYS: Readonly<Record<LocalCarrierProvider, string>> = {
  aftership: 'dev-aftership-key',
  '17track': 'dev-17track-security-key',
  kuaidi100: 'dev-kuaidi100-key',
};

// A fixed development secret so the README's examples and `npm run demo` work out of the box. Never used in AWS.
export const DEV_WEBHOOK_SECRET = 'whsec_ZGV2LW9ubHktYWZ0ZXJzYWxlcy13ZWJob29rLXNlY3JldA==';
export const DEV_OPS_TOKEN = 'dev-ops-token';

/**
 * Every emulator and simulator listens on a fixed port, so its URL stays the same from one start to the next: its own
 * variable, else PORT plus its offset (3001-3009 by default). With PORT=0 (tests) every one takes any free port.
 */
export const LOCAL_SERVICE_PORTS = {
  emailViewer: { variable: 'LOCAL_EMAIL_PORT', offset: 1, what: 'email viewer (aws-ses-v2-local; GET /store)' },
  sms: { variable: 'LOCAL_SMS_PORT', offset: 2, what: 'SMS (End User Messaging fake)' },
  carrier: { variable: 'LOCAL_CARRIER_PORT', offset: 3, what: 'carrier simulator' },
  orderPlatform: { variable: 'LOCAL_ORDER_PLATFORM_PORT', offset: 4, what: 'order platform simulator' },
  sns: { variable: 'LOCAL_SNS_PORT', offset: 5, what: 'SNS (operator alerts)' },
  dynamodb: { variable: 'LOCAL_DYNAMODB_PORT', offset: 6, what: 'DynamoDB (dynalite)' },
  sqs: { variable: 'LOCAL_SQS_PORT', offset: 7, what: 'SQS (local-aws-sqs)' },
  stepFunctions: { variable: 'LOCAL_STEPFUNCTIONS_PORT', offset: 8, what: 'Step Functions API' },
  sesApi: { variable: 'LOCAL_SES_API_PORT', offset: 9, what: "SES API the functions send through (the mailbox simulator's pass-through)" },
} as const;
export type LocalService = keyof typeof LOCAL_SERVICE_PORTS;

/** Settings a caller (tests, bench) may override; timings merge with the defaults. */
export type LocalOverrides = Partial<Omit<LocalConfig, 'timings'>> & { timings?: Partial<Record<TimingVariable, string>> };

export function localConfig(env: NodeJS.ProcessEnv = process.env, overrides: LocalOverrides = {}): LocalConfig {
  const int = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new LocalConfigError(`${name} must be a whole number, got "${raw}"`);
    return value;
  };
  const timings = {
    ...(Object.fromEntries(Object.entries(TIMING_DEFAULTS).map(([name, fallback]) => [name, String(int(name, fallback))])) as Record<TimingVariable, string>),
    ...overrides.timings,
  };
  const port = overrides.port ?? int('PORT', 3000);
  return {
    port,
    ports: servicePorts(port, int),
    dataDir: env.LOCAL_DATA_DIR ?? '.local-data',
    webhookSecret: env.WEBHOOK_SECRET ?? DEV_WEBHOOK_SECRET,
    opsToken: env.OPS_TOKEN ?? DEV_OPS_TOKEN,
    opsUsers: parseOpsUsers(env.OPS_USERS),
    orderPlatformToken: env.ORDER_PLATFORM_TOKEN ?? 'dev-order-platform-token',
    statusLinkSecret: env.STATUS_LINK_SECRET ?? 'dev-status-link-secret',
    carrierWebhookSecret: env.CARRIER_WEBHOOK_SECRET ?? 'dev-carrier-webhook-secret',
    carrierProvider: carrierProvider(env.CARRIER_PROVIDER),
    kuaidi100Customer: env.KUAIDI100_CUSTOMER || 'dev-kuaidi100-customer',
    proactiveDetection: proactiveSwitch(env.PROACTIVE_DETECTION),
    // WARN: at INFO every scheduled function logs each local run (every LOCAL_SCHEDULE_SECONDS) and every step its work.
    logLevel: env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    retryIntervalMs: int('LOCAL_RETRY_INTERVAL_MS', 250),
    visibilityTimeoutSeconds: int('LOCAL_VISIBILITY_TIMEOUT_SECONDS', 3),
    scheduleIntervalSeconds: int('LOCAL_SCHEDULE_SECONDS', 5),
    smsQuietHours: env.SMS_QUIET_HOURS ?? 'off',
    throttle: throttleSwitch(env.LOCAL_THROTTLE),
    functionThreads: int('LOCAL_FUNCTION_THREADS', 2),
    ...overrides,
    timings,
  };
}

function servicePorts(apiPort: number, int: (name: string, fallback: number) => number): Record<LocalService, number> {
  const ports = {} as Record<LocalService, number>;
  for (const [service, { variable, offset }] of Object.entries(LOCAL_SERVICE_PORTS) as Array<[LocalService, (typeof LOCAL_SERVICE_PORTS)[LocalService]]>) {
    const port = apiPort === 0 ? 0 : int(variable, apiPort + offset);
    if (port > 65535) throw new LocalConfigError(`${variable} would be ${port}, above 65535: choose a lower PORT or set ${variable}`);
    ports[service] = port;
  }
  return ports;
}

/** A port already taken becomes a message naming the variable that moves it (main.ts prints it alone). */
export function portTaken(error: unknown, service: LocalService | 'api', port: number): unknown {
  const taken = (error as { code?: string }).code === 'EADDRINUSE' || /could not listen/.test((error as Error).message ?? '');
  if (!taken) return error;
  const { variable, what } = service === 'api' ? { variable: 'PORT', what: 'API' } : LOCAL_SERVICE_PORTS[service];
  return new LocalConfigError(`port ${port} (${what}) is in use, perhaps by another npm start: set PORT to move every port, or ${variable} for this one`);
}

function carrierProvider(raw: string | undefined): LocalCarrierProvider {
  if (raw === undefined || raw === '') return 'aftership';
  if ((LOCAL_CARRIER_PROVIDERS as readonly string[]).includes(raw)) return raw as LocalCarrierProvider;
  throw new LocalConfigError(`CARRIER_PROVIDER must be ${LOCAL_CARRIER_PROVIDERS.join(', ')}, got "${raw}"`);
}

function throttleSwitch(raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === 'on') return true;
  if (raw === 'off') return false;
  throw new LocalConfigError(`LOCAL_THROTTLE must be on or off, got "${raw}"`);
}

function proactiveSwitch(raw: string | undefined): LocalConfig['proactiveDetection'] {
  if (raw === undefined || raw === '') return 'policy';
  if (raw === 'policy' || raw === 'on' || raw === 'off') return raw;
  throw new LocalConfigError(`PROACTIVE_DETECTION must be policy, on or off, got "${raw}"`);
}

/**
 * Refuses a notice claim that would go stale while a redelivered message can meet its sender still at work (the local
 * visibility timeout is seconds, the notifier's timeout the template's): that would send a slow notice twice.
 */
export function checkNoticeClaimTiming(config: LocalConfig, topology: LocalTopology): void {
  for (const source of topology.eventSources) {
    const fn = topology.functions[source.functionLogicalId];
    if (!fn?.entry?.endsWith('handlers/notifier.ts')) continue;
    const problem = claimStalenessProblem(Number(config.timings.NOTICE_CLAIM_STALE_SECONDS), {
      visibilityTimeoutSeconds: config.visibilityTimeoutSeconds,
      senderTimeoutSeconds: fn.timeoutSeconds,
    });
    if (problem) throw new LocalConfigError(`NOTICE_CLAIM_STALE_SECONDS / LOCAL_VISIBILITY_TIMEOUT_SECONDS: ${problem}`);
  }
}

import { TRACKING_PROVIDERS } from '../adapters/carriers/providers.js';
import { DEFAULT_STATUS_LINK_DAYS } from '../domain/status-link.js';
import { count, jsonObject, matching, oneOf, optionalSecret, optionalSeconds, optionalText, optionalUrl, secret, seconds, text, url } from './read.js';

/**
 * The shared pieces functions' schemas are composed of (functions/config/functions.ts), one per capability. Defaults
 * are AWS's; the local runtime shortens the durations (local/config.ts).
 */

/** The case table (every store). */
export const table = { TABLE_NAME: text() } as const;

/**
 * Business metrics (Powertools Metrics): namespace and `service` dimension. POWERTOOLS_METRICS_DISABLED and
 * POWERTOOLS_LOG_LEVEL are read by Powertools itself.
 */
export const metrics = {
  POWERTOOLS_METRICS_NAMESPACE: optionalText(),
  POWERTOOLS_SERVICE_NAME: optionalText(),
} as const;

/**
 * The deployment's default market (a case without `order.market`), default CN: a market code; that the deployment
 * ships its policy is checked when the markets are built (functions/wiring.ts), so a wrong one also stops the start.
 */
export const markets = { POLICY_MARKET: matching(/^[A-Z]{2}[A-Z0-9_-]*$/, 'a market code such as CN or DE', 'CN') } as const;

/** Operator alerts: stored for GET /ops/alerts, and published to SNS where the topic is set (AWS). */
export const alerts = { OPS_ALERTS_TOPIC_ARN: optionalText() } as const;

/** The case workflow: task tokens need no ARN; starting executions does. */
export const startsExecutions = { STATE_MACHINE_ARN: text() } as const;

export const intakeQueue = { INTAKE_QUEUE_URL: url() } as const;
export const noticeQueue = { NOTICE_QUEUE_URL: url() } as const;

/** How long a secret read from Secrets Manager is cached (default 300 s, functions/wiring/secrets.ts). */
export const secretsCache = { SECRETS_MAX_AGE_SECONDS: optionalSeconds() } as const;

/** The notices' claims (functions/adapters/notice-store.ts): a claim older than this is taken over (default 300 s). */
export const noticeClaims = { NOTICE_CLAIM_STALE_SECONDS: optionalSeconds() } as const;

/** Status links: how long a link opens, and the key they are signed with. */
export const statusLinks = {
  STATUS_LINK_DAYS: count(DEFAULT_STATUS_LINK_DAYS),
  STATUS_LINK_SECRET: secret(),
  ...secretsCache,
} as const;

/**
 * Carrier tracking (docs/carrier-tracking.md): which provider serves which carrier, CARRIER_TRACKING (full JSON) or
 * one provider for all (CARRIER_PROVIDER, CARRIER_API_URL, CARRIER_CODES, KUAIDI100_CUSTOMER).
 */
export const carrierTracking = {
  CARRIER_TRACKING: jsonObject(),
  CARRIER_PROVIDER: oneOf(TRACKING_PROVIDERS, 'simulator'),
  CARRIER_API_URL: optionalUrl(),
  CARRIER_CODES: jsonObject(),
  KUAIDI100_CUSTOMER: optionalText(),
} as const;

/** Each provider's API key (a secret each), and the older shared one. */
export const carrierKeys = {
  CARRIER_API_KEY_AFTERSHIP: optionalSecret(),
  CARRIER_API_KEY_17TRACK: optionalSecret(),
  CARRIER_API_KEY_KUAIDI100: optionalSecret(),
  CARRIER_API_KEY_SIMULATOR: optionalSecret(),
  CARRIER_API_KEY: optionalSecret(),
  ...secretsCache,
} as const;

/** Polling and alert timings, and the deployment's proactive-detection switch (`policy`: each market's policy). */
export const trackingSettings = {
  PROACTIVE_DETECTION: oneOf(['policy', 'on', 'off'], 'policy'),
  TRACKING_POLL_SECONDS: seconds(2 * 3600),
  TRACKING_BACKOFF_BASE_SECONDS: seconds(300),
  TRACKING_BACKOFF_CAP_SECONDS: seconds(6 * 3600),
  CARRIER_OUTAGE_ALERT_SECONDS: seconds(3600),
} as const;

/** The workflow's waits: days in AWS, seconds locally, so the same state machine runs in both. */
export const workflowTimings = {
  CARRIER_RECHECK_SECONDS: seconds(6 * 3600),
  EVIDENCE_WAIT_SECONDS: seconds(7 * 86_400),
  RETURN_WAIT_SECONDS: seconds(30 * 86_400),
  SURVEY_DELAY_SECONDS: seconds(86_400),
  SURVEY_EXPIRY_SECONDS: seconds(7 * 86_400),
  SURVEY_REMINDER_SECONDS: seconds(3 * 86_400),
  COMPENSATION_CONFIRM_SECONDS: seconds(3600),
  REVIEW_REMINDER_SECONDS: optionalSeconds(),
  REVIEW_ESCALATION_SECONDS: optionalSeconds(),
  CHOICE_TIMEOUT_SECONDS: optionalSeconds(),
  ADVANCE_RETURN_DEADLINE_SECONDS: optionalSeconds(),
  CARRIER_OUTAGE_WAIT_SECONDS: optionalSeconds(),
} as const;

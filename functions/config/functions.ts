import {
  alerts,
  carrierKeys,
  carrierTracking,
  intakeQueue,
  markets,
  metrics,
  noticeClaims,
  noticeQueue,
  secretsCache,
  startsExecutions,
  statusLinks,
  table,
  trackingSettings,
  workflowTimings,
} from './pieces.js';
import { configSchema, count, optionalSecret, optionalText, optionalUrl, secret, text, url, withRules, type ConfigOf, type ConfigSchema, type Rule } from './read.js';

/**
 * One configuration schema per function of the stack, composed of the shared pieces (functions/config/pieces.ts).
 * Each handler reads its own once at cold start (`readConfig(schema)`); `FUNCTION_CONFIGS` maps every function's
 * entry (the `aftersales:entry` metadata lib/constructs/project-function.ts writes) to its schema, which
 * tests/cdk/function-config.test.ts checks against the synthesized stack and the local runtime uses to give each
 * function only its own environment.
 */

/** Carrier tracking needs its routing: the full CARRIER_TRACKING, or one provider's CARRIER_API_URL. */
const trackingRouting: Rule = {
  holds: (has) => has('CARRIER_TRACKING') || has('CARRIER_API_URL'),
  message: 'CARRIER_TRACKING or CARRIER_API_URL must be set: expected the routing JSON, or the one provider’s API URL',
};
/** Kuaidi100 subscribes parcels with our push URL and its webhook secret as salt; without both, polling only. */
const kuaidi100Subscription = { CARRIER_CALLBACK_BASE_URL: optionalUrl(), CARRIER_WEBHOOK_SECRET: optionalSecret() } as const;
const tracker = withRules(configSchema(table, carrierTracking, carrierKeys, kuaidi100Subscription), trackingRouting);

export const awaitEventConfig = configSchema(table);
export const carrierLookupConfig = withRules(configSchema(tracker.variables, trackingSettings, alerts, metrics, markets), trackingRouting);
export const carrierWebhookConfig = withRules(
  configSchema(table, intakeQueue, alerts, markets, carrierTracking, trackingSettings, { CARRIER_WEBHOOK_SECRET: secret() }, secretsCache),
  trackingRouting,
);
export const classifyConfig = configSchema(table, alerts, markets, workflowTimings);
export const closeCaseConfig = configSchema(table, markets, metrics);
export const compensateConfig = configSchema(table, markets, metrics, { ORDER_PLATFORM_API_URL: url(), ORDER_PLATFORM_TOKEN: secret() }, secretsCache);
export const consoleConfig = configSchema(table, markets, alerts, startsExecutions, {
  /** The delay notices' queue, made on first use. */
  NOTICE_QUEUE_URL: optionalUrl(),
  /** Link to an execution, `{executionName}` replaced (AWS console, or the local pages). */
  EXECUTION_LINK: text(),
  OPERATOR_SIGN_IN_URL: url(),
  OPERATOR_ISSUER: url(),
  OPERATOR_CLIENT_ID: text(),
  CONSOLE_URL: url(),
});
export const deliveryEventsConfig = configSchema(table, noticeClaims, noticeQueue, metrics);
export const dispatchDeferredNoticesConfig = configSchema(table, noticeClaims, noticeQueue);
export const ingestWebhookConfig = configSchema(table, intakeQueue, markets, { WEBHOOK_SECRET: secret() }, secretsCache);
export const notifierConfig = configSchema(table, noticeClaims, metrics, markets, statusLinks, {
  NOTICE_FROM_EMAIL: text(),
  SES_CONFIGURATION_SET: optionalText(),
  SMS_ORIGINATION_IDENTITY: optionalText(),
  SMS_CONFIGURATION_SET: optionalText(),
  PUBLIC_BASE_URL: url(),
  EVIDENCE_UPLOAD_URL: url(),
  REMEDY_CHOICE_URL: url(),
  /** SMS quiet hours in the customer's zone (`21:00-08:00`, or `off`), parsed by functions/domain/quiet-hours.ts. */
  SMS_QUIET_HOURS: optionalText(),
  /** The notice queue's maxReceiveCount: the delivery that reaches it is the last before the DLQ. */
  NOTICE_MAX_RECEIVES: count(5),
});
export const opsApiConfig = configSchema(table, alerts, markets, metrics, { NOTICE_QUEUE_URL: optionalUrl() });
export const planRemedyConfig = configSchema(table, markets);
export const privacyRetentionConfig = configSchema(table, markets);
export const recordFailureConfig = configSchema(table);
export const reviewConfig = configSchema(table, markets, metrics);
export const reviewTimerConfig = configSchema(table, alerts);
export const slaMonitorConfig = configSchema(table, alerts, markets, metrics);
/** Start-case watches parcels only where carrier tracking is configured (always, in the stack). */
export const startCaseConfig = configSchema(table, alerts, markets, metrics, startsExecutions, carrierTracking, trackingSettings, {
  NOTICE_QUEUE_URL: optionalUrl(),
});
export const statusPageConfig = configSchema(table, markets, statusLinks);
export const surveyConfig = configSchema(table, markets, noticeQueue);
export const surveyApiConfig = configSchema(table, alerts, markets);
export const trackShipmentsConfig = withRules(configSchema(tracker.variables, intakeQueue, alerts, markets, trackingSettings), trackingRouting);

/** Every function's schema, by its handler entry. */
export const FUNCTION_CONFIGS: Readonly<Record<string, ConfigSchema>> = {
  'functions/handlers/await-event.ts': awaitEventConfig,
  'functions/handlers/carrier-lookup.ts': carrierLookupConfig,
  'functions/handlers/carrier-webhook.ts': carrierWebhookConfig,
  'functions/handlers/classify.ts': classifyConfig,
  'functions/handlers/close-case.ts': closeCaseConfig,
  'functions/handlers/compensate.ts': compensateConfig,
  'functions/handlers/console.ts': consoleConfig,
  'functions/handlers/delivery-events.ts': deliveryEventsConfig,
  'functions/handlers/dispatch-deferred-notices.ts': dispatchDeferredNoticesConfig,
  'functions/handlers/ingest-webhook.ts': ingestWebhookConfig,
  'functions/handlers/notifier.ts': notifierConfig,
  'functions/handlers/ops-api.ts': opsApiConfig,
  'functions/handlers/plan-remedy.ts': planRemedyConfig,
  'functions/handlers/privacy-retention.ts': privacyRetentionConfig,
  'functions/handlers/record-failure.ts': recordFailureConfig,
  'functions/handlers/review.ts': reviewConfig,
  'functions/handlers/review-timer.ts': reviewTimerConfig,
  'functions/handlers/sla-monitor.ts': slaMonitorConfig,
  'functions/handlers/start-case.ts': startCaseConfig,
  'functions/handlers/status-page.ts': statusPageConfig,
  'functions/handlers/survey.ts': surveyConfig,
  'functions/handlers/survey-api.ts': surveyApiConfig,
  'functions/handlers/track-shipments.ts': trackShipmentsConfig,
};

export type ClassifyConfig = ConfigOf<typeof classifyConfig>;
export type NotifierConfig = ConfigOf<typeof notifierConfig>;

export { readConfig } from './read.js';

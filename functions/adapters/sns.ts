/**
 * The two pieces of the SNS SDK operator alerts use, imported with `import()` (wiring/alerts.ts, ops-alerts.ts): a
 * named re-export lets esbuild tree-shake the client's chunk (~21 KiB) where `import('@aws-sdk/client-sns')` would
 * keep every command of the service (~64 KiB).
 */
export { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

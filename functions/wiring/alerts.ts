import type { SNSClient } from '@aws-sdk/client-sns';
import { awsClient } from '../adapters/aws-clients.js';
import { OpsAlerts } from '../adapters/ops-alerts.js';
import { onFirstUse } from './on-first-use.js';
import { tableAccess, type TableConfig } from './table.js';

/** Operator alerts: stored for GET /ops/alerts, and published to SNS where OPS_ALERTS_TOPIC_ARN is set (AWS). */
export function opsAlerts(config: TableConfig & { readonly OPS_ALERTS_TOPIC_ARN?: string }): OpsAlerts {
  const topicArn = config.OPS_ALERTS_TOPIC_ARN;
  return new OpsAlerts(...tableAccess(config), topicArn ? { client: lazySnsClient(), topicArn } : undefined);
}

/** The SNS client, made (and its code imported) on the first alert: alerts are rare, cold starts are not. */
function lazySnsClient(): Pick<SNSClient, 'send'> {
  // A failed import or construction is not kept: the next alert tries again (a publish that fails keeps the client).
  const made = onFirstUse(() => import('../adapters/sns.js').then(({ SNSClient }) => awsClient(new SNSClient({}))));
  return { send: (async (command: Parameters<SNSClient['send']>[0]) => (await made()).send(command)) as SNSClient['send'] };
}

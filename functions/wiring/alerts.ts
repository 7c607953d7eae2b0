import { SNSClient } from '@aws-sdk/client-sns';
import { awsClient } from '../adapters/aws-clients.js';
import { OpsAlerts } from '../adapters/ops-alerts.js';
import { tableAccess, type TableConfig } from './stores.js';

/** Operator alerts: stored for GET /ops/alerts, and published to SNS where OPS_ALERTS_TOPIC_ARN is set (AWS). */
export function opsAlerts(config: TableConfig & { readonly OPS_ALERTS_TOPIC_ARN?: string }): OpsAlerts {
  const topicArn = config.OPS_ALERTS_TOPIC_ARN;
  return new OpsAlerts(...tableAccess(config), topicArn ? { client: awsClient(new SNSClient({})), topicArn } : undefined);
}

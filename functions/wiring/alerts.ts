import { SNSClient } from '@aws-sdk/client-sns';
import { awsClient } from '../adapters/aws-clients.js';
import { OpsAlerts } from '../adapters/ops-alerts.js';
import { optional } from '../config.js';
import { tableAccess } from './stores.js';

/** Operator alerts: stored for GET /ops/alerts, and published to SNS where OPS_ALERTS_TOPIC_ARN is set (AWS). */
export function opsAlerts(): OpsAlerts {
  const topicArn = optional('OPS_ALERTS_TOPIC_ARN');
  return new OpsAlerts(...tableAccess(), topicArn ? { client: awsClient(new SNSClient({})), topicArn } : undefined);
}

import type { SNSClient } from '@aws-sdk/client-sns';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { writeIf } from './dynamo.js';

export interface OpsAlert {
  kind: string;
  caseId?: string;
  message: string;
  at: string;
  detail?: Record<string, string | number | boolean>;
  /**
   * An alert that stands for many things and is updated in place (one per provider outage): its id in the list,
   * how many it counts now, when it last changed, and when what it reports ended.
   */
  id?: string;
  count?: number;
  updatedAt?: string;
  resolvedAt?: string;
}

const ALERTS_PARTITION = 'ALERTS';
/** Keys of alerts raised once (raiseOnce): one item each, kept as long as the alerts. */
const ONCE_PARTITION = 'ALERTS_ONCE';
const ALERT_RETENTION_DAYS = 90;

/**
 * Alerts for operations: kept in the table (listed by GET /ops/alerts, newest first, also locally) and published
 * to the OpsAlerts SNS topic when one is configured (AWS), where operators subscribe by email, chat or pager.
 * Alerts carry case ids and reasons, never personal data.
 */
export class OpsAlerts {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sns?: { client: Pick<SNSClient, 'send'>; topicArn: string },
  ) {}

  async raise(alert: OpsAlert): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: ALERTS_PARTITION,
          sk: `${alert.at}#${alert.caseId ?? '-'}#${alert.kind}`,
          ...alert,
          ttl: Math.floor(Date.parse(alert.at) / 1000) + ALERT_RETENTION_DAYS * 86_400,
        },
      }),
    );
    await this.publish(alert);
  }

  /** The id an updatable alert is kept under: it sorts in the list by when it was first raised. */
  static idFor(at: string, kind: string, subject: string): string {
    return `${at}#-#${kind}#${subject}`;
  }

  /**
   * Writes an updatable alert (`alert.id`) in place, if `version` is newer than the stored one: concurrent writers
   * each write the whole alert as of their change, and the latest change wins whatever order the writes land in.
   * Not published: the caller decides which changes are worth a message. True when written.
   */
  async upsert(alert: OpsAlert & { id: string }, version: number): Promise<boolean> {
    return writeIf(
      this.db,
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: ALERTS_PARTITION, sk: alert.id, ...alert, version, ttl: Math.floor(Date.parse(alert.at) / 1000) + ALERT_RETENTION_DAYS * 86_400 },
        ConditionExpression: 'attribute_not_exists(pk) OR version < :v',
        ExpressionAttributeValues: { ':v': version },
      }),
    );
  }

  /**
   * Sends the alert to the OpsAlerts topic (AWS); `kind` overrides the subject's kind (e.g. a resolved outage). The
   * SNS client's code (~21 KiB) is imported on the first alert, not at every cold start of the ten functions that may
   * raise one (a chunk of the bundle, lib/constructs/bundling.ts).
   */
  async publish(alert: OpsAlert, kind = alert.kind): Promise<void> {
    if (this.sns) {
      const { PublishCommand } = await import('./sns.js');
      await this.sns.client.send(
        new PublishCommand({
          TopicArn: this.sns.topicArn,
          Subject: `[after-sales] ${kind}${alert.caseId ? ` ${alert.caseId}` : ''}`.slice(0, 100),
          Message: JSON.stringify(alert),
        }),
      );
    }
  }

  /**
   * Raises the alert only the first time anyone asks with `key` (a conditional write decides between concurrent
   * callers, e.g. every case started on a provisional calendar the same day). True when this call raised it.
   */
  async raiseOnce(key: string, alert: OpsAlert): Promise<boolean> {
    const first = await writeIf(
      this.db,
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: ONCE_PARTITION, sk: key, at: alert.at, ttl: Math.floor(Date.parse(alert.at) / 1000) + ALERT_RETENTION_DAYS * 86_400 },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    if (!first) return false;
    await this.raise(alert);
    return true;
  }

  async recent(limit = 50): Promise<OpsAlert[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': ALERTS_PARTITION },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(
      ({ kind, caseId, message, at, detail, id, count, updatedAt, resolvedAt }) => ({ kind, caseId, message, at, detail, id, count, updatedAt, resolvedAt }) as OpsAlert,
    );
  }
}

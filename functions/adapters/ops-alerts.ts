import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface OpsAlert {
  kind: string;
  caseId?: string;
  message: string;
  at: string;
  detail?: Record<string, string | number | boolean>;
}

const ALERTS_PARTITION = 'ALERTS';
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
    private readonly sns?: { client: SNSClient; topicArn: string },
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
    if (this.sns) {
      await this.sns.client.send(
        new PublishCommand({
          TopicArn: this.sns.topicArn,
          Subject: `[after-sales] ${alert.kind}${alert.caseId ? ` ${alert.caseId}` : ''}`.slice(0, 100),
          Message: JSON.stringify(alert),
        }),
      );
    }
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
    return (out.Items ?? []).map(({ kind, caseId, message, at, detail }) => ({ kind, caseId, message, at, detail }) as OpsAlert);
  }
}

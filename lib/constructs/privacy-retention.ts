import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { ProjectFunction } from './project-function.js';

/**
 * Retention of personal data (docs/privacy.md): every hour a function reads the due index (GSI2 `REDACT_DUE`) for
 * closed cases whose `privacy.retentionDays` ended and redacts them with the same code as a customer's request. A
 * scheduled job rather than DynamoDB TTL: TTL deletes whole items, while redaction rewrites a case's items and keeps
 * its business record; and TTL's deletion time is not guaranteed (typically within days), a schedule is.
 */
export class PrivacyRetention extends Construct {
  readonly fn: ProjectFunction;

  constructor(scope: Construct, id: string, props: { table: ITable }) {
    super(scope, id);
    this.fn = new ProjectFunction(this, 'Function', {
      handler: 'privacy-retention',
      description: 'Scheduled: redacts the personal data of closed cases past their retention period',
      environment: { TABLE_NAME: props.table.tableName },
      timeout: Duration.seconds(120),
    });
    props.table.grantReadWriteData(this.fn);
    new Rule(this, 'Schedule', { schedule: Schedule.rate(Duration.hours(1)), targets: [new LambdaFunction(this.fn, { retryAttempts: 2 })] });
  }
}

import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { Capability } from './capability.js';
import { ProjectFunction } from './project-function.js';

/**
 * Service levels (docs/sla.md): every 5 minutes the monitor reads the due index and alerts on cases due soon or past
 * their service due time and on missed first responses. (The functions that start clocks or pause cases alert by
 * themselves when the calendar cannot give a due date.)
 */
export class Sla extends Capability {
  readonly monitor: ProjectFunction;

  constructor(scope: Construct, id: string, props: { table: ITable; opsAlerts: ITopic }) {
    super(scope, id);
    this.monitor = new ProjectFunction(this, 'SlaMonitor', {
      handler: 'sla-monitor',
      description: 'Scheduled: open cases due soon or past their service due time, missed first-response targets',
      environment: { TABLE_NAME: props.table.tableName, OPS_ALERTS_TOPIC_ARN: props.opsAlerts.topicArn },
      timeout: Duration.seconds(60),
    });
    props.table.grantReadWriteData(this.monitor);
    new Rule(this, 'SlaMonitorSchedule', { schedule: Schedule.rate(Duration.minutes(5)), targets: [new LambdaFunction(this.monitor, { retryAttempts: 2 })] });
    props.opsAlerts.grantPublish(this.monitor);
  }
}

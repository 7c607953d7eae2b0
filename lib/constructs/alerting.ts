import { CfnOutput, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { Capability } from './capability.js';
import { PipelineMonitoring, type PipelineMonitoringProps } from './pipeline-monitoring.js';
import { ProjectFunction } from './project-function.js';

/**
 * Operator alerts and the watch: the encrypted OpsAlerts topic (the pipeline's own alerts, review reminders and
 * escalations, and every CloudWatch alarm publish to it) and, once the other capabilities exist, the dashboard and
 * alarms (docs/operations.md "Monitoring").
 */
export class Alerting extends Capability {
  readonly topic: Topic;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const key = new Key(this, 'OpsAlertsKey', { enableKeyRotation: true, description: 'Encrypts operator alerts' });
    this.topic = new Topic(this, 'OpsAlerts', { displayName: 'After-sales operator alerts', masterKey: key, enforceSSL: true });
    // CloudWatch alarms publish to the encrypted topic only if the key lets them.
    key.addToResourcePolicy(
      new PolicyStatement({ principals: [new ServicePrincipal('cloudwatch.amazonaws.com')], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'] }),
    );
    new CfnOutput(this, 'OpsAlertsTopicArn', { value: this.topic.topicArn });
  }

  /**
   * The dashboard and alarms. Every project function of the stack is watched, found in the tree (a new function needs
   * no line here): call it after the last capability.
   */
  watch(props: Omit<PipelineMonitoringProps, 'functions' | 'alarmTopic'>): PipelineMonitoring {
    const functions = Stack.of(this)
      .node.findAll()
      .filter((c): c is ProjectFunction => c instanceof ProjectFunction);
    return new PipelineMonitoring(this, 'Monitoring', { ...props, functions, alarmTopic: this.topic });
  }
}

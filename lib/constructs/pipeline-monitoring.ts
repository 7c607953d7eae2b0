import { Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { ComparisonOperator, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { DefaultDashboardFactory, GraphWidgetType, MetricStatistic, MonitoringFacade, SnsAlarmActionStrategy, type CustomMetric } from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import { BUSINESS_METRICS, type BusinessMetric } from '../../functions/adapters/business-metric-names.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from './project-function.js';
import type { QueueWithDlq } from './queue-with-dlq.js';

export interface PipelineMonitoringProps {
  /** Every function of the pipeline: errors, throttles and duration each. */
  functions: LambdaFunction[];
  /** Functions on a schedule whose every failure means missing work (a failed SLA run is missed alerts). */
  scheduledFunctions: LambdaFunction[];
  /** Work queues with their DLQs: the oldest message's age, and anything parked in the DLQ. */
  queues: Array<{ name: string; queue: QueueWithDlq; maxAge: Duration }>;
  /** Queues that are themselves a dead letter (a Lambda's on-failure destination): any message alarms. */
  failureQueues: Array<{ name: string; queue: IQueue }>;
  stateMachine: IStateMachine;
  httpApi: IHttpApi;
  /** Every alarm notifies this topic (OpsAlerts). */
  alarmTopic: ITopic;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * The AWS watch (docs/operations.md "Monitoring"): one CloudWatch dashboard of the pipeline (functions, queues, the
 * case workflow, the HTTP API, and the business metrics) and its alarms, built with cdk-monitoring-constructs. Every
 * alarm notifies the OpsAlerts topic. Critical alarms mean work is lost or stuck (a DLQ holds messages, a workflow
 * failed or timed out, the SLA monitor failed, cases breached their service limit); warnings mean it is slowing.
 */
export class PipelineMonitoring extends Construct {
  readonly facade: MonitoringFacade;

  constructor(scope: Construct, id: string, props: PipelineMonitoringProps) {
    super(scope, id);
    const prefix = Stack.of(this).stackName;
    this.facade = new MonitoringFacade(this, 'Facade', {
      alarmFactoryDefaults: { alarmNamePrefix: prefix, actionsEnabled: true, action: new SnsAlarmActionStrategy({ onAlarmTopic: props.alarmTopic }), datapointsToAlarm: 1 },
      metricFactoryDefaults: { period: FIVE_MINUTES },
      dashboardFactory: new DefaultDashboardFactory(this, 'Dashboards', {
        dashboardNamePrefix: prefix,
        createDashboard: true,
        createSummaryDashboard: false,
        createAlarmDashboard: true,
      }),
    });
    const monitoring = this.facade;

    monitoring.addLargeHeader('After-sales pipeline');
    this.businessMetrics();

    monitoring.monitorStepFunction({
      stateMachine: props.stateMachine,
      humanReadableName: 'Case workflow',
      alarmFriendlyName: 'CaseWorkflow',
      // A failed execution is a case in needs_attention (record-failure catch); a timed-out one never reached it.
      addFailedExecutionCountAlarm: {
        Critical: { maxErrorCount: 0, alarmDescriptionOverride: 'A case workflow failed; the case is in needs_attention (GET /ops/cases?status=needs_attention).' },
      },
      addTimedOutExecutionCountAlarm: { Critical: { maxErrorCount: 0, alarmDescriptionOverride: 'A case workflow timed out; its case may be stuck in its last status.' } },
      addAbortedExecutionCountAlarm: { Warning: { maxErrorCount: 0 } },
      addThrottledExecutionCountAlarm: { Warning: { maxErrorCount: 0 } },
    });

    for (const { name, queue, maxAge } of props.queues) {
      monitoring.monitorSqsQueueWithDlq({
        queue: queue.queue,
        deadLetterQueue: queue.deadLetterQueue,
        humanReadableName: `${name} queue`,
        alarmFriendlyName: `${name}Queue`,
        addQueueMaxMessageAgeAlarm: { Warning: { maxAgeInSeconds: maxAge.toSeconds() } },
        addDeadLetterQueueMaxSizeAlarm: {
          Critical: { maxMessageCount: 0, alarmDescriptionOverride: `${name} messages failed every delivery and are parked in the DLQ (redrive after fixing the cause).` },
        },
      });
    }
    for (const { name, queue } of props.failureQueues) {
      monitoring.monitorSqsQueue({
        queue,
        humanReadableName: name,
        alarmFriendlyName: name,
        addQueueMaxSizeAlarm: { Critical: { maxMessageCount: 0, alarmDescriptionOverride: `${name}: events could not be processed after Lambda's retries; see the queue.` } },
      });
    }

    monitoring.monitorApiGatewayV2HttpApi({
      api: props.httpApi,
      humanReadableName: 'HTTP API',
      alarmFriendlyName: 'HttpApi',
      add5xxCountAlarm: { Critical: { maxErrorCount: 5 } },
      // Refused webhooks, expired links and bad sign-ins are 4xx; a flood of them is a partner or an attack.
      add4xxCountAlarm: { Warning: { maxErrorCount: 200 } },
      addLatencyP90Alarm: { Warning: { maxLatency: Duration.seconds(3) } },
    });

    const scheduled = new Set(props.scheduledFunctions);
    for (const fn of props.functions) {
      // A function made inside a construct of its own is often its 'Function' (PrivacyRetention/Function): name it
      // after that construct, or its alarms would say 'Function' and nothing about what failed.
      const name = fn.node.id === 'Function' && fn.node.scope ? fn.node.scope.node.id : fn.node.id;
      monitoring.monitorLambdaFunction({
        lambdaFunction: fn,
        humanReadableName: name,
        alarmFriendlyName: name,
        addFaultCountAlarm: scheduled.has(fn)
          ? {
              Critical: {
                maxErrorCount: 0,
                alarmDescriptionOverride: `${name} failed a scheduled run; its work (alerts, polling, held SMS) may be missing until the next run succeeds.`,
              },
            }
          : { Warning: { maxErrorCount: 5 } },
        addThrottlesCountAlarm: { Warning: { maxErrorCount: 0 } },
        addMaxLatencyAlarm: { Warning: { maxLatencyPercentageOfTimeout: 80 } },
      });
    }
  }

  /** The business metrics the functions publish (functions/adapters/business-metrics.ts), and the SLA breach alarm. */
  private businessMetrics(): void {
    const total = (name: BusinessMetric, label: string) =>
      new Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service: SERVICE_NAME }, statistic: MetricStatistic.SUM, period: FIVE_MINUTES, label });
    // Breakdowns by their dimensions, whatever values occur (SEARCH): new case types or remedies show up by themselves.
    const breakdown = (name: BusinessMetric, label: string): CustomMetric => ({
      searchQuery: `MetricName="${name}"`,
      namespace: METRICS_NAMESPACE,
      dimensionsMap: Object.fromEntries([['service', SERVICE_NAME], ...BUSINESS_METRICS[name].map((d) => [d, undefined as unknown as string])]),
      statistic: MetricStatistic.SUM,
      period: FIVE_MINUTES,
      label,
    });
    const group = (title: string, metrics: CustomMetric[]) => ({ title, metrics, graphWidgetType: GraphWidgetType.BAR });
    this.facade.monitorCustom({
      humanReadableName: 'Cases (business metrics)',
      alarmFriendlyName: 'Business',
      description: `Namespace ${METRICS_NAMESPACE}, published by the functions (Powertools Metrics). Totals by service; breakdowns by case type, decision, remedy, channel, provider.`,
      metricGroups: [
        {
          title: 'SLA',
          important: true,
          metrics: [
            {
              metric: total('SlaBreached', 'Breached'),
              alarmFriendlyName: 'SlaBreached',
              addAlarm: {
                Critical: {
                  threshold: 0,
                  comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
                  additionalDescription: 'Cases passed their service due time (GET /ops/cases?sla=breached; each is also alerted once by the SLA monitor).',
                },
              },
            },
            total('SlaDueSoon', 'Due soon'),
            total('FirstResponseMissed', 'First response missed'),
          ],
        },
        group('Cases opened by type', [breakdown('CasesOpened', 'Opened')]),
        group('Cases closed by type and outcome', [breakdown('CasesClosed', 'Closed')]),
        group('Decisions (policy, operator)', [breakdown('Decisions', 'Decisions')]),
        group('Payouts by remedy', [breakdown('Payouts', 'Payouts')]),
        group('Notices by channel', [breakdown('NoticesSent', 'Sent'), breakdown('NoticesFailed', 'Failed')]),
        group('Carrier lookups by provider and outcome', [breakdown('CarrierLookups', 'Lookups')]),
      ],
    });
  }
}

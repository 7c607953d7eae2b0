import { type CfnElement, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Alerting } from './constructs/alerting.js';
import { logicalIdOf } from './constructs/capability.js';
import { CarrierTracking } from './constructs/carrier-tracking.js';
import { CaseTable } from './constructs/case-table.js';
import { limitContactAccess } from './constructs/contact-access.js';
import { CustomerPages } from './constructs/customer-pages.js';
import { DataKey, type DataKeyOption } from './constructs/data-key.js';
import { PipelineHttpApi } from './constructs/http-api.js';
import { Intake } from './constructs/intake.js';
import { Notices } from './constructs/notices.js';
import { Operations } from './constructs/operations.js';
import { PrivacyRetention } from './constructs/privacy-retention.js';
import { QueueWithDlq } from './constructs/queue-with-dlq.js';
import { Settings } from './constructs/settings.js';
import { Sla } from './constructs/sla.js';
import { WorkflowSteps } from './constructs/workflow-steps.js';
import { acknowledgeNagFindings } from './nag-acknowledgements.js';

/**
 * The after-sales pipeline: HTTP API → ingest → intake queue → start-case → Step Functions case workflow
 * (classify, review, carrier lookup, compensation, survey, close) → notice queue → notifier (SES, SMS).
 * Composed of one construct per capability (lib/constructs/, docs/operations.md "Stack layout"); what they share (the
 * table, the two queues, the HTTP API, the alerts topic) is made here and handed to them.
 */
export interface AftersalesStackProps extends StackProps {
  /** Customer-managed KMS key for data at rest: `create`, a key ARN, or unset (default encryption); else the context value `aftersales:dataKey`. */
  dataKey?: DataKeyOption;
}

export class AftersalesStack extends Stack {
  constructor(scope: Construct, id: string, props?: AftersalesStackProps) {
    super(scope, id, props);
    DataKey.attach(this, props?.dataKey);
    const settings = new Settings(this, 'Settings');
    const { table } = new CaseTable(this, 'Cases');
    const intakeQueue = new QueueWithDlq(this, 'Intake', { visibilityTimeout: Duration.seconds(180) });
    // FIFO, grouped by case: a customer's notices arrive in the order of the case's milestones.
    const notices = new QueueWithDlq(this, 'Notices', { visibilityTimeout: Duration.seconds(180), fifo: true });
    const alerting = new Alerting(this, 'Alerting');
    const opsAlerts = alerting.topic;
    const http = new PipelineHttpApi(this, 'Http');
    new CfnOutput(this, 'ApiUrl', { value: http.url, description: 'Base URL of the HTTP API' });

    const shared = { table, opsAlerts, settings, http };
    const workflow = new WorkflowSteps(this, 'Workflow', { ...shared, noticeQueue: notices.queue });
    const { stateMachine } = workflow;
    const intake = new Intake(this, 'CaseIntake', { ...shared, intakeQueue: intakeQueue.queue, noticeQueue: notices.queue, stateMachine });
    const tracking = new CarrierTracking(this, 'CarrierTracking', { ...shared, intakeQueue: intakeQueue.queue });
    const customerNotices = new Notices(this, 'CustomerNotices', {
      table,
      notices,
      settings: settings.notices,
      statusLinkSecret: settings.statusLinkSecret,
      publicBaseUrl: http.url,
    });
    new CustomerPages(this, 'CustomerPages', { ...shared, stateMachine, statusLinkSecret: settings.statusLinkSecret });
    const operations = new Operations(this, 'Operations', { ...shared, stateMachine, noticeQueue: notices.queue });
    const sla = new Sla(this, 'Sla', { table, opsAlerts });
    // Personal data of closed cases is redacted after the market's retention period (docs/privacy.md).
    const retention = new PrivacyRetention(this, 'PrivacyRetention', { table });

    // The watch: after the last function (every project function is watched, found in the tree).
    alerting.watch({
      scheduledFunctions: [sla.monitor, tracking.poller, customerNotices.delivery.dispatcher, retention.fn],
      queues: [
        { name: 'Intake', queue: intakeQueue, maxAge: Duration.minutes(15) },
        { name: 'Notices', queue: notices, maxAge: Duration.minutes(30) },
      ],
      failureQueues: [{ name: 'DeliveryEventsFailed', queue: customerNotices.delivery.failedEvents }],
      stateMachine,
      httpApi: http.api,
    });

    // Only these read customers' contacts; every other function is denied their partitions (and Scan).
    const contactReaders = [intake.startCase, customerNotices.notifier, operations.opsApi, operations.console, workflow.functions.closeCase, retention.fn];
    limitContactAccess(this, table, contactReaders);
    acknowledgeNagFindings(this, {
      table,
      workflowFunctions: Object.values(workflow.functions),
      publicRoutes: http.publicRoutes,
      consoleRoutes: http.consoleRoutes,
      secrets: [...settings.secrets, tracking.webhookSecret],
      failureDestinations: [customerNotices.delivery.failedEvents],
    });
  }

  /** Capabilities group code, not names: every resource keeps the logical ID it had before them (capability.ts). */
  protected override allocateLogicalId(element: CfnElement): string {
    return logicalIdOf(this, element);
  }
}

// First: traces the AWS SDK clients and HTTP calls made below (functions/tracing.ts).
import '../tracing.js';
import { notifierConfig, readConfig } from '../config/functions.js';
import { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { awsClient } from '../adapters/aws-clients.js';
import { AwsNoticeSenders, providerClientConfig } from '../adapters/notice-senders.js';
import { parseQuietHours } from '../domain/quiet-hours.js';
import { noticeMessage } from '../schemas/messages.js';
import { sendContextOf, sendNotice, type AcceptedUnrecorded, type NoticeSettings } from '../use-cases/send-notice.js';
import { markets } from '../wiring.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { metrics } from '../wiring/metrics.js';
import { keyRing } from '../wiring/secrets.js';
import { caseStore, noticeStore, suppressionStore, surveyStore } from '../wiring/stores.js';

const config = readConfig(notifierConfig);
const acceptedUnrecorded: AcceptedUnrecorded = new Map();
const stores = { cases: caseStore(config), notices: noticeStore(config), surveys: surveyStore(config), suppressions: suppressionStore(config), acceptedUnrecorded };
const metricSink = metrics(config);
const senders = new AwsNoticeSenders(awsClient(new SESv2Client(providerClientConfig())), awsClient(new PinpointSMSVoiceV2Client(providerClientConfig())), {
  fromEmail: config.NOTICE_FROM_EMAIL,
  configurationSet: config.SES_CONFIGURATION_SET,
  smsOriginationIdentity: config.SMS_ORIGINATION_IDENTITY,
  smsConfigurationSet: config.SMS_CONFIGURATION_SET,
});
const settings: Omit<NoticeSettings, 'statusLinkSecret'> = {
  publicBaseUrl: config.PUBLIC_BASE_URL,
  statusLinkDays: config.STATUS_LINK_DAYS,
  evidenceUploadUrl: config.EVIDENCE_UPLOAD_URL,
  remedyChoiceUrl: config.REMEDY_CHOICE_URL,
  quietHours: parseQuietHours(config.SMS_QUIET_HOURS),
  // Each case's notices follow its own market's policy and calendar.
  markets: markets(config),
};
const processor = new SqsFifoPartialProcessorAsync(); // FIFO: after a failure, the case's later notices wait too

/** Notice queue consumer: email and SMS per milestone; a failed record returns to the queue, then its DLQ. */
async function handle(event: SQSEvent, context: Context) {
  // Links are signed with the current key only; the status page still opens those signed with the previous one.
  const deps = { ...stores, senders, settings: { ...settings, statusLinkSecret: (await keyRing(config.STATUS_LINK_SECRET, config)).current } };
  const send = async (record: SQSRecord) => {
    const message = noticeMessage.parse(JSON.parse(record.body));
    // NOTICE_MAX_RECEIVES is the queue's maxReceiveCount: the delivery that reaches it is the last before the DLQ.
    const ctx = sendContextOf(message, record.attributes, config.NOTICE_MAX_RECEIVES, new Date(), () => context.getRemainingTimeInMillis());
    const outcome = await sendNotice(deps, message, ctx).catch((error: Error) => {
      logger.error('notice failed', { caseId: message.caseId, milestone: message.milestone, errorName: error.name, lastAttempt: ctx.lastAttempt });
      throw error;
    });
    logger.info('notice processed', { caseId: message.caseId, milestone: message.milestone, ...outcome });
    for (const channel of outcome.sent) metricSink.count('NoticesSent', { Channel: channel });
  };
  return processPartialResponse(event, send, processor, { context, skipGroupOnError: true });
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticeRefTags } from '../../functions/domain/notice-ref.js';
import { parseDeliveryEvent } from '../../functions/schemas/delivery-events.js';
import { resolveTopology, type CfnTemplate, type LocalTopology } from '../../local/cfn/index.js';
import { startLocalDeliveryEvents } from '../../local/emulators/delivery-simulator.js';
import { startSes, type SesEmulator } from '../../local/emulators/ses.js';
import type { StoredSms } from '../../local/emulators/sms.js';
import { startSnsEmulator, type SnsEmulator } from '../../local/emulators/sns.js';
import { startSnsSubscriptions } from '../../local/event-sources/index.js';
import { ACCOUNT, fakeAws, REGION } from './fixtures/runtime-fixture.js';

/** The parts of the synthesized stack the delivery events travel through, as CloudFormation writes them. */
const template: CfnTemplate = {
  Parameters: {},
  Resources: {
    Events: { Type: 'AWS::SNS::Topic', Properties: {} },
    Handler: { Type: 'AWS::Lambda::Function', Properties: { Timeout: 20 }, Metadata: { 'aftersales:entry': 'functions/handlers/delivery-events.ts' } },
    EventsSubscription: { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'lambda', TopicArn: { Ref: 'Events' }, Endpoint: { 'Fn::GetAtt': ['Handler', 'Arn'] } } },
    Emails: { Type: 'AWS::SES::ConfigurationSet', Properties: {} },
    EmailsFailures: {
      Type: 'AWS::SES::ConfigurationSetEventDestination',
      Properties: {
        ConfigurationSetName: { Ref: 'Emails' },
        EventDestination: { Enabled: true, MatchingEventTypes: ['bounce', 'complaint'], SnsDestination: { TopicARN: { Ref: 'Events' } } },
      },
    },
    Sms: {
      Type: 'AWS::SMSVOICE::ConfigurationSet',
      Properties: {
        ConfigurationSetName: { 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '-notices']] },
        EventDestinations: [{ EventDestinationName: 'Failures', Enabled: true, MatchingEventTypes: ['TEXT_BLOCKED'], SnsDestination: { TopicArn: { Ref: 'Events' } } }],
      },
    },
  },
};
const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:Events`;

describe('resolveTopology: delivery events', () => {
  const topology = resolveTopology(template, { region: REGION, accountId: ACCOUNT, sqsEndpoint: 'http://127.0.0.1:1', stackName: 'aftersales' });

  it('reads Lambda subscriptions of topics', () => {
    expect(topology.subscriptions).toEqual([{ logicalId: 'EventsSubscription', topicArn, functionLogicalId: 'Handler' }]);
  });

  it('reads the SNS destinations of SES and End User Messaging SMS configuration sets', () => {
    expect(topology.eventDestinations).toEqual([
      { service: 'ses', configurationSetName: 'local-Emails', topicArn, eventTypes: ['bounce', 'complaint'] },
      { service: 'sms', configurationSetName: 'aftersales-notices', topicArn, eventTypes: ['TEXT_BLOCKED'] },
    ]);
  });
});

describe('SNS subscriptions', () => {
  let sns: SnsEmulator;
  beforeAll(async () => {
    sns = await startSnsEmulator();
  });
  afterAll(async () => {
    await sns?.close();
  });

  it('a Publish invokes the subscribed function with the SNS event, retried after a failure like an asynchronous invoke', async () => {
    const topology = { subscriptions: [{ logicalId: 'S', topicArn, functionLogicalId: 'Handler' }] } as LocalTopology;
    const calls: SNSEvent[] = [];
    let resolveDone: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    startSnsSubscriptions({
      sns,
      topology,
      retryDelayMs: 10,
      lambda: {
        invoke: async (fn, event) => {
          expect(fn).toBe('Handler');
          calls.push(event as SNSEvent);
          if (calls.length === 1) throw new Error('cold start failed');
          resolveDone();
          return null;
        },
      },
    });
    const client = new SNSClient({ ...fakeAws, endpoint: sns.url });
    const { MessageId } = await client.send(new PublishCommand({ TopicArn: topicArn, Message: '{"eventType":"Bounce"}' }));
    await done;
    expect(calls).toHaveLength(2);
    const [record] = calls[1]!.Records;
    expect(record).toMatchObject({ EventSource: 'aws:sns', EventVersion: '1.0', Sns: { Type: 'Notification', MessageId, TopicArn: topicArn, Message: '{"eventType":"Bounce"}' } });
    expect(record!.EventSubscriptionArn.startsWith(`${topicArn}:`)).toBe(true);
    client.destroy();
  });
});

describe('SES mailbox simulator and failing SMS numbers', () => {
  let ses: SesEmulator;
  let delivery: Awaited<ReturnType<typeof startLocalDeliveryEvents>>;
  const published: Array<{ topic: string; message: string }> = [];
  const topology = resolveTopology(template, { region: REGION, accountId: ACCOUNT, sqsEndpoint: 'http://127.0.0.1:1', stackName: 'aftersales' });
  const nextEvent = async (count: number) => {
    for (let i = 0; i < 200 && published.length < count; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    return published[count - 1];
  };

  beforeAll(async () => {
    ses = await startSes();
    delivery = await startLocalDeliveryEvents({
      sesEndpoint: ses.endpoint,
      destinations: topology.eventDestinations!,
      publish: (topic, message) => published.push({ topic, message }),
    });
  });
  afterAll(async () => {
    await delivery?.close();
    await ses?.close();
  });

  const send = (to: string, configurationSet?: string) =>
    new SESv2Client({ ...fakeAws, endpoint: delivery.sesEndpoint }).send(
      new SendEmailCommand({
        FromEmailAddress: 'notices@shop.example',
        Destination: { ToAddresses: [to] },
        ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
        Content: { Simple: { Subject: { Data: 'Hello' }, Body: { Text: { Data: 'Body' } } } },
      }),
    );

  it('passes mail through to the emulator, and reports bounce@simulator.amazonses.com as SES does', async () => {
    const sent = await send('bounce@simulator.amazonses.com', 'local-Emails');
    const event = await nextEvent(1);
    expect(event?.topic).toBe(topicArn);
    expect(parseDeliveryEvent(event!.message)).toEqual({
      channel: 'email',
      providerMessageId: sent.MessageId,
      reason: 'bounce:Permanent/General',
      permanent: true,
      addresses: ['bounce@simulator.amazonses.com'],
    });
    const store = (await (await fetch(`${ses.endpoint}/store`)).json()) as { emails: Array<{ messageId: string }> };
    expect(store.emails.map((m) => m.messageId)).toContain(sent.MessageId);
  });

  it('complaint@ is a complaint; ordinary addresses, and mail without the configuration set, report nothing', async () => {
    await send('customer@example.com', 'local-Emails');
    await send('bounce@simulator.amazonses.com');
    const sent = await send('complaint+label@simulator.amazonses.com', 'local-Emails');
    const event = await nextEvent(2);
    expect(parseDeliveryEvent(event!.message)).toMatchObject({ providerMessageId: sent.MessageId, reason: 'complaint', permanent: true });
    expect(published).toHaveLength(2);
  });

  it('an SMS to +8613800000000 through the configuration set is reported blocked; other numbers are not', async () => {
    const sms = (destination: string): StoredSms => ({
      messageId: `m-${destination}`,
      destination,
      body: 'hi',
      configurationSetName: 'aftersales-notices',
      segments: 1,
      sentAt: new Date().toISOString(),
    });
    delivery.smsSent(sms('+8613900000000'));
    delivery.smsSent(sms('+8613800000000'));
    const event = await nextEvent(3);
    expect(parseDeliveryEvent(event!.message)).toEqual({
      channel: 'sms',
      providerMessageId: 'm-+8613800000000',
      reason: 'sms:TEXT_BLOCKED',
      permanent: true,
      addresses: ['+8613800000000'],
    });
    // +8613800000001 is unreachable, but this destination does not subscribe to that event.
    delivery.smsSent(sms('+8613800000001'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(published).toHaveLength(3);
  });

  it("returns the message's own EmailTags in mail.tags and its SMS Context in `context`, as the providers do", async () => {
    const tags = noticeRefTags({ caseId: 'AS-0123456789AB', slot: 'received#r2', channel: 'email' });
    const sent = await new SESv2Client({ ...fakeAws, endpoint: delivery.sesEndpoint }).send(
      new SendEmailCommand({
        FromEmailAddress: 'notices@shop.example',
        Destination: { ToAddresses: ['bounce@simulator.amazonses.com'] },
        ConfigurationSetName: 'local-Emails',
        EmailTags: Object.entries(tags).map(([Name, Value]) => ({ Name, Value })),
        Content: { Simple: { Subject: { Data: 'Hello' }, Body: { Text: { Data: 'Body' } } } },
      }),
    );
    const email = await nextEvent(4);
    expect(JSON.parse(email!.message).mail.tags).toMatchObject({ 'ses:configuration-set': ['local-Emails'], 'aftersales-notice': ['received-r2'] });
    expect(parseDeliveryEvent(email!.message)).toMatchObject({ providerMessageId: sent.MessageId, notice: { caseId: 'AS-0123456789AB', slot: 'received#r2', channel: 'email' } });

    const context = noticeRefTags({ caseId: 'AS-0123456789AB', slot: 'resolved', channel: 'sms' });
    delivery.smsSent({
      messageId: 'm-ctx',
      destination: '+8613800000000',
      body: 'hi',
      configurationSetName: 'aftersales-notices',
      segments: 1,
      sentAt: new Date().toISOString(),
      context,
    });
    const sms = await nextEvent(5);
    expect(parseDeliveryEvent(sms!.message)).toMatchObject({ providerMessageId: 'm-ctx', notice: { caseId: 'AS-0123456789AB', slot: 'resolved', channel: 'sms' } });
  });

  it("refuses an EmailTags value outside SES's characters with a 400, as SES does", async () => {
    const refused = new SESv2Client({ ...fakeAws, endpoint: delivery.sesEndpoint }).send(
      new SendEmailCommand({
        FromEmailAddress: 'notices@shop.example',
        Destination: { ToAddresses: ['customer@example.com'] },
        EmailTags: [{ Name: 'aftersales-notice', Value: 'received#r2' }],
        Content: { Simple: { Subject: { Data: 'Hello' }, Body: { Text: { Data: 'Body' } } } },
      }),
    );
    await expect(refused).rejects.toMatchObject({ name: 'BadRequestException', $metadata: { httpStatusCode: 400 } });
  });
});

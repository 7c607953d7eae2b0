import { describe, expect, it } from 'vitest';
import { parseDeliveryEvent, SMS_FAILURE_EVENTS } from '../../functions/schemas/delivery-events.js';
import { NOT_AN_SMS_EVENT_TYPE } from '../fixtures/providers/end-user-messaging.js';
import { PUBLISHED_COMPLAINT, sesComplaint } from '../fixtures/providers/ses.js';

/** Shaped like the examples in the SES developer guide ("Examples of event data that Amazon SES publishes to Amazon SNS"). */
const mail = {
  timestamp: '2026-11-10T02:00:00.012Z',
  source: 'aftersales@shop.example.com',
  sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/aftersales@shop.example.com',
  sendingAccountId: '123456789012',
  messageId: '0100019a-ses-message-id-000000',
  destination: ['customer@example.com'],
  headersTruncated: false,
  tags: { 'ses:configuration-set': ['NoticeEmails'] },
};
const ses = (event: Record<string, unknown>) => JSON.stringify({ mail, ...event });

/** Shaped like the End User Messaging SMS event example ("Messaging Events", SMS example log). */
const sms = (eventType: string) =>
  JSON.stringify({
    eventType,
    eventVersion: '1.0',
    eventTimestamp: 1_794_362_400_000,
    isFinal: true,
    originationPhoneNumber: '+12065550152',
    destinationPhoneNumber: '+8613800000000',
    isInternationalSend: false,
    messageId: '862a8790-60c0-4430-9b2b-658bdexample',
    messageRequestTimestamp: 1_794_362_399_000,
    messageEncoding: 'UCS2',
    messageType: 'TRANSACTIONAL',
    messageStatus: eventType.replace(/^TEXT_/, ''),
    messageStatusDescription: 'example',
    totalMessageParts: 1,
  });

describe('SES events', () => {
  it('a permanent bounce suppresses the bounced address', () => {
    const event = ses({
      eventType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: 'customer@example.com', action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
        timestamp: '2026-11-10T02:01:02.669Z',
        feedbackId: '0100019a-feedback',
      },
    });
    expect(parseDeliveryEvent(event)).toEqual({
      channel: 'email',
      providerMessageId: mail.messageId,
      reason: 'bounce:Permanent/General',
      permanent: true,
      addresses: ['customer@example.com'],
    });
  });

  it('an address on the account suppression list bounces permanently too', () => {
    const event = ses({
      eventType: 'Bounce',
      bounce: { bounceType: 'Permanent', bounceSubType: 'OnAccountSuppressionList', bouncedRecipients: [{ emailAddress: 'customer@example.com' }] },
    });
    expect(parseDeliveryEvent(event)).toMatchObject({ reason: 'bounce:Permanent/OnAccountSuppressionList', permanent: true });
  });

  it('a transient bounce fails the message but keeps the address', () => {
    const event = ses({ eventType: 'Bounce', bounce: { bounceType: 'Transient', bounceSubType: 'MailboxFull', bouncedRecipients: [{ emailAddress: 'customer@example.com' }] } });
    expect(parseDeliveryEvent(event)).toMatchObject({ reason: 'bounce:Transient/MailboxFull', permanent: false });
  });

  it('a complaint suppresses the address', () => {
    const event = ses({ eventType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: 'customer@example.com' }], complaintFeedbackType: 'abuse' } });
    expect(parseDeliveryEvent(event)).toMatchObject({ channel: 'email', reason: 'complaint', permanent: true, addresses: ['customer@example.com'] });
  });

  it('the published Complaint record example (feedback type abuse) suppresses the complained recipient', () => {
    expect(parseDeliveryEvent(JSON.stringify(PUBLISHED_COMPLAINT))).toEqual({
      channel: 'email',
      providerMessageId: 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000',
      reason: 'complaint',
      permanent: true,
      addresses: ['recipient@example.com'],
    });
  });

  it.each(['not-spam', 'Not-Spam', ' not-spam '])('a complaint with feedback type %o (the recipient says it is NOT spam) is no failure and suppresses nothing', (type) => {
    expect(parseDeliveryEvent(JSON.stringify(sesComplaint(mail.messageId, 'customer@example.com', type)))).toBeUndefined();
  });

  it.each(['abuse', 'fraud', 'virus', 'auth-failure', 'other', undefined])('a complaint with feedback type %o still suppresses', (type) => {
    expect(parseDeliveryEvent(JSON.stringify(sesComplaint(mail.messageId, 'customer@example.com', type)))).toMatchObject({
      reason: 'complaint',
      permanent: true,
      addresses: ['customer@example.com'],
    });
  });

  it('a reject (virus) and a rendering failure fail the message only', () => {
    expect(parseDeliveryEvent(ses({ eventType: 'Reject', reject: { reason: 'Bad content' } }))).toMatchObject({ reason: 'reject', permanent: false, addresses: [] });
    expect(parseDeliveryEvent(ses({ eventType: 'Rendering Failure' }))).toMatchObject({ reason: 'rendering_failure', permanent: false });
  });

  it.each(['Send', 'Delivery', 'Open', 'Click', 'DeliveryDelay'])('%s is not a failure', (eventType) => {
    expect(parseDeliveryEvent(ses({ eventType }))).toBeUndefined();
  });
});

describe('End User Messaging SMS events', () => {
  it.each(['TEXT_BLOCKED', 'TEXT_INVALID'])('%s suppresses the number', (eventType) => {
    expect(parseDeliveryEvent(sms(eventType))).toEqual({
      channel: 'sms',
      providerMessageId: '862a8790-60c0-4430-9b2b-658bdexample',
      reason: `sms:${eventType}`,
      permanent: true,
      addresses: ['+8613800000000'],
    });
  });

  it.each(['TEXT_UNREACHABLE', 'TEXT_CARRIER_UNREACHABLE', 'TEXT_TTL_EXPIRED', 'TEXT_SPAM', 'TEXT_UNKNOWN'])('%s fails this message only', (eventType) => {
    expect(parseDeliveryEvent(sms(eventType))).toMatchObject({ permanent: false, reason: `sms:${eventType}` });
  });

  it.each(['TEXT_DELIVERED', 'TEXT_SUCCESSFUL', 'TEXT_QUEUED', 'TEXT_PENDING'])('%s is not a failure', (eventType) => {
    expect(parseDeliveryEvent(sms(eventType))).toBeUndefined();
  });

  it('TEXT_OPTED_OUT is not an End User Messaging event type (an opt-out is a synchronous ConflictException): not parsed, not subscribed', () => {
    expect(parseDeliveryEvent(sms(NOT_AN_SMS_EVENT_TYPE))).toBeUndefined();
    expect(SMS_FAILURE_EVENTS).not.toContain(NOT_AN_SMS_EVENT_TYPE);
  });

  it('the stack subscribes exactly to the failures this parser knows', () => {
    for (const eventType of SMS_FAILURE_EVENTS) expect(parseDeliveryEvent(sms(eventType)), eventType).toBeDefined();
    expect(SMS_FAILURE_EVENTS).not.toContain('TEXT_DELIVERED');
  });
});

it.each(['not json', '{}', '[]', JSON.stringify({ eventType: 'Bounce' }), JSON.stringify({ AlarmName: 'x' })])('anything else (%s) is ignored', (message) => {
  expect(parseDeliveryEvent(message)).toBeUndefined();
});

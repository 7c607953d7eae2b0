import { describe, expect, it } from 'vitest';
import { caseIdFor } from '../../functions/domain/case-id.js';
import { NOTICE_REF_KEYS, noticeRefFrom, noticeRefTags, SES_TAG_VALUE } from '../../functions/domain/notice-ref.js';
import { parseDeliveryEvent } from '../../functions/schemas/delivery-events.js';
import { MILESTONES } from '../../functions/schemas/messages.js';
import { publishedSmsEvent } from '../fixtures/providers/end-user-messaging.js';
import { publishedBounce } from '../fixtures/providers/ses.js';

const caseId = caseIdFor('request-1');
const slots = MILESTONES.flatMap((m) => [m, `${m}#r2`, `${m}#r17`]);

describe('a notice named in its message', () => {
  it.each(slots)('slot %s travels in values SES accepts and comes back the same', (slot) => {
    for (const channel of ['email', 'sms'] as const) {
      const tags = noticeRefTags({ caseId, slot, channel });
      for (const [name, value] of Object.entries(tags)) {
        expect(name).toMatch(SES_TAG_VALUE);
        expect(value).toMatch(SES_TAG_VALUE);
      }
      expect(noticeRefFrom(tags, channel)).toEqual({ caseId, slot, channel });
    }
  });

  it('carries the case id and slot only', () => {
    expect(noticeRefTags({ caseId, slot: 'received#r2', channel: 'sms' })).toEqual({
      [NOTICE_REF_KEYS.caseId]: caseId,
      [NOTICE_REF_KEYS.slot]: 'received-r2',
      [NOTICE_REF_KEYS.channel]: 'sms',
    });
  });

  it('refuses what it cannot carry instead of sending a message its events cannot name', () => {
    expect(() => noticeRefTags({ caseId: 'AS 1', slot: 'received', channel: 'email' })).toThrow();
    expect(() => noticeRefTags({ caseId, slot: 'Received#x', channel: 'email' })).toThrow();
  });

  it('reads nothing from foreign, partial or mismatched tags', () => {
    const tags = noticeRefTags({ caseId, slot: 'received', channel: 'email' });
    expect(noticeRefFrom({ account: 'bar' }, 'sms')).toBeUndefined();
    expect(noticeRefFrom({ ...tags, [NOTICE_REF_KEYS.slot]: undefined }, 'email')).toBeUndefined();
    expect(noticeRefFrom({ ...tags, [NOTICE_REF_KEYS.slot]: 'received#r2' }, 'email')).toBeUndefined();
    // An SMS provider's event never names an email notice.
    expect(noticeRefFrom(tags, 'sms')).toBeUndefined();
  });
});

describe('the providers return it in their published event formats', () => {
  it('SES: the published Bounce record with the EmailTags in mail.tags', () => {
    const tags = noticeRefTags({ caseId, slot: 'evidence_needed#r2', channel: 'email' });
    expect(parseDeliveryEvent(JSON.stringify(publishedBounce(tags)))).toEqual({
      channel: 'email',
      providerMessageId: 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000',
      reason: 'bounce:Permanent/General',
      permanent: true,
      addresses: ['recipient@example.com'],
      notice: { caseId, slot: 'evidence_needed#r2', channel: 'email' },
    });
  });

  it('SES: the published record without our tags (a message sent before they were) names no notice', () => {
    expect(parseDeliveryEvent(JSON.stringify(publishedBounce()))).not.toHaveProperty('notice');
  });

  it('SES: a malformed tags field is ignored, the failure still reported', () => {
    const event = publishedBounce();
    expect(parseDeliveryEvent(JSON.stringify({ ...event, mail: { ...event.mail, tags: 'x' } }))).toMatchObject({ reason: 'bounce:Permanent/General' });
  });

  it('End User Messaging SMS: the published event with the Context in `context`', () => {
    const context = noticeRefTags({ caseId, slot: 'resolved', channel: 'sms' });
    expect(parseDeliveryEvent(JSON.stringify(publishedSmsEvent('TEXT_BLOCKED', context)))).toEqual({
      channel: 'sms',
      providerMessageId: '862a8790-60c0-4430-9b2b-658bdexample',
      reason: 'sms:TEXT_BLOCKED',
      permanent: true,
      addresses: ['+14255550156'],
      notice: { caseId, slot: 'resolved', channel: 'sms' },
    });
  });

  it("End User Messaging SMS: the published example's own context ({ account: 'bar' }) names no notice", () => {
    expect(parseDeliveryEvent(JSON.stringify(publishedSmsEvent('TEXT_BLOCKED')))).not.toHaveProperty('notice');
  });
});

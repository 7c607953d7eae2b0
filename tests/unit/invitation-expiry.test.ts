import { describe, expect, it } from 'vitest';
import { invitationExpiryIn } from '../../functions/adapters/notice-store.js';

const caseId = 'AS-EXPIRY-1';
const expiresAt = '2026-12-19T08:00:00.000Z';
const at = '2026-12-05T08:00:00.000Z';
const messageOf = (extra: Record<string, unknown>) => JSON.stringify({ caseId, milestone: 'survey_invitation', ...extra });
/** A slot item as NoticeStore writes it: each channel's state in its own map, the claimed message beside them. */
const slotItem = (slot: string, channels: Record<string, unknown>, message?: string) => ({
  pk: `CASE#${caseId}`,
  sk: `NOTICE#${slot}`,
  milestone: slot,
  ...channels,
  ...(message ? { message } : {}),
});
/** An item of the release before 5 December 2026 (LegacyNoticeItems): one channel, its state at the top level. */
const legacyItem = (slot: string, channel: string, message?: string) => ({
  pk: `CASE#${caseId}`,
  sk: `NOTICE#${slot}#${channel}`,
  milestone: slot,
  channel,
  status: 'sent',
  at,
  ...(message ? { message } : {}),
});
const expiryIn = (...items: Array<Record<string, unknown>>) => invitationExpiryIn({ caseId, items });

describe("a survey reminder's link expiry, from the invitation's stored message", () => {
  it("is the invitation's surveyExpiresAt, on the slot item whatever its channels came to; not another notice's", () => {
    expect(
      expiryIn(
        slotItem('received', { email: { status: 'sent', at } }),
        slotItem('survey_invitation', { email: { status: 'sent', at } }, messageOf({ surveyExpiresAt: expiresAt })),
      ),
    ).toBe(expiresAt);
    // A reminder's own message (or any other milestone's) does not stand for the invitation's.
    expect(
      expiryIn(slotItem('survey_reminder', { email: { status: 'sending', at } }, JSON.stringify({ caseId, milestone: 'survey_reminder', surveyExpiresAt: expiresAt }))),
    ).toBeUndefined();
  });

  it("an older release's per-channel items: no message, or one without the expiry, give none (the survey is read); one a claim of this code kept with it gives it", () => {
    expect(expiryIn(legacyItem('survey_invitation', 'email'), legacyItem('survey_invitation', 'sms'))).toBeUndefined();
    expect(expiryIn(legacyItem('survey_invitation', 'email', messageOf({})))).toBeUndefined();
    expect(expiryIn(legacyItem('survey_invitation', 'email', messageOf({ surveyExpiresAt: expiresAt })))).toBe(expiresAt);
  });

  it('an invitation slot with no message (suppressed on every channel, nothing claimed) or no invitation at all gives none', () => {
    const suppressed = { status: 'suppressed', at, reason: 'suppression_list' };
    expect(expiryIn(slotItem('survey_invitation', { email: suppressed, sms: suppressed }))).toBeUndefined();
    expect(expiryIn()).toBeUndefined();
  });

  it('an expiry that is not a date gives none, and a valid one elsewhere still counts', () => {
    for (const surveyExpiresAt of ['not a date', '', 42, null]) {
      expect(expiryIn(slotItem('survey_invitation', { email: { status: 'sent', at } }, messageOf({ surveyExpiresAt })))).toBeUndefined();
    }
    expect(
      expiryIn(legacyItem('survey_invitation', 'email', messageOf({ surveyExpiresAt: 'soon' })), legacyItem('survey_invitation', 'sms', messageOf({ surveyExpiresAt: expiresAt }))),
    ).toBe(expiresAt);
  });

  it('a kept message that does not parse gives none (the survey is read), never an error that fails the reminder', () => {
    expect(expiryIn(slotItem('survey_invitation', { email: { status: 'sent', at } }, '{"caseId":'))).toBeUndefined();
    expect(expiryIn(legacyItem('survey_invitation', 'email', 'not json'), legacyItem('survey_invitation', 'sms', messageOf({ surveyExpiresAt: expiresAt })))).toBe(expiresAt);
  });
});

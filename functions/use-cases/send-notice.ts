import type { CaseContact, CaseRecord, CaseStore } from '../adapters/case-store.js';
import type { NoticeSenders } from '../adapters/notice-senders.js';
import type { NoticeStore } from '../adapters/notice-store.js';
import type { Channel } from '../domain/case.js';
import { renderNotice } from '../domain/notices.js';
import type { NoticeMessage } from '../schemas/messages.js';

export interface SendNoticeDeps {
  cases: CaseStore;
  notices: NoticeStore;
  senders: NoticeSenders;
  publicBaseUrl: string;
}

/**
 * The channels a notice goes to: those the customer prefers and has an address for; if none of the preferred
 * has an address, the other one, so nobody is left uninformed.
 */
export function channelsFor(contact: CaseContact): Channel[] {
  const reachable = (channel: Channel) => (channel === 'email' ? Boolean(contact.email) : Boolean(contact.phone));
  const preferred = contact.channels.filter(reachable);
  if (preferred.length > 0) return preferred;
  return (['email', 'sms'] as const).filter(reachable);
}

/** Sends one milestone notice on each channel, at most once per (case, milestone, channel). */
export async function sendNotice(deps: SendNoticeDeps, message: NoticeMessage, now: Date): Promise<Channel[]> {
  const record = await deps.cases.require(message.caseId);
  const contact = await deps.cases.contact(message.caseId);
  if (!contact) throw new Error(`case ${message.caseId} has no contact record`);
  const milestone = message.milestone as Parameters<typeof renderNotice>[0];
  // A reopened case (dispute round n) tells the customer again: each round has its own notice slots.
  const slot = message.round ? `${message.milestone}#r${message.round}` : message.milestone;
  const rendered = renderNotice(milestone, contact.locale, {
    caseId: record.caseId,
    type: record.type,
    customerName: contact.name,
    outcome: record.outcome,
    reasonCode: record.decision?.reasonCode,
    rule: record.decision?.rule,
    remedy: record.remedy,
    amount: record.compensation?.amount,
    currency: record.compensation?.currency ?? record.currency,
    dueAt: record.dueAt,
    surveyUrl: surveyUrl(deps.publicBaseUrl, record),
  });
  const sent: Channel[] = [];
  for (const channel of channelsFor(contact)) {
    if (!(await deps.notices.claim(record.caseId, slot, channel, now))) continue;
    try {
      const providerMessageId =
        channel === 'email'
          ? await deps.senders.email({ to: contact.email!, subject: rendered.subject, html: rendered.html, text: rendered.text })
          : await deps.senders.sms(contact.phone!, rendered.sms);
      await deps.notices.markSent(record.caseId, slot, channel, new Date(), providerMessageId);
      sent.push(channel);
    } catch (error) {
      await deps.notices.markFailed(record.caseId, slot, channel, new Date(), (error as Error).name);
      throw error;
    }
  }
  return sent;
}

function surveyUrl(base: string, record: CaseRecord): string | undefined {
  return record.surveyToken ? `${base.replace(/\/$/, '')}/surveys/${record.surveyToken}` : undefined;
}

import type { Channel } from '../domain/case.js';
import type { ChannelNotice } from './notice-store.js';

/**
 * Reading `NOTICE#` items of either shape, without the store: the case view (CaseStore) lists notices through this
 * module alone, so the functions that only read cases do not bundle NoticeStore and its previous-release writer.
 */
export const NOTICE_CHANNELS: readonly Channel[] = ['email', 'sms'];

/** An item of the release before 5 December 2026 (LegacyNoticeItems): one channel, its state at the top level. */
export function isLegacyNoticeItem(item: Record<string, unknown>): boolean {
  return typeof item.channel === 'string' && typeof item.status === 'string';
}

/** One channel's state in a slot item (`email`, `sms` map attributes), or undefined. */
export function stateIn(item: Record<string, unknown> | undefined, channel: Channel): ChannelNotice | undefined {
  const state = item?.[channel];
  return state && typeof state === 'object' ? (state as ChannelNotice) : undefined;
}

/** What the case view lists per (milestone, channel), from a `NOTICE#` item of either shape. */
export function noticeRecordsOf(item: Record<string, unknown>): Array<ChannelNotice & { milestone: string; channel: Channel; message?: string }> {
  const { pk: _pk, sk: _sk, gsi2pk: _g1, gsi2sk: _g2, ...rest } = item;
  if (isLegacyNoticeItem(item)) return [rest as unknown as ChannelNotice & { milestone: string; channel: Channel }];
  return NOTICE_CHANNELS.flatMap((channel) => {
    const state = stateIn(item, channel);
    return state ? [{ milestone: String(item.milestone), channel, ...state, ...(typeof item.message === 'string' ? { message: item.message } : {}) }] : [];
  });
}

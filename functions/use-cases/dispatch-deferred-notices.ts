import type { NoticeStore } from '../adapters/notice-store.js';
import type { QueueSender } from '../adapters/queues.js';
import type { NoticeMessage } from '../schemas/messages.js';

/**
 * Releases SMS held back by quiet hours once their time has come: each goes back on the notice queue (FIFO, its
 * case's group) marked as a release, and the notifier sends it. Queuing one twice is harmless: only one release can
 * claim the deferred slot. Returns how many were queued.
 */
// A night's SMS all fall due at the end of quiet hours: a run releases this many, the next run (5 minutes on) the rest.
const RELEASES_PER_RUN = 1000;

export async function dispatchDeferredNotices(deps: { notices: NoticeStore; noticeQueue: QueueSender<NoticeMessage> }, now: Date): Promise<number> {
  const due = await deps.notices.due('sms', now, RELEASES_PER_RUN);
  for (const notice of due) await deps.noticeQueue.send({ ...notice.message, channel: notice.channel, release: true }, notice.caseId);
  return due.length;
}

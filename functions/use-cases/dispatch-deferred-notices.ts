import type { NoticeStore } from '../adapters/notice-store.js';
import type { QueueSender } from '../adapters/queues.js';
import { releasePlan } from '../domain/held-notices.js';
import type { NoticeMessage } from '../schemas/messages.js';

/**
 * Releases SMS held back by quiet hours once their time has come: each goes back on the notice queue (FIFO, its
 * case's group) marked as a release, and the notifier sends it. A case's held SMS are released whole, oldest first,
 * in one run: the due index only names the cases, each case's held slots are read from the case itself, so a run's
 * page limit never splits a case. One no longer current (its deadline passed, or a later milestone held with it
 * replaces it) is recorded `expired` or `superseded` with the reason and not sent (functions/domain/held-notices.ts).
 * Queuing one twice is harmless: only one release can claim the deferred slot. Returns how many were queued and
 * how many dropped.
 */
// A night's SMS all fall due at the end of quiet hours: a run starts no new case after this many releases (it
// finishes the case it is in); the next run (5 minutes on) does the rest.
const RELEASES_PER_RUN = 1000;

export interface DispatchReport {
  released: number;
  dropped: number;
}

export async function dispatchDeferredNotices(
  deps: { notices: NoticeStore; noticeQueue: QueueSender<NoticeMessage> },
  now: Date,
  { releasesPerRun = RELEASES_PER_RUN } = {},
): Promise<DispatchReport> {
  const report: DispatchReport = { released: 0, dropped: 0 };
  for (const caseId of await deps.notices.dueCases('sms', now, releasesPerRun)) {
    if (report.released + report.dropped >= releasesPerRun) break;
    const held = await deps.notices.held(caseId, 'sms', now);
    const plan = releasePlan(
      held.map((n) => ({
        ...n,
        milestone: n.message.milestone,
        at: n.message.at ?? n.sendAt,
        ...(n.message.dueInSeconds !== undefined ? { dueInSeconds: n.message.dueInSeconds } : {}),
      })),
      now,
    );
    for (const { notice, verdict } of plan) {
      if (verdict.action === 'send') {
        await deps.noticeQueue.send({ ...notice.message, channel: notice.channel, release: true }, caseId);
        report.released += 1;
      } else if ((await deps.notices.markNotSent(caseId, notice.slot, [notice.channel], now, verdict.action, verdict.reason, { release: true })).length > 0) {
        report.dropped += 1;
      }
    }
  }
  return report;
}

import { dispatchDeferredNoticesConfig, readConfig } from '../config/functions.js';
import type { ScheduledEvent } from 'aws-lambda';
import { dispatchDeferredNotices } from '../use-cases/dispatch-deferred-notices.js';
import { logger, withLambdaContext } from '../wiring/logging.js';
import { noticeQueue } from '../wiring/queues.js';
import { noticeStore } from '../wiring/stores.js';

const config = readConfig(dispatchDeferredNoticesConfig);
const notices = noticeStore(config);
const queue = noticeQueue(config);

/** Scheduled (EventBridge rule): SMS whose quiet hours are over go out. "Now" is the event's time, as scheduled. */
async function handle(event: ScheduledEvent) {
  const now = new Date(event.time);
  if (Number.isNaN(now.getTime())) throw new Error('scheduled event without a valid time');
  const { released, dropped } = await dispatchDeferredNotices({ notices, noticeQueue: queue }, now);
  logger.info('deferred notices released', { released, dropped });
  return { released, ...(dropped > 0 ? { dropped } : {}) };
}

/** The Lambda entry: logs carry the invocation's request id and cold start (wiring.ts withLambdaContext). */
export const handler = withLambdaContext(handle);

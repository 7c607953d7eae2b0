import type { QueueSender } from '../../functions/adapters/queues.js';
import type { CaseRecord } from '../../functions/domain/case-record.js';
import type { NoticeMessage } from '../../functions/schemas/messages.js';
import { caseFacts } from '../unit/fixtures.js';

/** A port the test does not expect to be used: any call fails the test, naming the method. */
export function unused<T>(port: string): T {
  return new Proxy({}, { get: (_target, method) => () => Promise.reject(new Error(`${port}.${String(method)} was not expected`)) }) as T;
}

/** The notice queue: what was sent, in order. */
export function noticeQueue(): { sent: NoticeMessage[]; queue: () => QueueSender<NoticeMessage> } {
  const sent: NoticeMessage[] = [];
  const sender = { send: async (message: NoticeMessage) => void sent.push(structuredClone(message)) };
  return { sent, queue: () => sender as unknown as QueueSender<NoticeMessage> };
}

/** A stored case (the unit fixtures' facts) in a given state. */
export function storedCase(overrides: Partial<CaseRecord> = {}): CaseRecord {
  const facts = caseFacts(overrides.type ? { type: overrides.type } : {});
  return { ...facts, market: 'CN', locale: 'zh-CN', status: 'received', version: 1, updatedAt: facts.createdAt, ...overrides };
}

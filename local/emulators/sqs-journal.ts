import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * What the journal needs of a local-aws-sqs queue: its public record methods. `newRecord` runs for every message
 * that enters a queue (a send, or a move to the DLQ, which keeps the MessageId); `receive` returns the received
 * records with their receive count; `delete` takes a receipt handle.
 */
interface EmulatedQueue {
  QueueName: string;
  setRecord: (input: Record<string, unknown>, messageId?: string) => { record?: StoredRecord } | undefined;
  newRecord: (record: StoredRecord, delay?: number) => { record: StoredRecord };
  receive(options: unknown): Promise<StoredRecord[]>;
  delete(receiptHandle: string): boolean;
  clearRecords(): void;
}

interface StoredRecord {
  MessageId: string;
  MessageBody: string;
  MessageAttributes?: Record<string, unknown>;
  attributes: Record<string, string | undefined>;
}

type Entry =
  | { op: 'put'; queue: string; id: string; body: string; attributes?: Record<string, unknown>; groupId?: string; dedupeId?: string; dlqSource?: string }
  | { op: 'received'; queue: string; id: string; count: number }
  | { op: 'delete'; queue: string; id: string }
  | { op: 'purge'; queue: string };

type Live = Extract<Entry, { op: 'put' }> & { count: number };

/**
 * Makes the local SQS emulator durable, as SQS is: every message that enters a queue is appended to a journal file
 * before the SendMessage call returns (so a 202 that follows it survives a kill -9), and so are receive counts and
 * deletes. At start the journal is read back, the messages still in a queue are put back with their MessageId and
 * receive count, and the journal is rewritten with only them. Messages in flight when the process died are visible
 * again at once (in SQS they would wait out their visibility timeout: the local one is seconds).
 */
export function journalQueues(queues: EmulatedQueue[], file: string): { restored: number } {
  const live = readJournal(file);
  // Put back first, with the journal untouched: a crash while restoring loses nothing.
  let restored = 0;
  for (const message of live.values()) {
    const queue = queues.find((q) => q.QueueName === message.queue);
    if (!queue) continue;
    const out = queue.setRecord(
      {
        MessageBody: message.body,
        MessageAttributes: message.attributes,
        MessageGroupId: message.groupId,
        MessageDeduplicationId: message.dedupeId,
        ...(message.dlqSource ? { MessageSystemAttributes: { DeadLetterQueueSourceArn: { DataType: 'String', StringValue: message.dlqSource } } } : {}),
      },
      message.id,
    );
    // The receive count carries over, so a message that keeps failing still reaches its DLQ after a restart.
    if (out?.record && message.count > 0) out.record.attributes.ApproximateReceiveCount = String(message.count);
    restored += 1;
  }
  // Then the journal is replaced, in one rename, by what is still queued: messages of a queue this topology no longer
  // has are kept in it too (a renamed queue must not silently drop accepted messages).
  const entries = [...live.values()].flatMap(({ count, ...put }): Entry[] => [put, ...(count > 0 ? [{ op: 'received' as const, queue: put.queue, id: put.id, count }] : [])]);
  writeFileSync(`${file}.tmp`, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  renameSync(`${file}.tmp`, file);
  const append = (entry: Entry) => appendFileSync(file, `${JSON.stringify(entry)}\n`);
  for (const queue of queues) hook(queue, append);
  return { restored };
}

function hook(queue: EmulatedQueue, append: (entry: Entry) => void): void {
  const name = queue.QueueName;
  const newRecord = queue.newRecord;
  queue.newRecord = (record, delay) => {
    const a = record.attributes;
    append({
      op: 'put',
      queue: name,
      id: record.MessageId,
      body: record.MessageBody,
      ...(record.MessageAttributes ? { attributes: record.MessageAttributes } : {}),
      ...(a.MessageGroupId ? { groupId: a.MessageGroupId } : {}),
      ...(a.MessageDeduplicationId ? { dedupeId: a.MessageDeduplicationId } : {}),
      ...(a.DeadLetterQueueSourceArn ? { dlqSource: a.DeadLetterQueueSourceArn } : {}),
    });
    return newRecord(record, delay);
  };
  const receive = queue.receive.bind(queue);
  queue.receive = async (options) => {
    const records = await receive(options);
    for (const r of records) append({ op: 'received', queue: name, id: r.MessageId, count: Number(r.attributes.ApproximateReceiveCount) });
    return records;
  };
  const remove = queue.delete.bind(queue);
  queue.delete = (receiptHandle) => {
    const deleted = remove(receiptHandle);
    const id = messageIdOf(receiptHandle);
    if (deleted && id) append({ op: 'delete', queue: name, id });
    return deleted;
  };
  const clear = queue.clearRecords.bind(queue);
  queue.clearRecords = () => {
    clear();
    append({ op: 'purge', queue: name });
  };
}

/** local-aws-sqs's receipt handles are base64 of a UUID followed by JSON naming the MessageId. */
function messageIdOf(receiptHandle: string): string | undefined {
  try {
    const text = Buffer.from(receiptHandle, 'base64').toString('utf8');
    const id = (JSON.parse(text.slice(text.indexOf('{'))) as { MessageId?: unknown }).MessageId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The messages still queued, in the order they entered; a line cut short by a kill is ignored. */
function readJournal(file: string): Map<string, Live> {
  const live = new Map<string, Live>();
  if (!existsSync(file)) return live;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    let entry: Entry;
    try {
      entry = JSON.parse(line) as Entry;
    } catch {
      continue;
    }
    if (entry.op === 'put') {
      // The same MessageId entering another queue is a move to the DLQ: it leaves its source queue.
      live.delete(entry.id);
      live.set(entry.id, { ...entry, count: 0 });
    } else if (entry.op === 'received') {
      const message = live.get(entry.id);
      if (message?.queue === entry.queue) message.count = entry.count;
    } else if (entry.op === 'delete') {
      if (live.get(entry.id)?.queue === entry.queue) live.delete(entry.id);
    } else if (entry.op === 'purge') {
      for (const [id, message] of live) if (message.queue === entry.queue) live.delete(id);
    }
  }
  return live;
}

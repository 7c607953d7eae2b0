/**
 * getAll (functions/adapters/dynamo.ts): the one BatchGetItem loop of the case store, the SLA store (the SLA board and
 * the follow-ups page) and the intake's duplicate check. DynamoDB returns keys it could not read under throttling as
 * UnprocessedKeys, without an error: the local emulator never does, so a client that does is played here.
 */
import type { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getAll } from '../../functions/adapters/dynamo.js';

type Key = { pk: string; sk: string };
const key = (i: number): Key => ({ pk: `CASE#${i}`, sk: 'CASE' });

/** A table of `stored` keys that leaves the first `throttled` keys of each of its first `rounds` answers unprocessed. */
function throttlingClient(stored: Key[], throttled: number, rounds: number) {
  const requests: Array<{ keys: Key[]; consistent?: boolean; projection?: string }> = [];
  const send = vi.fn(async (command: BatchGetCommand) => {
    const asked = command.input.RequestItems!.t!;
    const keys = asked.Keys as Key[];
    requests.push({ keys, consistent: asked.ConsistentRead, projection: asked.ProjectionExpression });
    const left = requests.length <= rounds ? keys.slice(0, throttled) : [];
    const read = keys.slice(left.length).filter((k) => stored.some((s) => s.pk === k.pk));
    return { Responses: { t: read.map((k) => ({ ...k, caseId: k.pk.slice(5) })) }, ...(left.length ? { UnprocessedKeys: { t: { Keys: left } } } : {}) };
  });
  return { db: { send } as unknown as DynamoDBDocumentClient, requests };
}

afterEach(() => vi.useRealTimers());

describe('getAll', () => {
  it('reads 100 keys a request and leaves out the ones that do not exist', async () => {
    const all = Array.from({ length: 230 }, (_, i) => key(i));
    const { db, requests } = throttlingClient(
      all.filter((_, i) => i % 2 === 0),
      0,
      0,
    );
    const items = await getAll(db, 't', all, { consistent: true, projection: { expression: '#pk', names: { '#pk': 'pk' } } });
    expect(requests.map((r) => r.keys.length)).toEqual([100, 100, 30]);
    expect(requests.every((r) => r.consistent === true && r.projection === '#pk')).toBe(true);
    expect(items.map((i) => i.pk).sort()).toEqual(
      all
        .filter((_, i) => i % 2 === 0)
        .map((k) => k.pk)
        .sort(),
    );
  });

  it('asks again for the keys left unprocessed, after a pause that grows, and never takes them for absent', async () => {
    vi.useFakeTimers();
    const all = Array.from({ length: 5 }, (_, i) => key(i));
    const { db, requests } = throttlingClient(all, 3, 3);
    const reading = getAll(db, 't', all);
    await vi.advanceTimersByTimeAsync(0);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(requests).toHaveLength(1); // first pause: 100 ms
    await vi.advanceTimersByTimeAsync(1);
    expect(requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(200 + 400);
    const items = await reading;
    expect(requests.map((r) => r.keys.length)).toEqual([5, 3, 3, 3]);
    expect(items).toHaveLength(5);
  });

  it('gives up with an error once the retries are spent, rather than answer with items missing', async () => {
    vi.useFakeTimers();
    const { db, requests } = throttlingClient([key(1), key(2)], 1, 100);
    const reading = getAll(db, 't', [key(1), key(2)], { retries: 2 });
    const failed = expect(reading).rejects.toThrow('BatchGetItem left keys unprocessed');
    await vi.advanceTimersByTimeAsync(1000);
    await failed;
    expect(requests).toHaveLength(3);
  });
});

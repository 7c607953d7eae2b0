import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalTopology } from '../../local/cfn/index.js';
import { clockRoutes, LocalClock, startLocalScheduler, type LocalScheduler } from '../../local/scheduler/index.js';
import { closeServer } from '../../local/net.js';

const topology = (schedules: LocalTopology['schedules']): LocalTopology => ({
  region: 'us-east-1',
  accountId: '000000000000',
  functions: {},
  queues: {},
  tables: {},
  eventSources: [],
  httpRoutes: [],
  stateMachines: {},
  schedules,
});

const monitorSchedule = { logicalId: 'SlaMonitorSchedule', expression: 'rate(5 minutes)', targetFunctionLogicalId: 'SlaMonitor' };

describe('local scheduler', () => {
  let scheduler: LocalScheduler | undefined;
  afterEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
  });

  it('invokes the target with an EventBridge scheduled event whose time is the local clock', async () => {
    const clock = new LocalClock();
    const calls: Array<{ fn: string; event: Record<string, unknown> }> = [];
    scheduler = startLocalScheduler({
      topology: topology([monitorSchedule]),
      invoker: { invoke: async (fn, event) => void calls.push({ fn, event: event as Record<string, unknown> }) },
      clock,
      intervalMs: 60_000,
    });
    clock.advance(3 * 86_400_000);
    await scheduler.runNow('SlaMonitor');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.fn).toBe('SlaMonitor');
    expect(calls[0]!.event).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.events', account: '000000000000', detail: {} });
    const time = Date.parse(calls[0]!.event.time as string);
    expect(time - Date.now()).toBeGreaterThan(3 * 86_400_000 - 60_000);
    expect(calls[0]!.event.resources).toEqual(['arn:aws:events:us-east-1:000000000000:rule/SlaMonitorSchedule']);
  });

  it('passes a rule’s constant input instead, and refuses an unknown schedule', async () => {
    const calls: unknown[] = [];
    scheduler = startLocalScheduler({
      topology: topology([{ ...monitorSchedule, input: '{"job":"nightly"}' }]),
      invoker: { invoke: async (_fn, event) => void calls.push(event) },
      clock: new LocalClock(),
      intervalMs: 60_000,
    });
    await scheduler.runNow('SlaMonitorSchedule');
    expect(calls).toEqual([{ job: 'nightly' }]);
    await expect(scheduler.runNow('Nope')).rejects.toThrow(/no schedule/);
  });

  it('fires on its interval, never twice at once, and carries on after a failed run', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const errors: unknown[] = [];
    const finished = new Promise<void>((resolve) => {
      scheduler = startLocalScheduler({
        topology: topology([monitorSchedule]),
        invoker: {
          invoke: async () => {
            active += 1;
            maxActive = Math.max(maxActive, active);
            runs += 1;
            await new Promise((r) => setTimeout(r, 30));
            active -= 1;
            if (runs === 1) throw new Error('first run fails');
            if (runs === 3) resolve();
          },
        },
        clock: new LocalClock(),
        intervalMs: 10,
        onError: (error) => errors.push(error),
      });
    });
    await finished;
    expect(maxActive).toBe(1);
    expect(errors).toHaveLength(1);
  });
});

describe('local clock', () => {
  it('only moves forward', () => {
    const clock = new LocalClock();
    const before = clock.now().getTime();
    expect(clock.advance(1000).getTime()).toBeGreaterThanOrEqual(before + 1000);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(clock.offset).toBe(1000);
  });

  it('is read and moved over HTTP, running the schedules after a move', async () => {
    const clock = new LocalClock();
    let runs = 0;
    const routes = clockRoutes(clock, async () => void (runs += 1));
    const server = createServer((req, res) => {
      void routes(req, res).then((handled) => {
        if (!handled) res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/local/clock`;
    try {
      const moved = await fetch(url, { method: 'POST', body: JSON.stringify({ advanceMs: 7200_000 }) });
      expect(moved.status).toBe(200);
      expect(await moved.json()).toMatchObject({ offsetMs: 7200_000 });
      expect(runs).toBe(1);
      const bad = await fetch(url, { method: 'POST', body: '{"advanceMs": -5}' });
      expect(bad.status).toBe(422);
      expect(await bad.json()).toMatchObject({ error: 'invalid_advance' });
      expect(await (await fetch(url)).json()).toMatchObject({ offsetMs: 7200_000 });
      expect(runs).toBe(1);
    } finally {
      await closeServer(server);
    }
  });
});

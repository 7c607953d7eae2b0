import type { LocalSchedule, LocalTopology } from '../cfn/index.js';
import type { LocalClock } from './clock.js';
import { scheduledEvent } from './scheduled-event.js';

export interface ScheduleInvoker {
  invoke(functionRef: string, event: unknown): Promise<unknown>;
}

export interface LocalScheduler {
  /** Invokes the scheduled function now (by its logical id or its schedule's), resolving when it has finished. */
  runNow(logicalId: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Fires the template's schedules (EventBridge rules and Scheduler schedules) on this machine. Every schedule runs
 * every `intervalMs` whatever its AWS rate or cron: locally, a job that runs each 5 or 15 minutes in AWS should
 * run within seconds. A tick is skipped while the previous run of the same schedule is still going, as a
 * single-concurrency target would be; a failed run is reported and the next tick tries again (EventBridge retries).
 */
export function startLocalScheduler(opts: {
  topology: LocalTopology;
  invoker: ScheduleInvoker;
  clock: LocalClock;
  intervalMs: number;
  onError?: (error: unknown, schedule: LocalSchedule) => void;
}): LocalScheduler {
  const running = new Map<string, Promise<void>>();
  const run = (schedule: LocalSchedule): Promise<void> => {
    const current = running.get(schedule.logicalId);
    if (current) return current;
    const event =
      schedule.input !== undefined
        ? (JSON.parse(schedule.input) as unknown)
        : scheduledEvent({
            time: opts.clock.now(),
            region: opts.topology.region,
            accountId: opts.topology.accountId,
            ruleName: schedule.logicalId,
          });
    const done = opts.invoker
      .invoke(schedule.targetFunctionLogicalId, event)
      .then(
        () => undefined,
        (error: unknown) => opts.onError?.(error, schedule),
      )
      .finally(() => running.delete(schedule.logicalId));
    running.set(schedule.logicalId, done);
    return done;
  };

  const timers = opts.topology.schedules.map((schedule) => setInterval(() => void run(schedule), opts.intervalMs));

  return {
    async runNow(logicalId) {
      const matching = opts.topology.schedules.filter((s) => s.logicalId === logicalId || s.targetFunctionLogicalId === logicalId);
      if (matching.length === 0) throw new Error(`no schedule targets or is named '${logicalId}'`);
      // A run already in progress may have read the clock before it moved: wait for it, then run afresh.
      for (const schedule of matching) {
        await running.get(schedule.logicalId);
        await run(schedule);
      }
    },
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(running.values());
    },
  };
}

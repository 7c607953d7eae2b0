/**
 * At most `max` tasks at once; the rest wait their turn in order. The workflow engine's Lambda invocations go through
 * one, as Lambda's concurrency bounds them in AWS, and the queue pollers ask for `room` before they take more work, so
 * a burst of cases waits in SQS (durable, already acknowledged) rather than as an ever longer line on the event loop.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private roomWaiters: Array<{ below: number; resolve: () => void }> = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`a concurrency limit is a whole number of at least 1, got ${max}`);
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  get active(): number {
    return this.running;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.max) this.running += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the slot is handed over by release()
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Resolves once fewer than `below` tasks wait for a slot. */
  room(below = 1): Promise<void> {
    if (this.waiting.length < below) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push({ below, resolve }));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
    const ready = this.roomWaiters.filter((w) => this.waiting.length < w.below);
    if (ready.length === 0) return;
    this.roomWaiters = this.roomWaiters.filter((w) => !ready.includes(w));
    ready.forEach((w) => w.resolve());
  }
}

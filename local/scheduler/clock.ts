/**
 * The local runtime's clock for scheduled events: real time plus an offset a developer or a test moves forward
 * (`POST /local/clock`), so a week of SLA deadlines can be crossed in a second. Only the `time` of the
 * scheduled events it sends follows this clock; everything else runs on real time, as in AWS.
 */
export class LocalClock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves the clock forward (never back: deadlines already crossed stay crossed). */
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the local clock only moves forward: advanceMs must be a number >= 0');
    this.offsetMs += ms;
    return this.now();
  }

  get offset(): number {
    return this.offsetMs;
  }
}

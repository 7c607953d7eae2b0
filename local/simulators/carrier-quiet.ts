// Which trackings a carrier-simulator push tick may leave out: those whose last accepted state still holds. A tick
// then costs a map read for each of them instead of a fabricated timeline, so its work follows the parcels that move.

/** What a fabrication says about how long its state holds (epoch ms). */
export interface StateLifetime {
  /** From this instant on the timeline is the same at every later instant; undefined: it may still change. */
  finalFrom?: number;
  /** Until this instant (exclusive) the state a push compares stays as it is now; Infinity: never changes; undefined: unknown. */
  unchangedUntil?: number;
}

/**
 * Per tracking, the window [from, until) of instants at which its state equals the one the receiver accepted. A
 * window is kept only once that state was accepted (or compared equal), so a refused push is retried on the next
 * tick. A clock outside the window (stepped back before it, as tests do, or past its end) drops it, and the tracking is
 * fabricated again.
 */
export class QuietWindows {
  private readonly windows = new Map<string, { from: number; until: number }>();

  /** True when `key`'s accepted state holds at `now` (nothing to fabricate or push). */
  holds(key: string, now: number): boolean {
    const window = this.windows.get(key);
    if (window === undefined) return false;
    if (now >= window.from && now < window.until) return true;
    this.windows.delete(key);
    return false;
  }

  /** Records that `key`'s state fabricated at `now` is the accepted one, for as long as `lifetime` says it holds. */
  keep(key: string, now: number, lifetime: StateLifetime): void {
    // Settled: the same from the final instant on, also for a clock later set back to any instant after it.
    if (lifetime.finalFrom !== undefined && now >= lifetime.finalFrom) this.windows.set(key, { from: lifetime.finalFrom, until: Infinity });
    else if (lifetime.unchangedUntil !== undefined && lifetime.unchangedUntil > now) this.windows.set(key, { from: now, until: lifetime.unchangedUntil });
  }

  clear(): void {
    this.windows.clear();
  }
}

/**
 * API Gateway's throttle for one stage: a token bucket per route key holding `burstLimit` tokens, refilled at
 * `rateLimit` per second; a request finding it empty is refused before the authorizer or the function runs.
 */
export interface RouteThrottle {
  rateLimit: number;
  burstLimit: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class StageThrottle {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** `now`: milliseconds; a test can pass its own clock. */
  constructor(private readonly now: () => number = () => performance.now()) {}

  take(routeKey: string, limit: RouteThrottle | undefined): ThrottleVerdict {
    if (!limit) return { allowed: true };
    const now = this.now();
    const bucket = this.buckets.get(routeKey) ?? { tokens: limit.burstLimit, at: now };
    bucket.tokens = Math.min(limit.burstLimit, bucket.tokens + ((now - bucket.at) / 1000) * limit.rateLimit);
    bucket.at = now;
    this.buckets.set(routeKey, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    // A rate of 0 never refills (API Gateway refuses everything); say a minute rather than infinity.
    const wait = limit.rateLimit > 0 ? (1 - bucket.tokens) / limit.rateLimit : 60;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
  }
}

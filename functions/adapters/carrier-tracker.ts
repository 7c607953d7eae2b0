import type { TrackingSnapshot, TrackingStatus } from '../domain/carrier-verdict.js';
import { TRACKING_STATUSES } from '../domain/carrier-verdict.js';

/** The carrier port: where is this parcel now. Adapters map each provider's format into the canonical vocabulary. */
export interface CarrierTracker {
  track(query: TrackingQuery): Promise<TrackingSnapshot>;
  /**
   * Asks the provider to push updates for the number (Kuaidi100's 订阅), where it needs asking; true once subscribed
   * (or already subscribed), false when this provider pushes without it or no subscription is configured.
   */
  subscribe?(query: TrackingQuery): Promise<boolean>;
  /**
   * Asks the provider to follow again a number it stopped following (17TRACK `retrack`): `restarted`, `tracking` (it
   * was not stopped), or `refused` (the provider restarts a number only once). Only where the provider offers it.
   */
  retrack?(query: TrackingQuery): Promise<RetrackOutcome>;
}

export type RetrackOutcome = 'restarted' | 'tracking' | 'refused';

export interface TrackingQuery {
  carrier: string;
  trackingNumber: string;
  shippedAt?: string;
  promisedBy?: string;
}

/** The carrier API is down or throttling: the workflow waits and retries (Retry on this error name). */
export class CarrierUnavailableError extends Error {
  override readonly name = 'CarrierUnavailableError';
}

/** The carrier does not know this tracking number: an operator must look. */
export class TrackingNotFoundError extends Error {
  override readonly name = 'TrackingNotFoundError';
}

/**
 * The provider stopped tracking the parcel and only silence is left to judge a lost claim by: an operator must decide
 * (the lookup throws it after recording why on the case; the workflow sends the case to needs_attention).
 */
export class TrackingStoppedError extends Error {
  override readonly name = 'TrackingStoppedError';
}

/**
 * HTTP adapter for the tracking service the local simulator implements (GET /v1/trackings/{carrier}/{number}).
 * Provider-specific adapters (AfterShip, 17TRACK, Kuaidi100) implement the same port.
 */
export class HttpCarrierTracker implements CarrierTracker {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | undefined,
    private readonly timeoutMs = 5000,
  ) {}

  async track(query: TrackingQuery): Promise<TrackingSnapshot> {
    const url = new URL(`v1/trackings/${encodeURIComponent(query.carrier)}/${encodeURIComponent(query.trackingNumber)}`, withSlash(this.baseUrl));
    if (query.shippedAt) url.searchParams.set('shipped_at', query.shippedAt);
    if (query.promisedBy) url.searchParams.set('promised_by', query.promisedBy);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {},
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new CarrierUnavailableError(`carrier API unreachable: ${(error as Error).name}`);
    }
    if (response.status === 404) throw new TrackingNotFoundError('the carrier does not know this tracking number');
    if (response.status === 429 || response.status >= 500) throw new CarrierUnavailableError(`carrier API answered ${response.status}`);
    if (!response.ok) throw new Error(`carrier API answered ${response.status}`);
    const body = (await response.json()) as { status?: string; deliveredAt?: string; lastEventAt?: string; exceptionCode?: string };
    if (!TRACKING_STATUSES.includes(body.status as TrackingStatus)) throw new Error('carrier API answered an unknown status');
    return {
      status: body.status as TrackingStatus,
      lost: body.status === 'exception' && body.exceptionCode === 'lost',
      deliveredAt: body.deliveredAt,
      lastEventAt: body.lastEventAt,
    };
  }
}

export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

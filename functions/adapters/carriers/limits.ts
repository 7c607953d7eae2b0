import type { TrackingProvider } from './routing.js';

/**
 * What one poll run may ask of each provider (docs/carrier-tracking.md, "Rate limits"): a pace below the provider's
 * published per-second limit, and a number of lookups per run that fits the function's timeout at that pace.
 * - AfterShip Tracking API 2024-07 and later: GET /trackings 6 req/s, POST /trackings 20 req/s per organization
 *   (a lookup is one GET, two calls when it first creates the tracking).
 * - 17TRACK: 3 req/s per API key, at most 40 numbers per request.
 * - Kuaidi100 real-time query: no per-second limit in its published documents; it is billed per query and answers
 *   502 (server busy) when pressed, so it gets the same cautious pace as 17TRACK.
 */
export interface ProviderLimit {
  requestsPerSecond: number;
  lookupsPerRun: number;
}

export const PROVIDER_LIMITS: Readonly<Record<TrackingProvider, ProviderLimit>> = {
  aftership: { requestsPerSecond: 4, lookupsPerRun: 400 },
  '17track': { requestsPerSecond: 2, lookupsPerRun: 200 },
  kuaidi100: { requestsPerSecond: 2, lookupsPerRun: 200 },
  simulator: { requestsPerSecond: 20, lookupsPerRun: 100 },
};

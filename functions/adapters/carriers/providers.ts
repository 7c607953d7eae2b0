/**
 * The tracking providers a carrier can be routed to. A module of its own so that every function's configuration
 * (functions/config/pieces.ts names them for CARRIER_PROVIDER) does not bundle the routing's schemas and carrier codes.
 */
export const TRACKING_PROVIDERS = ['aftership', '17track', 'kuaidi100', 'simulator'] as const;
export type TrackingProvider = (typeof TRACKING_PROVIDERS)[number];

// Canonical tracking vocabulary shared by the carrier simulator and the code that consumes it.
// Modelled on the normalised tags of aggregators such as AfterShip, so real adapters can map onto it.
export const TRACKING_STATUSES = [
  'pending',
  'info_received',
  'in_transit',
  'out_for_delivery',
  'failed_attempt',
  'available_for_pickup',
  'delivered',
  'exception',
  'returned_to_sender',
  'expired',
] as const;

export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

export function isTrackingStatus(value: unknown): value is TrackingStatus {
  return typeof value === 'string' && (TRACKING_STATUSES as readonly string[]).includes(value);
}

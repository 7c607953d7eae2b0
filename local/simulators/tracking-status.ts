// The simulator answers in the pipeline's canonical tracking vocabulary (functions/domain/carrier-verdict.ts).
import { TRACKING_STATUSES, type TrackingStatus } from '../../functions/domain/carrier-verdict.js';

export { TRACKING_STATUSES, type TrackingStatus };

export function isTrackingStatus(value: unknown): value is TrackingStatus {
  return typeof value === 'string' && (TRACKING_STATUSES as readonly string[]).includes(value);
}

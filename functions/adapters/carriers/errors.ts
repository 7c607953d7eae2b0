// Faults the provider adapters raise, on top of the carrier port's two (carrier-tracker.ts).
import { CarrierUnavailableError, TrackingNotFoundError } from '../carrier-tracker.js';

export { CarrierUnavailableError, TrackingNotFoundError };

/**
 * Down, throttled or "try later": still a CarrierUnavailableError (same `name`, so the workflow's Retry on
 * that name applies), carrying how long the provider asked us to wait when it said so.
 */
export class ProviderUnavailableError extends CarrierUnavailableError {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/**
 * The provider refuses our account: bad or expired key, wrong signature, IP not whitelisted, account disabled,
 * quota used up. Retrying will not help; an operator must fix the configuration.
 */
export class CarrierAuthError extends Error {
  override readonly name = 'CarrierAuthError';
}

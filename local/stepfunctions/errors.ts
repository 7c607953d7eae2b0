/** An error of the Step Functions API; `name` is the wire error code the SDK raises (e.g. `TaskTimedOut`). */
export class StepFunctionsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * An error raised inside a state. aws-local-stepfunctions matches Retry/Catch `ErrorEquals` against `name`,
 * puts `message` in the Catch output's `Cause`, and honours `isRetryable` / `isCatchable` when present.
 */
export function stateError(name: string, cause: string, flags: { retryable?: boolean; catchable?: boolean } = {}): Error {
  const error = new Error(cause);
  error.name = name;
  return Object.assign(error, { isRetryable: flags.retryable ?? true, isCatchable: flags.catchable ?? true });
}

/** Ends a task of a stopped execution without letting Retry re-run it or Catch route it anywhere. */
export function executionStopped(): Error {
  return stateError('States.Runtime', 'Execution stopped', { retryable: false, catchable: false });
}

/** An Error whose `name` is the Lambda errorType, which Step Functions Retry/Catch match on. */
export function lambdaError(errorType: string, message: string): Error {
  const err = new Error(message);
  err.name = errorType;
  return err;
}

/** What the Lambda runtime reports when the function runs past its Timeout. */
export function timeoutError(requestId: string, timeoutMs: number): Error {
  return lambdaError('Sandbox.Timedout', `RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
}

/**
 * Errors are rethrown as they are so `name` and `message` survive; a thrown non-Error becomes
 * an Error named after its type, as the Node.js runtime reports `throw "text"` with errorType "string".
 */
export function asLambdaError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return lambdaError(typeof thrown, typeof thrown === 'string' ? thrown : (JSON.stringify(thrown) ?? String(thrown)));
}

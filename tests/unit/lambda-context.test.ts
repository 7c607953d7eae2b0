import type { Context } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

let logger: typeof import('../../functions/wiring/logging.js').logger;
let withLambdaContext: typeof import('../../functions/wiring/logging.js').withLambdaContext;

beforeAll(async () => {
  // Lambda sets this for on-demand environments; Powertools reports cold starts only there.
  process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
  vi.resetModules();
  ({ logger, withLambdaContext } = await import('../../functions/wiring/logging.js'));
});

/** Powertools Logger's JSON lines on stdout, parsed. */
function captureLogs() {
  const lines: Array<Record<string, unknown>> = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = String(chunk).trim();
    if (text.startsWith('{')) lines.push(JSON.parse(text));
    return true;
  });
  return lines;
}

const context = (awsRequestId: string) =>
  ({
    awsRequestId,
    functionName: 'aftersales-Review',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:cn-north-1:000000000000:function:aftersales-Review',
    memoryLimitInMB: '512',
  }) as Context;

afterEach(() => vi.restoreAllMocks());

describe('handlers log with the Lambda context (withLambdaContext)', () => {
  it('every line of an invocation carries its request id, the function and whether it was a cold start', async () => {
    const lines = captureLogs();
    const handler = withLambdaContext(async (event: { step: string }, _context?: Context) => {
      logger.info('step ran', { step: event.step });
      return 'ok';
    });
    expect(await handler({ step: 'first' }, context('req-1'))).toBe('ok');
    await handler({ step: 'second' }, context('req-2'));
    const ran = lines.filter((l) => l.message === 'step ran');
    expect(ran).toEqual([
      expect.objectContaining({ function_request_id: 'req-1', function_name: 'aftersales-Review', cold_start: true, step: 'first' }),
      expect.objectContaining({ function_request_id: 'req-2', cold_start: false, step: 'second' }),
    ]);
  });

  it('a direct call without a context (tests) runs the handler as it is', async () => {
    const handler = withLambdaContext(async (event: number, _context?: Context) => event + 1);
    expect(await handler(1)).toBe(2);
  });
});

import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const middlewareNames = (client: SQSClient) => client.middlewareStack.identify().join('\n');
const saved = { ...process.env };

beforeEach(() => vi.resetModules());
afterAll(() => {
  process.env = saved;
});

describe('X-Ray tracing of AWS SDK clients (functions/tracing.ts)', () => {
  it('a function that imports the tracer has every AWS client captured, in Lambda', async () => {
    // What Lambda sets in a function with active tracing.
    Object.assign(process.env, {
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: 'aftersales-Notifier',
      _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    });
    await import('../../functions/tracing.js');
    const { awsClient } = await import('../../functions/adapters/aws-clients.js');
    expect(middlewareNames(awsClient(new SQSClient({ region: 'us-east-1' })))).toMatch(/XRay/i);
  });

  it('a function that does not import it makes plain clients (no tracer, no X-Ray SDK in its bundle)', async () => {
    const { awsClient } = await import('../../functions/adapters/aws-clients.js');
    expect(middlewareNames(awsClient(new SQSClient({ region: 'us-east-1' })))).not.toMatch(/XRay/i);
  });

  it('outside Lambda (local runtime, tests) the tracer is off and clients stay plain', async () => {
    for (const key of ['AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME', '_X_AMZN_TRACE_ID']) delete process.env[key];
    await import('../../functions/tracing.js');
    const { awsClient } = await import('../../functions/adapters/aws-clients.js');
    expect(middlewareNames(awsClient(new SQSClient({ region: 'us-east-1' })))).not.toMatch(/XRay/i);
  });
});

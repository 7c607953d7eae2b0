import { describe, expect, it } from 'vitest';
import { resolveTopology } from '../../local/cfn/index.js';
import { LocalLambdaRuntime, type InvocationRecord } from '../../local/lambda/runtime.js';
import { ACCOUNT, REGION, loadFixtureTemplate, repoRoot } from './fixtures/runtime-fixture.js';

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the invocation to fail');
}

const topology = resolveTopology(loadFixtureTemplate(), { region: REGION, accountId: ACCOUNT, sqsEndpoint: 'http://127.0.0.1:1' });

describe('LocalLambdaRuntime', () => {
  const records: InvocationRecord[] = [];
  const lambda = new LocalLambdaRuntime({ topology, repoRoot, onInvoke: (r) => records.push(r) });

  it('gives each function only its own environment at its cold start, and leaves process.env as it was', async () => {
    const base = topology.functions.ClassifyFn1D3F5B7A!;
    const probe = (id: string, entry: string, environment: Record<string, string>) => ({
      ...base,
      logicalId: id,
      name: id,
      arn: `${base.arn}-${id}`,
      entry,
      handlerExport: 'handler',
      environment,
    });
    const probes = new LocalLambdaRuntime({
      topology: {
        functions: {
          ProbeA: probe('ProbeA', 'tests/local/fixtures/handlers/env-probe-a.ts', { ONLY_A: 'a', SHARED: 'from-a' }),
          ProbeB: probe('ProbeB', 'tests/local/fixtures/handlers/env-probe-b.ts', { ONLY_B: 'b', SHARED: 'from-b' }),
        },
      },
      repoRoot,
    });
    // Both cold starts at once: imports are serialized, so neither sees the other's variables.
    const [a, b] = await Promise.all([probes.invoke('ProbeA', {}), probes.invoke('ProbeB', {})]);
    expect(a).toMatchObject({ atColdStart: { ONLY_A: 'a', SHARED: 'from-a' } });
    expect(b).toMatchObject({ atColdStart: { ONLY_B: 'b', SHARED: 'from-b' } });
    // Once no cold start is under way, an invocation sees no function's variables (configuration is read at cold start).
    expect(await probes.invoke('ProbeA', {})).toEqual({ atColdStart: { ONLY_A: 'a', SHARED: 'from-a' }, atInvoke: {} });
    expect([process.env.ONLY_A, process.env.ONLY_B, process.env.SHARED]).toEqual([undefined, undefined, undefined]);
  });

  it('a variable of the process that some function reads is not passed to the others (only the function’s own value counts)', async () => {
    process.env.TABLE_NAME = 'from-the-shell';
    try {
      const base = topology.functions.ClassifyFn1D3F5B7A!;
      const probes = new LocalLambdaRuntime({
        topology: {
          functions: { ProbeC: { ...base, logicalId: 'ProbeC', entry: 'tests/local/fixtures/handlers/env-probe-c.ts', handlerExport: 'handler', environment: { ONLY_A: 'a' } } },
        },
        repoRoot,
      });
      // TABLE_NAME is a function variable (functions/config): the shell's value is not this function's.
      expect(await probes.invoke('ProbeC', {})).toEqual({ atColdStart: { ONLY_A: 'a' }, atInvoke: { TABLE_NAME: 'from-the-shell' } });
      expect(await probes.environmentOf('ProbeC')).toEqual({ ONLY_A: 'a' });
    } finally {
      delete process.env.TABLE_NAME;
    }
  });

  it('refuses two functions that share a module with different environments, naming both', async () => {
    const template = loadFixtureTemplate();
    const env = template.Resources.SlaFn4C6E8A0B!.Properties!.Environment as { Variables: Record<string, unknown> };
    env.Variables.TABLE_NAME = 'other-table';
    const clash = resolveTopology(template, { region: REGION, accountId: ACCOUNT, sqsEndpoint: 'http://127.0.0.1:1' });
    const err = await failureOf(new LocalLambdaRuntime({ topology: clash, repoRoot }).invoke('SlaFn4C6E8A0B', {}));
    expect(err.message).toMatch(/functions SlaFn4C6E8A0B and ClassifyFn1D3F5B7A run the same module .* with different environments/);
  });

  it('invokes by logical id, name or ARN with a realistic context, across the JSON boundary', async () => {
    const fn = topology.functions.ClassifyFn1D3F5B7A!;
    await expect(lambda.invoke('ClassifyFn1D3F5B7A', { a: 1 })).resolves.toEqual({ classified: 'object', memory: '512' });
    await expect(lambda.invoke(fn.arn, 'text')).resolves.toEqual({ classified: 'string', memory: '512' });
    await expect(lambda.invoke(`${fn.arn}:$LATEST`, null)).resolves.toMatchObject({ classified: 'object' });
    // Dates become strings, as the result is serialized by Lambda.
    await expect(lambda.invoke('SlaFn4C6E8A0B', {})).resolves.toEqual({ ok: true, at: '1970-01-01T00:00:00.000Z', got: {} });

    const echo = (await lambda.invoke('EchoFn7C5A9E21', { rawPath: '/x' })) as { body: string };
    const body = JSON.parse(echo.body) as { tableName: string; functionName: string; requestId: string };
    expect(body.tableName).toBe('CasesTable0F5C1D2B');
    expect(body.functionName).toBe('EchoFn7C5A9E21');
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const classify = records.filter((r) => r.functionLogicalId === 'ClassifyFn1D3F5B7A');
    expect(classify.map((r) => r.coldStart)).toEqual([true, false, false]);
    expect(classify.every((r) => r.outcome === 'success')).toBe(true);
  });

  it('rethrows handler errors with their name and message', async () => {
    const err = await failureOf(lambda.invoke('CrashFnE2C4A6B8', {}));
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: 'CaseNotFound', message: 'case C-1 does not exist (internal detail)' });
    expect(records.at(-1)).toMatchObject({ functionLogicalId: 'CrashFnE2C4A6B8', outcome: 'error', errorName: 'CaseNotFound' });
  });

  it('enforces the function Timeout as Lambda does (Sandbox.Timedout)', async () => {
    const started = Date.now();
    const err = await failureOf(lambda.invoke('SlowFn3A5C7E9B', { sleepMs: 3000 }));
    expect(Date.now() - started).toBeLessThan(2500);
    expect(err.name).toBe('Sandbox.Timedout');
    expect(err.message).toMatch(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/);
    expect(records.at(-1)).toMatchObject({ outcome: 'timeout', errorName: 'Sandbox.Timedout' });

    const fast = (await lambda.invoke('SlowFn3A5C7E9B', { sleepMs: 10 })) as { remainingAtStart: number };
    expect(fast.remainingAtStart).toBeGreaterThan(800);
    expect(fast.remainingAtStart).toBeLessThanOrEqual(1000);
    await expect(lambda.invoke('SlowFn3A5C7E9B', { sleepMs: 400 }, { timeoutMs: 100 })).rejects.toMatchObject({ name: 'Sandbox.Timedout' });
  });

  it('reports unknown functions and functions without a local entry', async () => {
    await expect(lambda.invoke('Nope', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(lambda.invoke('NoEntryFn5D7F9B1C', {})).rejects.toMatchObject({ name: 'Runtime.ImportModuleError' });
  });
});

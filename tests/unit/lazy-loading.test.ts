import type { Router } from '@aws-lambda-powertools/event-handler/http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OpsApiBase, OpsApiDeps } from '../../functions/http/ops-api-app.js';
import { apiEvent, lambdaContext, operatorClaims } from '../handlers/env.js';

/**
 * Code imported on first use (functions/wiring/lazy-queue.ts, lazy-workflow.ts, the ops API's route groups): calls
 * that arrive together before the import settles share one client, and an import that failed (a chunk not loaded) is
 * tried again by the next call instead of failing the warm function for good. The module is mocked to fail once.
 */
const chunkMissing = () => Object.assign(new Error('Cannot find module chunks/x.mjs'), { code: 'ERR_MODULE_NOT_FOUND' });

beforeEach(() => vi.resetModules());
afterEach(() => vi.doUnmock('../../functions/wiring/queues.js'));
afterEach(() => vi.doUnmock('../../functions/wiring/workflow.js'));
afterEach(() => vi.doUnmock('../../functions/http/ops-report-routes.js'));
afterEach(() => vi.doUnmock('../../functions/http/ops-privacy-routes.js'));
afterEach(() => vi.doUnmock('../../functions/wiring/ops-api-deps.js'));
afterEach(() => vi.unstubAllEnvs());

/** Mocks `path` so its first import fails and later ones give `module`; counts the attempts. */
function failingOnce(path: string, module: () => Record<string, unknown>) {
  const attempts = { count: 0 };
  vi.doMock(path, () => {
    attempts.count += 1;
    if (attempts.count === 1) throw chunkMissing();
    return module();
  });
  return attempts;
}

describe('lazyQueue', () => {
  it('builds one SQS sender for two sends that arrive before the import settles', async () => {
    const sent: string[] = [];
    const queueSender = vi.fn(() => ({ send: async (message: string) => void sent.push(message) }));
    vi.doMock('../../functions/wiring/queues.js', () => ({ queueSender }));
    const { lazyQueue } = await import('../../functions/wiring/lazy-queue.js');
    const queue = lazyQueue<string>('https://sqs.local/notices.fifo', 'NOTICE_QUEUE_URL');
    await Promise.all([queue().send('a', 'g'), queue().send('b', 'g')]);
    expect(queueSender).toHaveBeenCalledTimes(1);
    expect(sent.sort()).toEqual(['a', 'b']);
  });

  it('tries the import again at the next send after a failed one', async () => {
    const sent: string[] = [];
    const attempts = failingOnce('../../functions/wiring/queues.js', () => ({ queueSender: () => ({ send: async (message: string) => void sent.push(message) }) }));
    const { lazyQueue } = await import('../../functions/wiring/lazy-queue.js');
    const queue = lazyQueue<string>('https://sqs.local/notices.fifo', 'NOTICE_QUEUE_URL');
    await expect(queue().send('lost', 'g')).rejects.toThrow();
    await queue().send('kept', 'g');
    expect(attempts.count).toBe(2);
    expect(sent).toEqual(['kept']);
  });
});

describe('lazyCaseWorkflow', () => {
  const fakeWorkflow = (resumed: string[]) => ({ resume: async (token: string) => void resumed.push(token), start: async () => undefined, fail: async () => undefined });

  it('builds one Step Functions client for two calls that arrive before the import settles', async () => {
    const resumed: string[] = [];
    const caseWorkflow = vi.fn(() => fakeWorkflow(resumed));
    vi.doMock('../../functions/wiring/workflow.js', () => ({ caseWorkflow }));
    const { lazyCaseWorkflow } = await import('../../functions/wiring/lazy-workflow.js');
    const workflow = lazyCaseWorkflow({ STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:cases' });
    await Promise.all([workflow.resume('t1', {}), workflow.resume('t2', {})]);
    expect(caseWorkflow).toHaveBeenCalledTimes(1);
    expect(resumed.sort()).toEqual(['t1', 't2']);
  });

  it('tries the import again at the next call after a failed one', async () => {
    const resumed: string[] = [];
    const attempts = failingOnce('../../functions/wiring/workflow.js', () => ({ caseWorkflow: () => fakeWorkflow(resumed) }));
    const { lazyCaseWorkflow } = await import('../../functions/wiring/lazy-workflow.js');
    const workflow = lazyCaseWorkflow();
    await expect(workflow.resume('t1', {})).rejects.toThrow();
    await workflow.resume('t2', {});
    expect(attempts.count).toBe(2);
    expect(resumed).toEqual(['t2']);
  });
});

describe('ops API route groups', () => {
  it('answers 500 internal_error when a group cannot be loaded, logs its code, and serves the next request', async () => {
    // The module's export fails once when read: the error reaches the router with its code (a failed import's
    // error is rewrapped by vitest's mocker, so the other tests here cannot see a code).
    const register = (app: Router, _deps: unknown, reply: (status: number, body: unknown) => Response) =>
      app.get('/ops/reports/volume', async () => reply(200, { report: 'volume' }));
    const attempts = { count: 0 };
    vi.doMock('../../functions/http/ops-report-routes.js', () => ({
      get registerReportRoutes() {
        attempts.count += 1;
        if (attempts.count === 1) throw chunkMissing();
        return register;
      },
    }));
    const errors: Array<Record<string, unknown>> = [];
    const logger = { info: () => undefined, error: (_message: string, detail: Record<string, unknown>) => void errors.push(detail) };
    const { opsApiApp } = await import('../../functions/http/ops-api-app.js');
    const app = opsApiApp({ logger } as unknown as OpsApiBase, async () => ({ logger }) as unknown as OpsApiDeps);
    const request = async () => {
      const event = apiEvent({ method: 'GET', path: '/ops/reports/volume', jwtClaims: operatorClaims({ name: 'li.wei', role: 'supervisor' }) });
      const result = (await app(event, lambdaContext('ops-api'))) as APIGatewayProxyStructuredResultV2;
      return { status: result.statusCode, body: JSON.parse(String(result.body)) };
    };

    const failed = await request();
    expect(failed.status).toBe(500);
    expect(failed.body.error).toBe('internal_error');
    expect(errors).toEqual([{ errorName: 'Error', errorCode: 'ERR_MODULE_NOT_FOUND' }]);
    expect(await request()).toEqual({ status: 200, body: { report: 'volume' } });
    expect(attempts.count).toBe(2);
  });

  it("builds the groups' deps once for two groups' first requests, and again after a failed build", async () => {
    // The handler's own build (functions/handlers/ops-api.ts `groupDeps`), its deps module mocked to fail once. Each
    // route answers with the number of the build it was given: both groups must share one. (Two imports of a mocked
    // module in flight at once can give one of them the real module; its deps have no number, so that fails too.)
    vi.stubEnv('TABLE_NAME', 'cases');
    const builds = { count: 0 };
    vi.doMock('../../functions/wiring/ops-api-deps.js', () => ({
      opsApiDeps: (_config: unknown, base: OpsApiBase) => {
        builds.count += 1;
        if (builds.count === 1) throw new Error('market ZZ: no calendar for 2031');
        return { ...base, build: builds.count };
      },
    }));
    const routeOn = (path: `/${string}`) => (app: Router, deps: { build?: number }, reply: (status: number, body: unknown) => Response) =>
      app.get(path, async () => reply(200, { build: deps.build ?? 'not the mocked build' }));
    vi.doMock('../../functions/http/ops-report-routes.js', () => ({ registerReportRoutes: routeOn('/ops/reports/volume') }));
    vi.doMock('../../functions/http/ops-privacy-routes.js', () => ({ registerPrivacyRoutes: routeOn('/ops/privacy/:id') }));
    const { logger } = await import('../../functions/wiring/logging.js');
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const { handler } = await import('../../functions/handlers/ops-api.js');
    const request = async (path: string) => {
      const event = apiEvent({ method: 'GET', path, jwtClaims: operatorClaims({ name: 'li.wei', role: 'supervisor' }) });
      const result = (await handler(event, lambdaContext('ops-api'))) as APIGatewayProxyStructuredResultV2;
      return { status: result.statusCode, body: JSON.parse(String(result.body)) };
    };

    expect((await request('/ops/reports/volume')).status).toBe(500);
    expect(errors).toHaveBeenCalledWith('ops route groups could not be built', { errorMessage: 'market ZZ: no calendar for 2031' });
    const built = { status: 200, body: { build: 2 } };
    expect(await Promise.all([request('/ops/reports/volume'), request('/ops/privacy/p1')])).toEqual([built, built]);
    expect(await request('/ops/privacy/p2')).toEqual(built);
    expect(builds.count).toBe(2);
  });
});

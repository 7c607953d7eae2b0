import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localIndexPage } from '../../local/index-page.js';
import { LocalStepFunctionsService } from '../../local/stepfunctions/index.js';

const ACCOUNT = '123456789012';
const MACHINE = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:case-workflow`;
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;

class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const service = new LocalStepFunctionsService();
let server: Server;
let base: string;

/** Classify → CarrierLookup (fails, caught) → RecordFailure → Done: a history with a caught error and a loop-free path. */
const definition = {
  StartAt: 'Classify',
  States: {
    Classify: { Type: 'Task', Resource: fnArn('classify'), ResultPath: '$.classified', Next: 'CarrierLookup' },
    CarrierLookup: { Type: 'Task', Resource: fnArn('carrier-lookup'), Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' }], End: true },
    RecordFailure: { Type: 'Pass', Result: 'recorded', ResultPath: '$.failure', Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

beforeAll(async () => {
  service.addStateMachine({
    stateMachineArn: MACHINE,
    definition,
    retryIntervalMs: 1,
    services: {
      async invokeFunction(functionArn) {
        // A note with markup: the pages must show it as text, never as HTML.
        if (functionArn.endsWith(':classify')) return { priority: 'high', note: '<script>alert("x")</script>' };
        throw new NamedError('CarrierUnavailableError', 'tracking provider answered 503');
      },
      async sendSqsMessage() {
        return { MessageId: 'm' };
      },
    },
  });
  for (let i = 1; i <= 7; i++) {
    const { executionArn } = service.startExecution({ stateMachineArn: MACHINE, name: `AS-2026-${String(i).padStart(4, '0')}`, input: JSON.stringify({ caseId: `AS-2026-${i}` }) });
    await service.waitForExecution(executionArn!, 5_000);
  }
  const pages = localIndexPage(() => ({}), service);
  server = createServer((req, res) => {
    void pages(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const getJson = async (path: string) => {
  const res = await fetch(`${base}${path}`, { headers: { accept: 'application/json' } });
  return { status: res.status, body: (await res.json()) as any };
};

describe('local execution list (/local/executions)', () => {
  it('pages through every execution, newest first, when there are more than one page', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const { status, body } = await getJson(`/local/executions?limit=3${token ? `&page=${token}` : ''}`);
      expect(status).toBe(200);
      expect(body.executions.length).toBeLessThanOrEqual(3);
      seen.push(...body.executions.map((e: { name: string }) => e.name));
      token = body.nextToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(['AS-2026-0007', 'AS-2026-0006', 'AS-2026-0005', 'AS-2026-0004', 'AS-2026-0003', 'AS-2026-0002', 'AS-2026-0001']);
  });

  it('answers JSON as before ({executions: [{name, status, startDate, stopDate}]}) with ?format=json', async () => {
    const res = await fetch(`${base}/local/executions?format=json`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as any;
    expect(body.nextToken).toBeUndefined();
    expect(body.executions).toHaveLength(7);
    expect(Object.keys(body.executions[0]).sort()).toEqual(['name', 'startDate', 'status', 'stopDate']);
    expect(body.executions[0]).toMatchObject({ name: 'AS-2026-0007', status: 'SUCCEEDED' });
  });

  it('is an HTML page by default, linking each execution and the older page', async () => {
    const res = await fetch(`${base}/local/executions?limit=5`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<a href="/local/executions/AS-2026-0007">AS-2026-0007</a>');
    expect(html).not.toContain('AS-2026-0002<');
    expect(html).toContain('<a rel="next" href="/local/executions?page=5&limit=5">Older executions</a>');
  });

  it('refuses a bad page size or token with a machine-readable error', async () => {
    expect(await getJson('/local/executions?limit=0')).toMatchObject({ status: 400, body: { error: 'invalid_limit' } });
    expect(await getJson('/local/executions?page=abc')).toMatchObject({ status: 400, body: { error: 'invalid_page' } });
  });
});

describe('local execution history (/local/executions/<name>)', () => {
  it('lists the states in order with status, duration, input/output and the caught error', async () => {
    const { status, body } = await getJson('/local/executions/AS-2026-0003');
    expect(status).toBe(200);
    expect(body.execution).toMatchObject({ name: 'AS-2026-0003', status: 'SUCCEEDED' });
    expect(body.states.map((s: any) => [s.name, s.type, s.status])).toEqual([
      ['Classify', 'Task', 'succeeded'],
      ['CarrierLookup', 'Task', 'caught'],
      ['RecordFailure', 'Pass', 'succeeded'],
      ['Done', 'Succeed', 'succeeded'],
    ]);
    const lookup = body.states[1];
    expect(lookup).toMatchObject({ error: 'CarrierUnavailableError' });
    expect(lookup.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(body.states[0].output)).toMatchObject({ caseId: 'AS-2026-3', classified: { priority: 'high' } });
    expect(body.events.map((e: any) => e.type)).toEqual(expect.arrayContaining(['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionFailed', 'ExecutionSucceeded']));
  });

  it('renders the history as HTML, everything escaped', async () => {
    const res = await fetch(`${base}/local/executions/AS-2026-0003`);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const text of ['Classify', 'CarrierLookup', 'CarrierUnavailableError', 'LambdaFunctionFailed', 'Execution input']) expect(html).toContain(text);
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert');
  });

  it('answers 404 for an execution that does not exist', async () => {
    expect(await getJson('/local/executions/AS-2099-0001')).toMatchObject({ status: 404, body: { error: 'execution_not_found' } });
    const res = await fetch(`${base}/local/executions/%3Cb%3Ex`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('&lt;b&gt;x');
  });
});

describe('a stretch of Express steps on its workflow execution page', () => {
  it("shows the steps' states under the stretch task that ran them, the Express machine's executions not listed apart", async () => {
    const { executionDetail, executionList } = await import('../../local/execution-pages.js');
    const sfn = new LocalStepFunctionsService();
    const services = {
      invokeFunction: async () => ({ verdict: 'confirmed' }),
      sendSqsMessage: async () => ({ MessageId: 'm' }),
    };
    const steps = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:case-workflow-steps`;
    const workflow = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:case-workflow`;
    sfn.addStateMachine({
      stateMachineArn: steps,
      type: 'EXPRESS',
      services,
      definition: { StartAt: 'CarrierLookup', States: { CarrierLookup: { Type: 'Task', Resource: fnArn('carrier-lookup'), ResultPath: '$.carrier', End: true } } },
    });
    sfn.addStateMachine({
      stateMachineArn: workflow,
      services,
      definition: {
        StartAt: 'Intake',
        States: {
          Intake: {
            Type: 'Task',
            Resource: 'arn:aws:states:::states:startExecution.sync:2',
            Parameters: { StateMachineArn: steps, 'Input.$': '$' },
            OutputPath: '$.Output',
            End: true,
          },
        },
      },
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn: workflow, name: 'AS-2026-0100', input: JSON.stringify({ caseId: 'AS-2026-0100' }) });
    await sfn.waitForExecution(executionArn!, 5_000);
    const detail = executionDetail(sfn, 'AS-2026-0100');
    const [intake] = (detail.json as { states: Array<{ name: string; child?: { executionArn: string; states: Array<{ name: string; status: string }> } }> }).states;
    expect(intake!.name).toBe('Intake');
    expect(intake!.child!.executionArn).toMatch(/:execution:case-workflow-steps:/);
    expect(intake!.child!.states.map((s) => [s.name, s.status])).toEqual([['CarrierLookup', 'succeeded']]);
    expect(detail.html).toContain('↳ CarrierLookup');
    const listed = (executionList(sfn, new URLSearchParams()).json as { executions: Array<{ name: string }> }).executions;
    expect(listed.map((e) => e.name)).toEqual(['AS-2026-0100']);
  });
});

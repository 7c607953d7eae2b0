import { createHash, randomUUID } from 'node:crypto';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type DescribeExecutionOutput,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalStepFunctionsService, startSfnApiServer, type SfnApiServer } from '../../local/stepfunctions/index.js';

const ACCOUNT = '123456789012';
const smArn = (name: string) => `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${name}`;
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
const QUEUE_URL = `http://127.0.0.1:9324/${ACCOUNT}/notices`;

/** A Lambda error as the Lambda runtime reports it: errorType = the thrown error's name. */
class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

type Fn = (payload: any) => Promise<unknown> | unknown;
let functions: Record<string, Fn> = {};
const invocations: { name: string; payload: any }[] = [];
const sqsMessages: { queueUrl: string; body: string }[] = [];

const service = new LocalStepFunctionsService();
let server: SfnApiServer;
let sfn: SFNClient;

function addMachine(name: string, definition: object, extra: { waitOverridesMs?: Record<string, number>; type?: 'STANDARD' | 'EXPRESS' } = {}): string {
  service.addStateMachine({
    stateMachineArn: smArn(name),
    definition,
    retryIntervalMs: 1,
    ...extra,
    services: {
      async invokeFunction(functionArn, payload) {
        const fnName = functionArn.split(':')[6]!;
        invocations.push({ name: fnName, payload });
        const fn = functions[fnName];
        if (!fn) throw new NamedError('ResourceNotFoundException', `no function ${fnName}`);
        return fn(payload);
      },
      async sendSqsMessage(queueUrl, body) {
        sqsMessages.push({ queueUrl, body });
        return { MessageId: randomUUID() };
      },
    },
  });
  return smArn(name);
}

async function start(stateMachineArn: string, input: object, name?: string): Promise<string> {
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  return started.executionArn!;
}

async function finished(executionArn: string): Promise<DescribeExecutionOutput> {
  await service.waitForExecution(executionArn, 5_000);
  return sfn.send(new DescribeExecutionCommand({ executionArn }));
}

async function run(stateMachineArn: string, input: object, name?: string): Promise<DescribeExecutionOutput> {
  return finished(await start(stateMachineArn, input, name));
}

/** Resolves with the next task token a fake function receives (as a real Lambda would, in its payload). */
function tokenReceiver(): { fn: Fn; next(): Promise<string> } {
  const waiting: ((token: string) => void)[] = [];
  const received: string[] = [];
  return {
    fn: (payload: { taskToken: string }) => {
      const resolve = waiting.shift();
      if (resolve) resolve(payload.taskToken);
      else received.push(payload.taskToken);
      return { accepted: true };
    },
    next: () => (received.length ? Promise.resolve(received.shift()!) : new Promise((resolve) => waiting.push(resolve))),
  };
}

async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).name;
  }
  return 'no error';
}

const lambdaTask = (fn: string, extra: object = {}) => ({ Type: 'Task', Resource: fnArn(fn), ...extra });
const waitForTokenTask = (fn: string, extra: object = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: { FunctionName: fnArn(fn), Payload: { 'taskToken.$': '$$.Task.Token', 'caseId.$': '$.caseId' } },
  ...extra,
});

const machines = {
  chain: addMachine(
    'chain',
    {
      StartAt: 'Classify',
      States: {
        Classify: lambdaTask('classify', { ResultPath: '$.classification', Next: 'Price' }),
        Price: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fnArn('price'), 'Payload.$': '$' },
          ResultSelector: { 'amount.$': '$.Payload.amount', 'status.$': '$.StatusCode' },
          ResultPath: '$.price',
          Next: 'Pause',
        },
        Pause: { Type: 'Wait', Seconds: 3600, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    },
    { waitOverridesMs: { Pause: 5 } },
  ),
  retry: addMachine('retry', {
    StartAt: 'Track',
    States: {
      Track: lambdaTask('track', {
        Retry: [
          { ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 },
          { ErrorEquals: ['CarrierUnavailableError'], IntervalSeconds: 60, MaxAttempts: 2, BackoffRate: 2 },
          { ErrorEquals: ['States.ALL'], IntervalSeconds: 30, MaxAttempts: 1 },
        ],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' }],
        End: true,
      }),
      RecordFailure: { Type: 'Pass', End: true },
    },
  }),
  uncaught: addMachine('uncaught', { StartAt: 'Track', States: { Track: lambdaTask('track', { End: true }) } }),
  review: addMachine('review', {
    StartAt: 'AwaitDecision',
    States: {
      AwaitDecision: waitForTokenTask('ask-ops', {
        TimeoutSeconds: 30,
        ResultPath: '$.decision',
        Catch: [
          { ErrorEquals: ['ReviewRejected'], ResultPath: '$.error', Next: 'Rejected' },
          { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'TimedOut' },
        ],
        End: true,
      }),
      Rejected: { Type: 'Pass', End: true },
      TimedOut: { Type: 'Pass', End: true },
    },
  }),
  shortWait: addMachine('short-wait', {
    StartAt: 'AwaitDecision',
    States: {
      AwaitDecision: waitForTokenTask('ask-ops', {
        TimeoutSeconds: 1,
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'TimedOut' }],
        End: true,
      }),
      TimedOut: { Type: 'Pass', End: true },
    },
  }),
  // TimeoutSecondsPath reads the state input (AWS), not the Parameters result (the library's own behaviour).
  pathWait: addMachine('path-wait', {
    StartAt: 'AwaitAnswer',
    States: {
      AwaitAnswer: waitForTokenTask('ask-ops', {
        TimeoutSecondsPath: '$.answerWindowSeconds',
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'Expired' }],
        End: true,
      }),
      Expired: { Type: 'Pass', End: true },
    },
  }),
  heartbeat: addMachine('heartbeat', {
    StartAt: 'AwaitDecision',
    States: {
      AwaitDecision: waitForTokenTask('ask-ops', {
        TimeoutSeconds: 30,
        HeartbeatSeconds: 1,
        Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.error', Next: 'Silent' }],
        End: true,
      }),
      Silent: { Type: 'Pass', End: true },
    },
  }),
  // A heartbeat: the wait times out into itself (Catch Next = the same state), each time with a fresh token.
  selfCatch: addMachine('self-catch', {
    StartAt: 'AwaitDecision',
    States: {
      AwaitDecision: waitForTokenTask('ask-ops', {
        TimeoutSecondsPath: '$.beatSeconds',
        ResultPath: '$.decision',
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.beat', Next: 'AwaitDecision' }],
        End: true,
      }),
    },
  }),
  slow: addMachine('slow', { TimeoutSeconds: 1, StartAt: 'AwaitDecision', States: { AwaitDecision: waitForTokenTask('ask-ops', { End: true }) } }),
  notify: addMachine('notify', {
    StartAt: 'Enqueue',
    States: {
      Enqueue: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage',
        Parameters: { QueueUrl: QUEUE_URL, MessageBody: { 'caseId.$': '$.caseId', milestone: 'received' } },
        ResultPath: '$.sent',
        Next: 'EnqueueAndWait',
      },
      EnqueueAndWait: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { QueueUrl: QUEUE_URL, MessageBody: { 'taskToken.$': '$$.Task.Token', 'executionId.$': '$$.Execution.Id' } },
        TimeoutSeconds: 30,
        ResultPath: '$.answer',
        End: true,
      },
    },
  }),
  nested: addMachine('nested', {
    StartAt: 'Both',
    States: {
      Both: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Classify', States: { Classify: lambdaTask('classify', { End: true }) } },
          {
            StartAt: 'EachItem',
            States: {
              EachItem: {
                Type: 'Map',
                ItemsPath: '$.items',
                ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Price', States: { Price: lambdaTask('price', { End: true }) } },
                End: true,
              },
            },
          },
        ],
        End: true,
      },
    },
  }),
};

beforeAll(async () => {
  server = await startSfnApiServer(service, { port: 0 });
  sfn = new SFNClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});

afterAll(async () => {
  sfn?.destroy();
  await server?.close();
});

beforeEach(() => {
  functions = {};
  invocations.length = 0;
  sqsMessages.length = 0;
});

describe('local Step Functions through the SFN client', () => {
  it('runs a Lambda task chain (function ARN and lambda:invoke) with an overridden Wait', async () => {
    functions.classify = (p: { caseId: string }) => ({ kind: 'refund', caseId: p.caseId });
    functions.price = () => ({ amount: 42 });
    const startedAt = Date.now();
    const result = await run(machines.chain, { caseId: 'c-1' });
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toEqual({ caseId: 'c-1', classification: { kind: 'refund', caseId: 'c-1' }, price: { amount: 42, status: 200 } });
    expect(invocations[1]!.payload).toEqual({ caseId: 'c-1', classification: { kind: 'refund', caseId: 'c-1' } });
    expect(result.startDate).toBeInstanceOf(Date);
    expect(result.executionArn).toMatch(/^arn:aws:states:us-east-1:123456789012:execution:chain:[0-9a-f-]{36}$/);

    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: result.executionArn }));
    expect(history.events!.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(history.events![0]!.timestamp).toBeInstanceOf(Date);

    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machines.chain, statusFilter: 'SUCCEEDED' }));
    expect(listed.executions!.map((e) => e.executionArn)).toContain(result.executionArn);
    const machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machines.chain }));
    expect(JSON.parse(machine.definition!).StartAt).toBe('Classify');
    const all = await sfn.send(new ListStateMachinesCommand({}));
    expect(all.stateMachines!.map((m) => m.name)).toContain('chain');
  });

  it('retries a named Lambda error and succeeds on the third attempt, with the pause overridden', async () => {
    let calls = 0;
    functions.track = () => {
      calls += 1;
      if (calls < 3) throw new NamedError('CarrierUnavailableError', 'carrier API down');
      return { status: 'IN_TRANSIT' };
    };
    const startedAt = Date.now();
    const result = await run(machines.retry, { caseId: 'c-2' });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toEqual({ status: 'IN_TRANSIT' });
    expect(calls).toBe(3);
    expect(Date.now() - startedAt).toBeLessThan(2_000); // IntervalSeconds 60 was not honoured
  });

  it('matches Lambda.ServiceException and States.ALL retriers', async () => {
    const errors = [new NamedError('Lambda.ServiceException', 'throttled'), new NamedError('TypeError', 'boom')];
    functions.track = () => {
      const next = errors.shift();
      if (next) throw next;
      return 'ok';
    };
    const result = await run(machines.retry, { caseId: 'c-3' });
    expect(result.status).toBe('SUCCEEDED');
    expect(invocations).toHaveLength(3);
  });

  it('catches an exhausted error into $.error with the Lambda-style cause', async () => {
    functions.track = () => {
      throw new NamedError('CarrierUnavailableError', 'carrier API down');
    };
    const result = await run(machines.retry, { caseId: 'c-4' });
    expect(result.status).toBe('SUCCEEDED');
    // First try + 2 retries: as in AWS, the first matching retrier decides, later ones (States.ALL) are not tried.
    expect(invocations).toHaveLength(3);
    const output = JSON.parse(result.output!);
    expect(output.caseId).toBe('c-4');
    expect(output.error.Error).toBe('CarrierUnavailableError');
    expect(JSON.parse(output.error.Cause)).toEqual({ errorType: 'CarrierUnavailableError', errorMessage: 'carrier API down' });
  });

  it('fails an execution on an uncaught error, without unhandled rejections', async () => {
    functions.track = () => {
      throw new NamedError('CarrierUnavailableError', 'carrier API down');
    };
    const result = await run(machines.uncaught, { caseId: 'c-5' });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('CarrierUnavailableError');
    expect(JSON.parse(result.cause!).errorMessage).toBe('carrier API down');
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: result.executionArn, reverseOrder: true }));
    expect(history.events!.slice(0, 2).map((e) => e.type)).toEqual(['ExecutionFailed', 'LambdaFunctionFailed']);
    const failed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machines.uncaught, statusFilter: 'FAILED' }));
    expect(failed.executions!.map((e) => e.executionArn)).toContain(result.executionArn);
  });

  it('resumes a waitForTaskToken Lambda task with SendTaskSuccess from outside', async () => {
    const ops = tokenReceiver();
    functions['ask-ops'] = ops.fn;
    const executionArn = await start(machines.review, { caseId: 'c-6' });
    const token = await ops.next();
    expect(token).toMatch(/^AQ/);
    expect(invocations[0]!.payload.caseId).toBe('c-6');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }));
    const result = await finished(executionArn);
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toEqual({ caseId: 'c-6', decision: { approved: true } });

    // The token is spent: AWS answers TaskTimedOut; a malformed one is InvalidToken.
    expect(await errorName(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })))).toBe('TaskTimedOut');
    expect(await errorName(sfn.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })))).toBe('InvalidToken');
    const types = (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['TaskScheduled', 'TaskSubmitted', 'TaskSucceeded']));
  });

  it('resumes a task whose function sends SendTaskSuccess itself before returning', async () => {
    functions['ask-ops'] = async (payload: { taskToken: string; caseId: string }) => {
      await sfn.send(new SendTaskSuccessCommand({ taskToken: payload.taskToken, output: JSON.stringify({ auto: payload.caseId }) }));
      return { done: true };
    };
    const result = await run(machines.review, { caseId: 'c-7' });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!).decision).toEqual({ auto: 'c-7' });
  });

  it('fails a waiting task with SendTaskFailure, matched by Catch on its error name', async () => {
    const ops = tokenReceiver();
    functions['ask-ops'] = ops.fn;
    const executionArn = await start(machines.review, { caseId: 'c-8' });
    await sfn.send(new SendTaskFailureCommand({ taskToken: await ops.next(), error: 'ReviewRejected', cause: 'photos missing' }));
    const result = await finished(executionArn);
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!).error).toEqual({ Error: 'ReviewRejected', Cause: 'photos missing' });
  });

  it('times out waiting tasks (TimeoutSeconds, TimeoutSecondsPath, HeartbeatSeconds) and executions (TimeoutSeconds)', async () => {
    const ops = tokenReceiver();
    functions['ask-ops'] = ops.fn;
    const fixed = await start(machines.shortWait, { caseId: 'c-9' });
    const fixedToken = await ops.next();
    const fromInput = await start(machines.pathWait, { caseId: 'c-10', answerWindowSeconds: 1 });
    await ops.next();
    const noHeartbeat = await start(machines.heartbeat, { caseId: 'c-10b' });
    await ops.next();
    const wholeExecution = await start(machines.slow, { caseId: 'c-10c' });
    await ops.next();
    const startedAt = Date.now();
    const [a, b, c, d] = await Promise.all([finished(fixed), finished(fromInput), finished(noHeartbeat), finished(wholeExecution)]);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    for (const result of [a, b]) {
      expect(result.status).toBe('SUCCEEDED');
      expect(JSON.parse(result.output!).error.Error).toBe('States.Timeout');
    }
    expect(JSON.parse(c!.output!).error.Error).toBe('States.HeartbeatTimeout');
    expect(d).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(await errorName(sfn.send(new SendTaskSuccessCommand({ taskToken: fixedToken, output: '{}' })))).toBe('TaskTimedOut');
    const types = (await sfn.send(new GetExecutionHistoryCommand({ executionArn: fixed }))).events!.map((e) => e.type);
    expect(types).toContain('TaskTimedOut');
  });

  it('re-enters a waiting task whose Catch leads back to itself, with a new token each time; the old one is spent', async () => {
    const ops = tokenReceiver();
    functions['ask-ops'] = ops.fn;
    const executionArn = await start(machines.selfCatch, { caseId: 'c-10d', beatSeconds: 1 });
    const first = await ops.next();
    const second = await ops.next();
    const third = await ops.next();
    expect(new Set([first, second, third]).size).toBe(3);
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    expect(await errorName(sfn.send(new SendTaskSuccessCommand({ taskToken: first, output: '{}' })))).toBe('TaskTimedOut');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: third, output: JSON.stringify({ approved: true }) }));
    const result = await finished(executionArn);
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toEqual({ caseId: 'c-10d', beatSeconds: 1, beat: { Error: 'States.Timeout', Cause: expect.any(String) }, decision: { approved: true } });
    const events = (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!;
    expect(events.filter((e) => e.type === 'TaskTimedOut')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name === 'AwaitDecision')).toHaveLength(3);
  });

  it('sends SQS messages (object bodies as JSON text) and waits on a token sent in one', async () => {
    const executionArn = await start(machines.notify, { caseId: 'c-11' });
    await expect.poll(() => sqsMessages.length).toBe(2);
    expect(sqsMessages[0]).toEqual({ queueUrl: QUEUE_URL, body: JSON.stringify({ caseId: 'c-11', milestone: 'received' }) });
    const waiting = JSON.parse(sqsMessages[1]!.body);
    expect(waiting.executionId).toBe(executionArn);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: waiting.taskToken, output: '"delivered"' }));
    const result = await finished(executionArn);
    const output = JSON.parse(result.output!);
    expect(output.sent.MD5OfMessageBody).toBe(createHash('md5').update(sqsMessages[0]!.body).digest('hex'));
    expect(output.sent.MessageId).toEqual(expect.any(String));
    expect(output.answer).toBe('delivered');
  });

  it('makes StartExecution idempotent by name and input while running, and stops executions', async () => {
    const ops = tokenReceiver();
    functions['ask-ops'] = ops.fn;
    const name = `case-${randomUUID()}`;
    const input = JSON.stringify({ caseId: name });
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: machines.review, name, input }));
    const again = await sfn.send(new StartExecutionCommand({ stateMachineArn: machines.review, name, input }));
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);
    expect(first.executionArn).toBe(`arn:aws:states:us-east-1:123456789012:execution:review:${name}`);
    const other = sfn.send(new StartExecutionCommand({ stateMachineArn: machines.review, name, input: JSON.stringify({ caseId: 'x' }) }));
    expect(await errorName(other)).toBe('ExecutionAlreadyExists');

    const token = await ops.next();
    const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machines.review, statusFilter: 'RUNNING' }));
    expect(running.executions!.map((e) => e.name)).toContain(name);
    await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn, error: 'Ops.Cancelled', cause: 'duplicate case' }));
    const stopped = await finished(first.executionArn!);
    expect(stopped).toMatchObject({ status: 'ABORTED', error: 'Ops.Cancelled', cause: 'duplicate case' });
    expect(await errorName(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })))).toBe('TaskTimedOut');
    const reuse = sfn.send(new StartExecutionCommand({ stateMachineArn: machines.review, name, input }));
    expect(await errorName(reuse)).toBe('ExecutionAlreadyExists');
    const types = (await sfn.send(new GetExecutionHistoryCommand({ executionArn: first.executionArn }))).events!.map((e) => e.type);
    expect(types.at(-1)).toBe('ExecutionAborted');
  });

  it('runs tasks nested in Parallel branches and Map item processors', async () => {
    functions.classify = () => 'refund';
    functions.price = (item: { sku: string }) => ({ sku: item.sku, amount: 1 });
    const result = await run(machines.nested, { items: [{ sku: 'a' }, { sku: 'b' }] });
    expect(result.status).toBe('SUCCEEDED');
    expect(JSON.parse(result.output!)).toEqual([
      'refund',
      [
        { sku: 'a', amount: 1 },
        { sku: 'b', amount: 1 },
      ],
    ]);
  });

  it('answers API errors the way the SDK expects', async () => {
    const missing = `arn:aws:states:us-east-1:${ACCOUNT}:execution:chain:nope`;
    expect(await errorName(sfn.send(new DescribeExecutionCommand({ executionArn: missing })))).toBe('ExecutionDoesNotExist');
    expect(await errorName(sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('nope'), input: '{}' })))).toBe('StateMachineDoesNotExist');
    expect(await errorName(sfn.send(new StartExecutionCommand({ stateMachineArn: machines.chain, input: '{nope' })))).toBe('InvalidExecutionInput');
    const response = await fetch(server.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AWSStepFunctions.CreateActivity' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('refuses unsupported task resources when the machine is built', () => {
    const definition = { StartAt: 'Put', States: { Put: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Parameters: {}, End: true } } };
    expect(() => addMachine('unsupported', definition)).toThrow(/"Put".*dynamodb:putItem/);
  });
});

describe('child executions (states:startExecution)', () => {
  const startChild = (child: string, pattern: '' | '.sync' | '.sync:2', extra: object = {}) => ({
    Type: 'Task',
    Resource: `arn:aws:states:::states:startExecution${pattern}`,
    Parameters: { StateMachineArn: child, Input: { 'caseId.$': '$.caseId', 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id' } },
    ...extra,
  });
  const express = addMachine(
    'steps',
    {
      StartAt: 'Classify',
      States: {
        Classify: { Type: 'Task', Resource: fnArn('classify-child'), ResultPath: '$.facts', Next: 'Route' },
        Route: { Type: 'Pass', Result: 'AwaitChoice', ResultPath: '$.next', End: true },
      },
    },
    { type: 'EXPRESS' },
  );
  const slow = addMachine('slow-child', { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 30, End: true } } }, { type: 'EXPRESS' });
  const parent = (name: string, pattern: '' | '.sync' | '.sync:2', child = express) =>
    addMachine(name, {
      StartAt: 'Steps',
      States: {
        Steps: startChild(child, pattern, {
          Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }],
          ...(pattern === '.sync:2' ? { OutputPath: '$.Output' } : {}),
          End: true,
        }),
        Failed: { Type: 'Pass', End: true },
      },
    });
  const sync2 = parent('parent-sync2', '.sync:2');
  const sync1 = parent('parent-sync1', '.sync');
  const fireAndForget = parent('parent-start', '');
  const waitsOnSlow = parent('parent-slow', '.sync:2', slow);

  it('.sync:2 runs the Express child in the same service and continues with its Output parsed as JSON', async () => {
    functions['classify-child'] = (payload: { caseId: string }) => ({ type: 'lost', seen: payload.caseId });
    const result = await run(sync2, { caseId: 'c-21' });
    expect(result.status).toBe('SUCCEEDED');
    const output = JSON.parse(result.output!);
    expect(output).toMatchObject({ caseId: 'c-21', facts: { type: 'lost', seen: 'c-21' }, next: 'AwaitChoice' });
    expect(output.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID).toBe(result.executionArn);
    const children = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: express }))).executions!;
    expect(children.map((e) => e.status)).toContain('SUCCEEDED');
    const history = (await sfn.send(new GetExecutionHistoryCommand({ executionArn: result.executionArn }))).events!;
    const scheduled = history.find((e) => e.type === 'TaskScheduled')!.taskScheduledEventDetails!;
    expect(scheduled).toMatchObject({ resourceType: 'states', resource: 'startExecution.sync:2' });
    const succeeded = JSON.parse(history.find((e) => e.type === 'TaskSucceeded')!.taskSucceededEventDetails!.output!);
    expect(succeeded).toMatchObject({ Status: 'SUCCEEDED', StateMachineArn: express, Input: { caseId: 'c-21' }, Output: { next: 'AwaitChoice' } });
    expect(children.map((e) => e.executionArn)).toContain(succeeded.ExecutionArn);
    const machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: express }));
    expect(machine.type).toBe('EXPRESS');
  });

  it('.sync answers with Output as text; without .sync the task answers at once with the execution ARN', async () => {
    functions['classify-child'] = () => ({ type: 'late' });
    const text = JSON.parse((await run(sync1, { caseId: 'c-22' })).output!);
    expect(typeof text.Output).toBe('string');
    expect(JSON.parse(text.Output)).toMatchObject({ facts: { type: 'late' } });
    const started = JSON.parse((await run(fireAndForget, { caseId: 'c-23' })).output!);
    expect(started).toEqual({ ExecutionArn: expect.stringMatching(/:execution:steps:/), StartDate: expect.any(Number) });
    await service.waitForExecution(started.ExecutionArn, 5_000);
  });

  it('a failed child fails the task with States.TaskFailed (retried, then caught), the child error in the cause', async () => {
    const before = invocations.filter((i) => i.name === 'classify-child').length;
    functions['classify-child'] = () => {
      throw new NamedError('OrderPlatformError', 'platform down');
    };
    const result = await run(sync2, { caseId: 'c-24' });
    expect(result.status).toBe('SUCCEEDED');
    const { error } = JSON.parse(result.output!);
    expect(error.Error).toBe('States.TaskFailed');
    expect(JSON.parse(error.Cause)).toMatchObject({ Status: 'FAILED', Error: 'OrderPlatformError', StateMachineArn: express });
    // One retry of the parent task: the child ran twice.
    expect(invocations.filter((i) => i.name === 'classify-child').length - before).toBe(2);
  });

  it('stopping the parent stops its running child', async () => {
    const executionArn = await start(waitsOnSlow, { caseId: 'c-25' });
    await expect.poll(async () => (await sfn.send(new ListExecutionsCommand({ stateMachineArn: slow, statusFilter: 'RUNNING' }))).executions!.length).toBe(1);
    await sfn.send(new StopExecutionCommand({ executionArn }));
    expect((await finished(executionArn)).status).toBe('ABORTED');
    await expect.poll(async () => (await sfn.send(new ListExecutionsCommand({ stateMachineArn: slow, statusFilter: 'ABORTED' }))).executions!.length).toBe(1);
  });

  it('an Express machine refuses task-token and .sync tasks, and runs five minutes at most', () => {
    const token = { StartAt: 'Wait', States: { Wait: { ...waitForTokenTask('ask-ops'), End: true } } };
    expect(() => addMachine('express-token', token, { type: 'EXPRESS' })).toThrow(/Express.*"Wait".*waitForTaskToken/);
    const nested = { StartAt: 'Child', States: { Child: { ...startChild(express, '.sync:2'), End: true } } };
    expect(() => addMachine('express-sync', nested, { type: 'EXPRESS' })).toThrow(/Express.*"Child".*startExecution\.sync:2/);
  });
});

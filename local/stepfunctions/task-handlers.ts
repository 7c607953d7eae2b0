import type { DescribeExecutionOutput } from '@aws-sdk/client-sfn';
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MAX_TIMER_SECONDS, type TaskSpec } from './definition.js';
import { executionStopped, stateError } from './errors.js';
import type { ExecutionHistory } from './history.js';
import { isJsonObject, replaceInStrings, stringify, toJsonValue, type JsonObject, type JsonValue } from './json.js';
import type { IssuedTaskToken, TaskTokenRegistry } from './task-tokens.js';

/** What `$$.Task.Token` evaluates to (the library has no tokens); each task attempt swaps in a real one. */
export const TOKEN_PLACEHOLDER = '__LOCAL_SFN_TASK_TOKEN__';

/** The outside systems a task reaches. invokeFunction rejects with an Error whose `name` is Lambda's errorType. */
/** FIFO queue parameters of sqs:sendMessage, passed through as AWS would. */
export interface SqsMessageOptions {
  messageGroupId?: string;
  messageDeduplicationId?: string;
}

export interface TaskServices {
  invokeFunction(functionArn: string, payload: unknown): Promise<unknown>;
  sendSqsMessage(queueUrl: string, messageBody: string, options?: SqsMessageOptions): Promise<{ MessageId: string }>;
  /** Executions of the machines of the same local service (states:startExecution); the service provides them. */
  executions?: ChildExecutions;
}

/** What a states:startExecution task needs of the service. `start` throws a StepFunctionsError as the API would. */
export interface ChildExecutions {
  start(request: { stateMachineArn: string; name?: string; input: string }): { executionArn: string; startDate?: Date };
  /** Settles with the final description once the execution has ended. */
  ended(executionArn: string): Promise<DescribeExecutionOutput>;
  stop(executionArn: string, error?: string, cause?: string): void;
}

export interface TaskEnvironment {
  services: TaskServices;
  tokens: TaskTokenRegistry;
  region: string;
  account: string;
}

/** The execution a handler runs in. */
export interface TaskRun {
  executionArn: string;
  stopped(): boolean;
  /** Called once if the execution is stopped (a running child execution is stopped with it, as AWS does for .sync). */
  onStop(listener: () => void): () => void;
  history: ExecutionHistory;
}

type LocalHandler = (input: JsonValue) => Promise<JsonValue>;
interface Attempt {
  token?: string;
  timedOut: boolean;
}

const never = (): Promise<JsonValue> => new Promise<JsonValue>(() => {});
const isPositiveInteger = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1;

/** The aws-local-stepfunctions local handler of one Task state, for one execution. */
export function createTaskHandler(spec: TaskSpec, env: TaskEnvironment, run: TaskRun): LocalHandler {
  return (input) => {
    const wrapper: JsonObject = spec.wrapped && isJsonObject(input) ? input : {};
    // The library reads the timeout from this same object right after calling us: clamp it to what a timer can hold.
    if (typeof wrapper.t === 'number' && wrapper.t > MAX_TIMER_SECONDS) wrapper.t = MAX_TIMER_SECONDS;
    const params = spec.wrapped ? (wrapper.p ?? null) : input;
    const timeoutSeconds = spec.timeoutSeconds ?? wrapper.t;
    const heartbeatSeconds = typeof wrapper.h === 'number' ? wrapper.h : spec.heartbeatSeconds;
    // A bad TimeoutSecondsPath value: the library throws States.Runtime right after calling us and drops this promise.
    if (!isPositiveInteger(timeoutSeconds)) return never();
    const attempt: Attempt = { timedOut: false };
    // Scheduled before the library's own timeout timer, with the same delay, so it fires just before the state
    // fails with States.Timeout: from then on the token is unknown and SendTaskSuccess gets TaskTimedOut, as in AWS.
    const deadline = spec.waitForToken
      ? setTimeout(() => {
          attempt.timedOut = true;
          if (attempt.token) env.tokens.expire(attempt.token);
        }, timeoutSeconds * 1000)
      : undefined;
    return runAttempt(spec, env, run, attempt, params, { timeoutSeconds, heartbeatSeconds }).finally(() => clearTimeout(deadline));
  };
}

async function runAttempt(
  spec: TaskSpec,
  env: TaskEnvironment,
  run: TaskRun,
  attempt: Attempt,
  params: JsonValue,
  limits: { timeoutSeconds: number; heartbeatSeconds?: number },
): Promise<JsonValue> {
  // The history reads the library's event log a few microtasks late; yield once so StateEntered is recorded first.
  await nextTurn();
  if (run.stopped()) throw executionStopped();
  if (attempt.timedOut) return never();
  const issued = spec.waitForToken ? env.tokens.issue(run.executionArn, spec.stateName) : undefined;
  attempt.token = issued?.token;
  const request = issued ? replaceInStrings(params, TOKEN_PLACEHOLDER, issued.token) : params;
  recordScheduled(spec, run.history, request, env.region, limits);
  let response: JsonValue;
  try {
    response = spec.kind === 'sfn-start' ? await startExecution(spec, env, run, request) : await callResource(spec, env, request);
  } catch (error) {
    if (issued) env.tokens.expire(issued.token);
    throw error;
  }
  if (!issued) return recordSucceeded(spec, run.history, response);
  run.history.add('TaskSubmitted', { taskSubmittedEventDetails: { resourceType: spec.resourceType, resource: spec.resource, output: stringify(response) } });
  const output = toJsonValue(await awaitToken(env.tokens, issued, limits.heartbeatSeconds));
  return recordSucceeded(spec, run.history, output);
}

async function callResource(spec: TaskSpec, env: TaskEnvironment, request: JsonValue): Promise<JsonValue> {
  if (spec.kind === 'lambda-function') return invoke(env, spec.resourceArn, request);
  const params = isJsonObject(request) ? request : {};
  if (spec.kind === 'lambda-invoke') {
    const name = params.FunctionName;
    if (typeof name !== 'string') throw badParameters(spec, 'FunctionName');
    const arn = name.startsWith('arn:') ? name : `arn:aws:lambda:${env.region}:${env.account}:function:${name}`;
    // CDK's lambda:invoke without payloadResponseOnly: the function result sits in Payload.
    return { ExecutedVersion: '$LATEST', Payload: await invoke(env, arn, params.Payload ?? {}), StatusCode: 200 };
  }
  const { QueueUrl: queueUrl, MessageBody: body } = params;
  if (typeof queueUrl !== 'string' || body === undefined) throw badParameters(spec, 'QueueUrl and MessageBody');
  // AWS serializes a JSON MessageBody to its text.
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  try {
    const options: SqsMessageOptions = {
      ...(typeof params.MessageGroupId === 'string' ? { messageGroupId: params.MessageGroupId } : {}),
      ...(typeof params.MessageDeduplicationId === 'string' ? { messageDeduplicationId: params.MessageDeduplicationId } : {}),
    };
    const { MessageId } = await env.services.sendSqsMessage(queueUrl, text, options);
    return { MessageId, MD5OfMessageBody: createHash('md5').update(text).digest('hex') };
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    throw stateError(`SQS.${name}`, message);
  }
}

/**
 * states:startExecution: the child runs in the same local service. Without `.sync` the answer is the start's;
 * `.sync` waits for the end and answers with the description (`.sync:2`: Input and Output parsed as JSON); a child
 * that does not succeed fails the task with States.TaskFailed, its description (with Error and Cause) as the cause.
 */
async function startExecution(spec: TaskSpec, env: TaskEnvironment, run: TaskRun, request: JsonValue): Promise<JsonValue> {
  const params = isJsonObject(request) ? request : {};
  const { StateMachineArn: stateMachineArn, Input: input, Name: name } = params;
  if (typeof stateMachineArn !== 'string') throw badParameters(spec, 'StateMachineArn');
  const executions = env.services.executions;
  if (!executions) throw stateError('States.Runtime', 'states:startExecution needs a local Step Functions service', { retryable: false });
  let started: { executionArn: string; startDate?: Date };
  try {
    const text = typeof input === 'string' ? input : JSON.stringify(input ?? {});
    started = executions.start({ stateMachineArn, input: text, ...(typeof name === 'string' ? { name } : {}) });
  } catch (error) {
    const { name: code, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    throw stateError(`StepFunctions.${code.endsWith('Exception') ? code : `${code}Exception`}`, message);
  }
  if (!spec.sync) return { ExecutionArn: started.executionArn, StartDate: started.startDate?.getTime() ?? Date.now() };
  const unsubscribe = run.onStop(() => executions.stop(started.executionArn, 'States.Aborted', 'The parent execution was stopped'));
  const ended = await executions.ended(started.executionArn).finally(unsubscribe);
  const parse = (text: string | undefined): JsonValue => (text === undefined ? null : spec.sync === 'sync:2' ? (JSON.parse(text) as JsonValue) : text);
  const description: JsonObject = {
    ExecutionArn: ended.executionArn ?? started.executionArn,
    Input: parse(ended.input),
    InputDetails: { Included: true },
    Name: ended.name ?? '',
    StartDate: ended.startDate?.getTime() ?? null,
    StateMachineArn: stateMachineArn,
    Status: ended.status ?? 'FAILED',
    StopDate: ended.stopDate?.getTime() ?? null,
  };
  if (ended.status === 'SUCCEEDED') return { ...description, Output: parse(ended.output), OutputDetails: { Included: true } };
  throw stateError('States.TaskFailed', JSON.stringify({ ...description, Error: ended.error ?? null, Cause: ended.cause ?? null }));
}

/** A function error fails the state with Error = errorType and Cause = {"errorType","errorMessage"}, as Lambda reports. */
async function invoke(env: TaskEnvironment, functionArn: string, payload: JsonValue): Promise<JsonValue> {
  try {
    return toJsonValue(await env.services.invokeFunction(functionArn, payload));
  } catch (error) {
    const errorType = error instanceof Error ? error.name : 'Error';
    const errorMessage = error instanceof Error ? error.message : String(error);
    // Service-side failures (Lambda.ServiceException, Lambda.TooManyRequestsException...) carry plain text.
    const cause = errorType.startsWith('Lambda.') ? errorMessage : JSON.stringify({ errorType, errorMessage });
    throw stateError(errorType, cause);
  }
}

function awaitToken(tokens: TaskTokenRegistry, issued: IssuedTaskToken, heartbeatSeconds?: number): Promise<unknown> {
  if (!heartbeatSeconds) return issued.promise;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        tokens.expire(issued.token);
        reject(stateError('States.HeartbeatTimeout', 'No heartbeat within HeartbeatSeconds'));
      }, heartbeatSeconds * 1000);
    };
    arm();
    tokens.onHeartbeat(issued.token, arm);
    issued.promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

function badParameters(spec: TaskSpec, what: string): Error {
  return stateError('States.Runtime', `Task state "${spec.stateName}" (${spec.resourceArn}) needs ${what} in its Parameters`, {
    retryable: false,
    catchable: false,
  });
}

function recordScheduled(spec: TaskSpec, history: ExecutionHistory, request: JsonValue, region: string, limits: { timeoutSeconds: number; heartbeatSeconds?: number }): void {
  if (spec.kind === 'lambda-function') {
    history.add('LambdaFunctionScheduled', {
      lambdaFunctionScheduledEventDetails: { resource: spec.resourceArn, input: stringify(request), inputDetails: { truncated: false }, timeoutInSeconds: limits.timeoutSeconds },
    });
    history.add('LambdaFunctionStarted');
    return;
  }
  const task = { resourceType: spec.resourceType, resource: spec.resource };
  history.add('TaskScheduled', {
    taskScheduledEventDetails: { ...task, region, parameters: stringify(request), timeoutInSeconds: limits.timeoutSeconds, heartbeatInSeconds: limits.heartbeatSeconds },
  });
  history.add('TaskStarted', { taskStartedEventDetails: task });
}

function recordSucceeded(spec: TaskSpec, history: ExecutionHistory, output: JsonValue): JsonValue {
  const details = { output: stringify(output), outputDetails: { truncated: false } };
  if (spec.kind === 'lambda-function') history.add('LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: details });
  else history.add('TaskSucceeded', { taskSucceededEventDetails: { resourceType: spec.resourceType, resource: spec.resource, ...details } });
  return output;
}

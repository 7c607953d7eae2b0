import './polyfill.js';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine, type RunOptions } from 'aws-local-stepfunctions';
import { prepareDefinition, type PreparedDefinition } from './definition.js';
import { executionStopped } from './errors.js';
import { ExecutionHistory } from './history.js';
import { stringify, type JsonValue } from './json.js';
import { createTaskHandler, TOKEN_PLACEHOLDER, type TaskEnvironment, type TaskRun, type TaskServices } from './task-handlers.js';
import { TaskTokenRegistry } from './task-tokens.js';

export interface LocalStateMachineOptions {
  /** ASL in JSONPath, already resolved to plain JSON (no CloudFormation intrinsics). */
  definition: object;
  /** arn:aws:states:<region>:<account>:stateMachine:<name> */
  stateMachineArn: string;
  services: TaskServices;
  /** Replaces every Retry pause (ms), for fast local runs. */
  retryIntervalMs?: number;
  /** Wait state name → pause in ms, instead of its Seconds/Timestamp. */
  waitOverridesMs?: Record<string, number>;
  roleArn?: string;
  /** Share one registry between machines so one SendTaskSuccess endpoint serves them all. */
  taskTokens?: TaskTokenRegistry;
  /** EXPRESS: no task-token or .sync tasks (AWS refuses them), and at most 5 minutes per execution. */
  type?: StateMachineType;
}

export type StateMachineType = 'STANDARD' | 'EXPRESS';
/** An Express execution runs at most five minutes. */
export const EXPRESS_MAX_SECONDS = 300;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionOutcome {
  status: Exclude<ExecutionStatus, 'RUNNING'>;
  output?: string;
  error?: string;
  cause?: string;
}

export interface ExecutionRun {
  /** Filled while the execution runs; complete once `outcome` settles. */
  history: ExecutionHistory;
  /** Never rejects: failures are outcomes. */
  outcome: Promise<ExecutionOutcome>;
  stop(error?: string, cause?: string): void;
}

const STATE_MACHINE_ARN = /^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):stateMachine:([A-Za-z0-9_-]{1,80})$/;

/** One state machine definition, built once (the library's validation costs ~70 ms), run many times. */
export class LocalStateMachine {
  readonly stateMachineArn: string;
  readonly partition: string;
  readonly name: string;
  readonly region: string;
  readonly account: string;
  readonly roleArn: string;
  readonly definition: object;
  readonly taskTokens: TaskTokenRegistry;
  readonly creationDate = new Date();
  readonly type: StateMachineType;
  private readonly prepared: PreparedDefinition;
  private readonly machine: StateMachine;
  private readonly runOverrides: NonNullable<RunOptions['overrides']>;
  private readonly services: TaskServices;

  constructor(options: LocalStateMachineOptions) {
    const arn = STATE_MACHINE_ARN.exec(options.stateMachineArn);
    if (!arn) throw new Error(`Not a state machine ARN: ${options.stateMachineArn}`);
    [, this.partition, this.region, this.account, this.name] = arn as unknown as [string, string, string, string, string];
    this.stateMachineArn = options.stateMachineArn;
    this.roleArn = options.roleArn ?? `arn:${this.partition}:iam::${this.account}:role/${this.name}-role`;
    this.definition = options.definition;
    this.services = options.services;
    this.taskTokens = options.taskTokens ?? new TaskTokenRegistry();
    this.type = options.type ?? 'STANDARD';
    this.prepared = prepareDefinition(options.definition);
    if (this.type === 'EXPRESS') limitExpress(this.prepared, this.name);
    this.machine = new StateMachine(this.prepared.definition);
    const retryMs = options.retryIntervalMs;
    this.runOverrides = {
      waitTimeOverrides: options.waitOverridesMs,
      retryIntervalOverrides: retryMs === undefined ? undefined : Object.fromEntries(this.prepared.retryingStates.map((name) => [name, retryMs])),
    };
  }

  executionArn(executionName: string): string {
    return `arn:${this.partition}:states:${this.region}:${this.account}:execution:${this.name}:${executionName}`;
  }

  start(input: JsonValue, execution: { executionArn: string; name: string }): ExecutionRun {
    const { executionArn, name } = execution;
    const history = new ExecutionHistory(this.prepared.tasks, this.roleArn);
    let stopRequest: { error?: string; cause?: string } | undefined;
    const stopListeners = new Set<() => void>();
    const onStop = (listener: () => void) => (stopListeners.add(listener), () => void stopListeners.delete(listener));
    const run: TaskRun = { executionArn, history, stopped: () => stopRequest !== undefined, onStop };
    const env: TaskEnvironment = { services: this.services, tokens: this.taskTokens, region: this.region, account: this.account };
    const handlers = Object.fromEntries([...this.prepared.tasks.values()].map((spec) => [spec.stateName, createTaskHandler(spec, env, run)]));
    const running = this.machine.run(input, {
      overrides: { ...this.runOverrides, taskResourceLocalHandlers: handlers },
      // The library keeps this object as $$ for the whole run: no per-task token, hence the placeholder.
      context: {
        Execution: { Id: executionArn, Name: name, RoleArn: this.roleArn },
        StateMachine: { Id: this.stateMachineArn, Name: this.name },
        Task: { Token: TOKEN_PLACEHOLDER },
      },
    });
    const recorded = (async () => {
      for await (const event of running.eventLogs) history.addLibraryEvent(event);
    })();
    const outcome = running.result
      .then(
        (output): ExecutionOutcome => ({ status: 'SUCCEEDED', output: stringify(output) }),
        (error: unknown) => toOutcome(error, stopRequest),
      )
      .then(async (result) => {
        await recorded;
        if (result.status === 'ABORTED') history.add('ExecutionAborted', { executionAbortedEventDetails: { error: result.error, cause: result.cause } });
        // Tasks still waiting (a stop, a failed sibling branch) end now, and their tokens become unknown.
        this.taskTokens.cancelExecution(executionArn, executionStopped());
        return result;
      });
    const stop = (error?: string, cause?: string): void => {
      if (stopRequest) return;
      stopRequest = { error, cause };
      running.abort();
      for (const listener of stopListeners) listener();
    };
    return { history, outcome, stop };
  }
}

function limitExpress(prepared: PreparedDefinition, name: string): void {
  for (const task of prepared.tasks.values()) {
    if (task.waitForToken || task.sync)
      throw new Error(`Express state machine ${name}: task state "${task.stateName}" uses ${task.resource}, which Express workflows do not support`);
  }
  const machine = prepared.definition as { TimeoutSeconds?: number };
  machine.TimeoutSeconds = Math.min(machine.TimeoutSeconds ?? EXPRESS_MAX_SECONDS, EXPRESS_MAX_SECONDS);
}

function toOutcome(error: unknown, stopRequest: { error?: string; cause?: string } | undefined): ExecutionOutcome {
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED', ...stopRequest };
  if (error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out (TimeoutSeconds)' };
  // ExecutionError wraps the state's error: its name is what Retry/Catch saw.
  const failure = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
  if (failure instanceof Error) return { status: 'FAILED', error: failure.name, cause: failure.message };
  return { status: 'FAILED', error: 'States.Runtime', cause: String(failure) };
}

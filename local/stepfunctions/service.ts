import { randomUUID } from 'node:crypto';
import type {
  DescribeExecutionInput,
  DescribeExecutionOutput,
  DescribeStateMachineInput,
  DescribeStateMachineOutput,
  ExecutionListItem,
  GetExecutionHistoryInput,
  GetExecutionHistoryOutput,
  ListExecutionsInput,
  ListExecutionsOutput,
  ListStateMachinesInput,
  ListStateMachinesOutput,
  SendTaskFailureInput,
  SendTaskHeartbeatInput,
  SendTaskSuccessInput,
  StartExecutionInput,
  StartExecutionOutput,
  StopExecutionInput,
  StopExecutionOutput,
} from '@aws-sdk/client-sfn';
import type { ChildExecutions } from './task-handlers.js';
import { LocalStateMachine, type ExecutionOutcome, type ExecutionRun, type ExecutionStatus, type LocalStateMachineOptions } from './engine.js';
import { StepFunctionsError } from './errors.js';
import type { JsonValue } from './json.js';
import { TaskTokenRegistry } from './task-tokens.js';

interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  run: ExecutionRun;
  /** Settles once the execution has ended and its history is complete. */
  ended: Promise<DescribeExecutionOutput>;
}

export type ExecutionEndListener = (execution: DescribeExecutionOutput) => void;

// AWS execution names: 1-80 chars, no whitespace, brackets, wildcards, special or control characters.
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;
const PAGE_SIZE = 100;

/** Step Functions (Standard) API semantics over local state machines: what the wire server calls. */
export class LocalStepFunctionsService {
  readonly taskTokens = new TaskTokenRegistry();
  private readonly machines = new Map<string, LocalStateMachine>();
  private readonly machineOptions = new Map<string, Omit<LocalStateMachineOptions, 'taskTokens'>>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly endListeners = new Set<ExecutionEndListener>();

  /** The machine's states:startExecution tasks start executions of this service's machines. */
  addStateMachine(options: Omit<LocalStateMachineOptions, 'taskTokens'>): LocalStateMachine {
    const executions: ChildExecutions = {
      start: (request) => {
        const started = this.startExecution(request);
        return { executionArn: started.executionArn!, startDate: started.startDate };
      },
      ended: (executionArn) => this.waitForExecution(executionArn),
      stop: (executionArn, error, cause) => void this.stopExecution({ executionArn, error, cause }),
    };
    const machine = new LocalStateMachine({ ...options, services: { executions, ...options.services }, taskTokens: this.taskTokens });
    this.machines.set(machine.stateMachineArn, machine);
    this.machineOptions.set(machine.stateMachineArn, options);
    return machine;
  }

  /**
   * UpdateStateMachine (a deploy): executions started from now on run `definition`; those running finish on the
   * definition they started with, as in AWS.
   */
  updateStateMachine({ stateMachineArn, definition }: { stateMachineArn: string; definition: object }): LocalStateMachine {
    this.machine(stateMachineArn);
    return this.addStateMachine({ ...this.machineOptions.get(stateMachineArn)!, definition });
  }

  /** Same name and input while RUNNING → the original execution (AWS Standard idempotency); same name otherwise → ExecutionAlreadyExists. */
  startExecution({ stateMachineArn, name = randomUUID(), input = '{}' }: StartExecutionInput): StartExecutionOutput {
    const machine = this.machine(stateMachineArn);
    if (!EXECUTION_NAME.test(name)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
    const executionArn = machine.executionArn(name);
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return { executionArn, startDate: existing.startDate };
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    let parsed: JsonValue;
    try {
      parsed = JSON.parse(input) as JsonValue;
    } catch {
      throw new StepFunctionsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
    }
    const run = machine.start(parsed, { executionArn, name });
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.stateMachineArn,
      name,
      input,
      status: 'RUNNING',
      startDate: new Date(),
      run,
      ended: run.outcome.then((outcome) => this.finish(record, outcome)),
    };
    this.executions.set(executionArn, record);
    return { executionArn, startDate: record.startDate };
  }

  describeExecution({ executionArn }: DescribeExecutionInput): DescribeExecutionOutput {
    return this.describe(this.execution(executionArn));
  }

  listExecutions({ stateMachineArn, statusFilter, maxResults, nextToken }: ListExecutionsInput): ListExecutionsOutput {
    const machine = this.machine(stateMachineArn);
    const matching = [...this.executions.values()]
      .filter((e) => e.stateMachineArn === machine.stateMachineArn && (!statusFilter || e.status === statusFilter))
      .reverse() // newest first, as AWS lists them
      .map(
        ({ executionArn, stateMachineArn: arn, name, status, startDate, stopDate }): ExecutionListItem => ({
          executionArn,
          stateMachineArn: arn,
          name,
          status,
          startDate,
          stopDate,
        }),
      );
    const page = paginate(matching, maxResults, nextToken);
    return { executions: page.items, nextToken: page.nextToken };
  }

  /** Aborts at once (status ABORTED); waiting tasks end and their tokens become unknown. */
  stopExecution({ executionArn, error, cause }: StopExecutionInput): StopExecutionOutput {
    const record = this.execution(executionArn);
    if (record.status === 'RUNNING') {
      Object.assign(record, { status: 'ABORTED', stopDate: new Date(), error, cause });
      record.run.stop(error, cause);
    }
    return { stopDate: record.stopDate };
  }

  getExecutionHistory({ executionArn, maxResults, nextToken, reverseOrder }: GetExecutionHistoryInput): GetExecutionHistoryOutput {
    const events = [...this.execution(executionArn).run.history.events];
    const page = paginate(reverseOrder ? events.reverse() : events, maxResults, nextToken);
    return { events: page.items, nextToken: page.nextToken };
  }

  sendTaskSuccess({ taskToken, output }: SendTaskSuccessInput): Record<string, never> {
    this.taskTokens.succeed(taskToken ?? '', output ?? '');
    return {};
  }

  sendTaskFailure({ taskToken, error, cause }: SendTaskFailureInput): Record<string, never> {
    this.taskTokens.fail(taskToken ?? '', error, cause);
    return {};
  }

  sendTaskHeartbeat({ taskToken }: SendTaskHeartbeatInput): Record<string, never> {
    this.taskTokens.heartbeat(taskToken ?? '');
    return {};
  }

  describeStateMachine({ stateMachineArn }: DescribeStateMachineInput): DescribeStateMachineOutput {
    const machine = this.machine(stateMachineArn);
    return {
      stateMachineArn: machine.stateMachineArn,
      name: machine.name,
      status: 'ACTIVE',
      definition: JSON.stringify(machine.definition),
      roleArn: machine.roleArn,
      type: machine.type,
      creationDate: machine.creationDate,
    };
  }

  listStateMachines({ maxResults, nextToken }: ListStateMachinesInput = {}): ListStateMachinesOutput {
    const all = [...this.machines.values()].map((m) => ({ stateMachineArn: m.stateMachineArn, name: m.name, type: m.type, creationDate: m.creationDate }));
    const page = paginate(all, maxResults, nextToken);
    return { stateMachines: page.items, nextToken: page.nextToken };
  }

  /** Called with the final description of every execution that ends; returns an unsubscribe function. */
  onExecutionEnd(listener: ExecutionEndListener): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /** Resolves with the final description once the execution has ended (history complete). */
  async waitForExecution(executionArn: string, timeoutMs?: number): Promise<DescribeExecutionOutput> {
    const { ended } = this.execution(executionArn);
    if (timeoutMs === undefined) return ended;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Execution still running after ${timeoutMs} ms: ${executionArn}`)), timeoutMs);
    });
    return Promise.race([ended, timeout]).finally(() => clearTimeout(timer));
  }

  private finish(record: ExecutionRecord, outcome: ExecutionOutcome): DescribeExecutionOutput {
    if (record.status === 'RUNNING') Object.assign(record, outcome); // a stop already recorded ABORTED
    record.stopDate ??= new Date();
    const described = this.describe(record);
    for (const listener of this.endListeners) {
      try {
        listener(described);
      } catch (error) {
        console.error('onExecutionEnd listener failed', error);
      }
    }
    return described;
  }

  private machine(stateMachineArn: string | undefined): LocalStateMachine {
    const machine = this.machines.get(stateMachineArn ?? '');
    if (!machine) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    return machine;
  }

  private execution(executionArn: string | undefined): ExecutionRecord {
    if (!EXECUTION_ARN.test(executionArn ?? '')) throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${executionArn}'`);
    const record = this.executions.get(executionArn!);
    if (!record) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  private describe(record: ExecutionRecord): DescribeExecutionOutput {
    const { executionArn, stateMachineArn, name, status, startDate, stopDate, input, output, error, cause } = record;
    return {
      executionArn,
      stateMachineArn,
      name,
      status,
      startDate,
      stopDate,
      input,
      inputDetails: { included: true },
      ...(output === undefined ? {} : { output, outputDetails: { included: true } }),
      error,
      cause,
    };
  }
}

/** nextToken is the offset of the next page. */
function paginate<T>(items: T[], maxResults: number | undefined, nextToken: string | undefined): { items: T[]; nextToken?: string } {
  const start = nextToken ? Number.parseInt(nextToken, 10) || 0 : 0;
  const end = start + (maxResults || PAGE_SIZE);
  return { items: items.slice(start, end), nextToken: end < items.length ? String(end) : undefined };
}

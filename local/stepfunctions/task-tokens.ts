import { randomBytes } from 'node:crypto';
import { StepFunctionsError, stateError } from './errors.js';

export interface IssuedTaskToken {
  token: string;
  /** Resolves with the SendTaskSuccess output; rejects with the SendTaskFailure error (name = Error, message = Cause). */
  promise: Promise<unknown>;
}

export interface PendingTaskToken {
  token: string;
  executionArn: string;
  stateName: string;
}

interface Entry extends PendingTaskToken {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onHeartbeat?: () => void;
}

// Looks like an AWS token (they start with "AQ"); anything else is malformed → InvalidToken, as AWS answers.
const TOKEN_PATTERN = /^AQ[A-Za-z0-9_-]{32,}$/;

/**
 * Task tokens of waitForTaskToken states. A token is live from issue() until it is succeeded, failed, expired or
 * cancelled; afterwards it is forgotten, and using it again gets TaskTimedOut, as AWS answers for a finished task.
 */
export class TaskTokenRegistry {
  private readonly entries = new Map<string, Entry>();

  issue(executionArn: string, stateName: string): IssuedTaskToken {
    const token = `AQ${randomBytes(48).toString('base64url')}`;
    let resolve!: (value: unknown) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // succeed()/fail() may come before anyone awaits (a Lambda resuming its own task before returning):
    // mark the promise handled so Node does not report an early rejection; awaiting callers still get it.
    promise.catch(() => {});
    this.entries.set(token, { token, executionArn, stateName, resolve, reject });
    return { token, promise };
  }

  succeed(token: string, outputJson: string): void {
    const entry = this.live(token);
    let output: unknown;
    try {
      output = JSON.parse(outputJson);
    } catch {
      throw new StepFunctionsError('InvalidOutput', 'Invalid State Machine Execution output: not valid JSON');
    }
    this.entries.delete(token);
    entry.resolve(output);
  }

  /** Without an error name the task fails as States.TaskFailed (matched by States.TaskFailed and States.ALL). */
  fail(token: string, error?: string, cause?: string): void {
    const entry = this.live(token);
    this.entries.delete(token);
    entry.reject(stateError(error || 'States.TaskFailed', cause ?? ''));
  }

  heartbeat(token: string): void {
    this.live(token).onHeartbeat?.();
  }

  /** Called on every heartbeat of a live token (used to re-arm a HeartbeatSeconds timer). */
  onHeartbeat(token: string, listener: () => void): void {
    const entry = this.entries.get(token);
    if (entry) entry.onHeartbeat = listener;
  }

  /** Forgets a token whose task already ended some other way (timed out); its promise never settles. */
  expire(token: string): void {
    this.entries.delete(token);
  }

  /** Rejects and forgets every live token of an execution (it ended or was stopped), so its waiting tasks end. */
  cancelExecution(executionArn: string, reason: Error): void {
    for (const entry of [...this.entries.values()]) {
      if (entry.executionArn !== executionArn) continue;
      this.entries.delete(entry.token);
      entry.reject(reason);
    }
  }

  pending(executionArn?: string): PendingTaskToken[] {
    return [...this.entries.values()]
      .filter((e) => executionArn === undefined || e.executionArn === executionArn)
      .map(({ token, executionArn: arn, stateName }) => ({ token, executionArn: arn, stateName }));
  }

  private live(token: string): Entry {
    if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) {
      throw new StepFunctionsError('InvalidToken', 'Invalid Token: malformed task token');
    }
    const entry = this.entries.get(token);
    if (!entry) throw new StepFunctionsError('TaskTimedOut', 'Task Timed Out: Provided task does not exist anymore');
    return entry;
  }
}

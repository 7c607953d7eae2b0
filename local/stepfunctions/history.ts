import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import type { StateMachine } from 'aws-local-stepfunctions';
import type { TaskSpec } from './definition.js';
import { stringify } from './json.js';

/** One event of the library's event log (its type is not exported by name). */
export type LibraryEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

const NOT_TRUNCATED = { truncated: false };

function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return stringify(cause);
}

/**
 * An execution's history in the GetExecutionHistory shape: the library's state/execution events mapped to AWS
 * event types, plus the task events (TaskScheduled, TaskSucceeded...) that the local task handlers add.
 */
export class ExecutionHistory {
  readonly events: HistoryEvent[] = [];

  constructor(
    private readonly tasks: Map<string, TaskSpec>,
    private readonly roleArn: string,
  ) {}

  add(type: HistoryEventType, details: Omit<HistoryEvent, 'id' | 'type' | 'timestamp'> = {}, timestamp = new Date()): void {
    const id = this.events.length + 1;
    this.events.push({ ...details, id, previousEventId: id - 1, type, timestamp });
  }

  addLibraryEvent(event: LibraryEvent): void {
    const at = new Date(event.timestamp);
    switch (event.type) {
      case 'ExecutionStarted':
        return this.add('ExecutionStarted', { executionStartedEventDetails: { input: stringify(event.input), inputDetails: NOT_TRUNCATED, roleArn: this.roleArn } }, at);
      case 'ExecutionSucceeded':
        return this.add('ExecutionSucceeded', { executionSucceededEventDetails: { output: stringify(event.output), outputDetails: NOT_TRUNCATED } }, at);
      case 'ExecutionFailed':
        return this.add('ExecutionFailed', { executionFailedEventDetails: { error: event.Error, cause: causeText(event.Cause) } }, at);
      case 'ExecutionTimeout':
        return this.add('ExecutionTimedOut', { executionTimedOutEventDetails: { error: 'States.Timeout' } }, at);
      case 'StateEntered':
        return this.add(
          `${event.state.type}StateEntered` as HistoryEventType,
          { stateEnteredEventDetails: { name: event.state.name, input: stringify(event.state.input), inputDetails: NOT_TRUNCATED } },
          at,
        );
      case 'StateExited':
        return this.add(
          `${event.state.type}StateExited` as HistoryEventType,
          { stateExitedEventDetails: { name: event.state.name, output: stringify(event.state.output), outputDetails: NOT_TRUNCATED } },
          at,
        );
      case 'StateFailed':
        return this.addStateFailed(event.state.name, event.state.type, event.Error, causeText(event.Cause), at);
      case 'MapIterationStarted':
        return this.add('MapIterationStarted', { mapIterationStartedEventDetails: { name: event.parentState.name, index: event.index } }, at);
      case 'MapIterationSucceeded':
        return this.add('MapIterationSucceeded', { mapIterationSucceededEventDetails: { name: event.parentState.name, index: event.index } }, at);
      case 'MapIterationFailed':
        return this.add('MapIterationFailed', { mapIterationFailedEventDetails: { name: event.parentState.name, index: event.index } }, at);
      default:
        // ExecutionAborted is recorded by the engine (it knows the stop's error/cause); retries, catches and
        // parallel branch events have no AWS counterpart.
        return;
    }
  }

  private addStateFailed(stateName: string, stateType: string, error: string, cause: string, at: Date): void {
    if (stateType === 'Map' || stateType === 'Parallel') {
      return this.add(`${stateType}StateFailed` as HistoryEventType, {}, at);
    }
    const task = this.tasks.get(stateName);
    // States.Runtime in a task comes from input/path processing: AWS reports it as ExecutionFailed only.
    if (stateType !== 'Task' || !task || error === 'States.Runtime') return;
    const timedOut = error === 'States.Timeout';
    if (task.kind === 'lambda-function') {
      return timedOut
        ? this.add('LambdaFunctionTimedOut', { lambdaFunctionTimedOutEventDetails: { error, cause } }, at)
        : this.add('LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error, cause } }, at);
    }
    const details = { resourceType: task.resourceType, resource: task.resource, error, cause };
    return timedOut ? this.add('TaskTimedOut', { taskTimedOutEventDetails: details }, at) : this.add('TaskFailed', { taskFailedEventDetails: details }, at);
  }
}

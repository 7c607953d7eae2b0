export { startSfnApiServer, type SfnApiServer } from './api-server.js';
export { LocalStateMachine, type ExecutionOutcome, type ExecutionRun, type ExecutionStatus, type LocalStateMachineOptions } from './engine.js';
export { StepFunctionsError } from './errors.js';
export { LocalStepFunctionsService, type ExecutionEndListener } from './service.js';
export type { TaskServices } from './task-handlers.js';
export { TaskTokenRegistry, type IssuedTaskToken, type PendingTaskToken } from './task-tokens.js';

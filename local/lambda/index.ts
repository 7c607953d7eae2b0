export { LocalLambdaRuntime, type LambdaInvoker, type InvocationRecord, type LocalLambdaRuntimeOptions } from './runtime.js';

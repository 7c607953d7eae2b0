import { FUNCTION_CONFIGS } from '../../functions/config/functions.js';
import { secretArnVariable, variableNames } from '../../functions/config/read.js';
import type { LocalFunction } from '../cfn/types.js';

/**
 * What the local runtime adds to a function's environment from the template, standing in for what AWS gives it.
 * Nothing here reaches a function that would not have the variable (or its secret) in AWS, save the local timings.
 */
export interface LocalValues {
  /**
   * Values for variables the template sets from Secrets Manager, parameters or the API's own URL (WEBHOOK_SECRET,
   * PUBLIC_BASE_URL, OPERATOR_ISSUER…): a function gets one only if its template sets that variable or the secret's
   * `<NAME>_SECRET_ARN`.
   */
  replacing: Record<string, string>;
  /**
   * Local-only settings the stack leaves at their AWS defaults (the short timings, local/config.ts): a function gets
   * one only if its configuration schema (functions/config/functions.ts) reads it.
   */
  settings: Record<string, string>;
}

const schemaVariables = (entry: string | undefined) => new Set(variableNames(FUNCTION_CONFIGS[entry ?? ''] ?? { variables: {} }));

/** One function's own environment: its template's, with the local values that apply to it. */
export function functionEnvironment(fn: Pick<LocalFunction, 'entry' | 'environment'>, local: LocalValues = { replacing: {}, settings: {} }): Record<string, string> {
  const env = { ...fn.environment };
  for (const [name, value] of Object.entries(local.replacing)) {
    if (name in fn.environment || secretArnVariable(name) in fn.environment) env[name] = value;
  }
  const reads = schemaVariables(fn.entry);
  for (const [name, value] of Object.entries(local.settings)) if (reads.has(name)) env[name] = value;
  return env;
}

/** Every variable some function reads or is given: none of them comes from the process's own environment. */
export function functionVariables(functions: Iterable<Pick<LocalFunction, 'environment'>>, local?: LocalValues): Set<string> {
  const names = new Set(Object.values(FUNCTION_CONFIGS).flatMap(variableNames));
  for (const fn of functions) for (const name of Object.keys(fn.environment)) names.add(name);
  for (const name of Object.keys({ ...local?.replacing, ...local?.settings })) names.add(name);
  return names;
}

let importing: Promise<unknown> = Promise.resolve();

/**
 * Imports a function's module (its cold start, where it reads its configuration) with process.env holding the
 * process's own variables (the SDK's endpoints and credentials, PATH…) plus exactly that function's, then puts
 * process.env back. Imports are serialized, so two cold starts never see each other's variables. Invocations running
 * meanwhile share the process and would see the importing function's variables; nothing reads them then, since
 * configuration is read once, at cold start (functions/config/read.ts is the only reader of process.env).
 */
export function importWithEnvironment<T>(url: string, env: Record<string, string>, reserved: Set<string>): Promise<T> {
  const run = importing.then(async () => {
    const saved = { ...process.env };
    for (const name of Object.keys(process.env)) if (reserved.has(name)) delete process.env[name];
    Object.assign(process.env, env);
    try {
      return (await import(url)) as T;
    } finally {
      for (const name of Object.keys(process.env)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
  importing = run.catch(() => undefined);
  return run;
}

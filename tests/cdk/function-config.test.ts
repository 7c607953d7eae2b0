import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_CONFIGS } from '../../functions/config/functions.js';
import { checkEnvironment } from '../../functions/config/read.js';
import { buildApp } from './synth.js';

/**
 * Issue 14, item 1: every function of the synthesized stack has a configuration schema (functions/config/functions.ts),
 * and the environment the stack gives it satisfies that schema, so a variable missing from a function fails here
 * rather than at a deploy. A CloudFormation token (Ref, GetAtt, Join…) counts as present; a literal is parsed.
 */
type LambdaResource = { Type: string; Properties: { Environment?: { Variables?: Record<string, unknown> } }; Metadata?: Record<string, unknown> };
interface StackFunction {
  logicalId: string;
  entry: string;
  environment: Record<string, unknown>;
}

let functions: StackFunction[];
let outdir: string;

beforeAll(() => {
  const built = buildApp({ builtinCloudFormationValidation: false });
  outdir = built.outdir;
  const template = built.app.synth().getStackByName(built.stack.stackName).template as { Resources: Record<string, LambdaResource> };
  functions = Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([logicalId, resource]) => ({
      logicalId,
      entry: String(resource.Metadata?.['aftersales:entry'] ?? ''),
      environment: resource.Properties.Environment?.Variables ?? {},
    }));
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** A CloudFormation intrinsic: its value is known only at deploy time. */
const isToken = (value: unknown) => typeof value === 'object' && value !== null && Object.keys(value).some((key) => key === 'Ref' || key.startsWith('Fn::'));

/** The problems of one function's environment against its schema, each prefixed with the function. */
function problemsOf(fn: StackFunction): string[] {
  const schema = FUNCTION_CONFIGS[fn.entry];
  if (!schema) return [`${fn.logicalId} (${fn.entry || 'no aftersales:entry'}): no configuration schema in functions/config/functions.ts`];
  return checkEnvironment(schema, fn.environment, isToken).map((problem) => `${fn.logicalId}: ${problem}`);
}

describe('every function’s environment satisfies its configuration schema', () => {
  it('the stack has the functions the registry knows, each with a schema', () => {
    expect(functions.length).toBeGreaterThanOrEqual(20);
    expect(functions.filter((fn) => !FUNCTION_CONFIGS[fn.entry]).map((fn) => fn.logicalId)).toEqual([]);
    // And no schema is left for a function the stack no longer has.
    expect(Object.keys(FUNCTION_CONFIGS).filter((entry) => !functions.some((fn) => fn.entry === entry))).toEqual([]);
  });

  it('no function lacks a required variable or has one that does not parse', () => {
    expect(functions.flatMap(problemsOf)).toEqual([]);
  });

  it('the check can fail: removing one variable a function requires is reported, naming the function and the variable', () => {
    const notifier = functions.find((fn) => fn.entry === 'functions/handlers/notifier.ts')!;
    const { NOTICE_FROM_EMAIL: _removed, ...rest } = notifier.environment;
    expect(problemsOf({ ...notifier, environment: rest })).toEqual([`${notifier.logicalId}: NOTICE_FROM_EMAIL is missing: expected a non-empty text`]);

    const ingest = functions.find((fn) => fn.entry === 'functions/handlers/ingest-webhook.ts')!;
    const { WEBHOOK_SECRET_SECRET_ARN: _secret, ...withoutSecret } = ingest.environment;
    expect(problemsOf({ ...ingest, environment: withoutSecret })).toEqual([
      `${ingest.logicalId}: WEBHOOK_SECRET is missing: set WEBHOOK_SECRET or WEBHOOK_SECRET_SECRET_ARN (a Secrets Manager ARN)`,
    ]);
  });

  it('removing any single required variable from any function fails the check', () => {
    const undetected: string[] = [];
    let removals = 0;
    for (const fn of functions) {
      for (const name of Object.keys(fn.environment)) {
        const { [name]: _removed, ...rest } = fn.environment;
        // A variable the schema does not require (an optional one, or Powertools' own) may go; the others must be caught.
        const required = problemsOf({ ...fn, environment: rest }).length > 0;
        if (!required) continue;
        removals += 1;
        if (problemsOf({ ...fn, environment: rest }).every((problem) => !problem.includes(name.replace(/_SECRET_ARN$/, '')))) undetected.push(`${fn.logicalId}.${name}`);
      }
    }
    expect(undetected).toEqual([]);
    // TABLE_NAME alone is required by every function: at least one removal per function is caught.
    expect(removals).toBeGreaterThanOrEqual(functions.length);
  });

  it('a literal is parsed: a number that is not one fails, as it would at the cold start', () => {
    const notifier = functions.find((fn) => fn.entry === 'functions/handlers/notifier.ts')!;
    expect(problemsOf({ ...notifier, environment: { ...notifier.environment, NOTICE_MAX_RECEIVES: 'five' } })).toEqual([
      `${notifier.logicalId}: NOTICE_MAX_RECEIVES is invalid: expected a whole number, 1 or more`,
    ]);
  });

  it('a function without a schema is reported', () => {
    expect(problemsOf({ logicalId: 'Stray', entry: 'functions/handlers/stray.ts', environment: {} })).toEqual([
      'Stray (functions/handlers/stray.ts): no configuration schema in functions/config/functions.ts',
    ]);
  });
});

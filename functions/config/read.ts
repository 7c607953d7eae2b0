/**
 * Typed configuration, read once per cold start from the function's environment (set by the CDK stack in AWS, and by
 * the local runtime from the same synthesized template). Each function has one schema (functions/config/functions.ts)
 * composed of shared pieces (functions/config/pieces.ts); this module is the only reader of process.env under
 * functions/ (the AWS SDK's and Powertools' own variables, AWS_REGION, AWS_ENDPOINT_URL_*, POWERTOOLS_LOG_LEVEL…,
 * stay theirs). A bad or missing variable stops the function at start with one error naming every such variable and
 * what it should hold; a value is never echoed, since some are secrets.
 */

/** What parsing a variable gave: its value, or that the text does not hold what is expected. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

/** One environment variable: how its text is parsed (absent and empty are both `undefined`) and what it should hold. */
export interface Variable<T> {
  readonly kind: 'variable';
  readonly parse: (raw: string | undefined) => Parsed<T>;
  readonly expected: string;
}

/**
 * A secret, given directly (local runtime: `NAME`) or by Secrets Manager ARN (AWS: `NAME_SECRET_ARN`); read per use
 * through functions/wiring/secrets.ts, never kept in the configuration in AWS.
 */
export interface Secret<Required extends boolean = boolean> {
  readonly kind: 'secret';
  readonly required: Required;
}

/** Where a secret's value comes from. `value` is set only locally; in AWS the function holds the ARN, never the value. */
export interface SecretSource {
  readonly name: string;
  readonly value?: string;
  readonly arn?: string;
}

export type Entry = Variable<unknown> | Secret;
export type Shape = Readonly<Record<string, Entry>>;

/** A rule between variables (one of two must be set…), checked on presence only so a CloudFormation token passes. */
export interface Rule {
  readonly holds: (has: (name: string) => boolean) => boolean;
  readonly message: string;
}

export interface ConfigSchema<S extends Shape = Shape> {
  readonly variables: S;
  readonly rules?: readonly Rule[];
}

type Value<E> = E extends Variable<infer T> ? T : E extends Secret<true> ? SecretSource : E extends Secret ? SecretSource | undefined : never;
export type Config<S extends Shape> = { readonly [K in keyof S]: Value<S[K]> };
export type ConfigOf<C extends ConfigSchema> = C extends ConfigSchema<infer S> ? Config<S> : never;

/** The variable name holding a secret's ARN. */
export const secretArnVariable = (name: string) => `${name}_SECRET_ARN`;

/** Composes a schema from pieces (later pieces may tighten a variable an earlier one declared optional). */
export function configSchema<P extends Shape[]>(...pieces: P): ConfigSchema<UnionToIntersection<P[number]>> {
  return { variables: Object.assign({}, ...pieces) };
}
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I & Shape : never;

export function withRules<S extends Shape>(schema: ConfigSchema<S>, ...rules: Rule[]): ConfigSchema<S> {
  return { ...schema, rules: [...(schema.rules ?? []), ...rules] };
}

/** The configuration error: names the function's bad or missing variables, never their values. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration (environment variables): ${problems.join('; ')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;
const present = (value: string | undefined): value is string => value !== undefined && value !== '';

/** Reads and checks `schema` from the environment once: a frozen object, or a ConfigError naming every problem. */
export function readConfig<S extends Shape>(schema: ConfigSchema<S>, env: Env = process.env): Config<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(schema.variables)) {
    if (entry.kind === 'secret') {
      const source = secretSource(name, env);
      if (!source && entry.required) problems.push(`${name} is missing: set ${name} or ${secretArnVariable(name)} (a Secrets Manager ARN)`);
      out[name] = source;
      continue;
    }
    const raw = present(env[name]) ? env[name] : undefined;
    const parsed = entry.parse(raw);
    if (parsed.ok) out[name] = parsed.value;
    else problems.push(`${name} is ${raw === undefined ? 'missing' : 'invalid'}: expected ${entry.expected}`);
  }
  for (const rule of schema.rules ?? []) if (!rule.holds((name) => present(env[name]))) problems.push(rule.message);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as Config<S>;
}

function secretSource(name: string, env: Env): SecretSource | undefined {
  const value = env[name];
  const arn = env[secretArnVariable(name)];
  if (!present(value) && !present(arn)) return undefined;
  return Object.freeze({ name, ...(present(value) ? { value } : {}), ...(present(arn) ? { arn } : {}) });
}

/**
 * The problems of an environment as a deployment template holds it (tests/cdk): a value `isToken` recognises (a
 * CloudFormation Ref, GetAtt, Join…) counts as present but cannot be parsed; a literal is parsed as at a cold start.
 */
export function checkEnvironment(schema: ConfigSchema, env: Readonly<Record<string, unknown>>, isToken: (value: unknown) => boolean): string[] {
  const tokens = Object.keys(env).filter((name) => isToken(env[name]));
  const literal = Object.fromEntries(
    Object.entries(env)
      .filter(([name]) => !tokens.includes(name))
      .map(([k, v]) => [k, String(v)]),
  );
  const withoutTokens: ConfigSchema = {
    variables: Object.fromEntries(
      Object.entries(schema.variables).filter(([name, entry]) => !tokens.includes(name) && !(entry.kind === 'secret' && tokens.includes(secretArnVariable(name)))),
    ),
    rules: (schema.rules ?? []).map((rule) => ({ ...rule, holds: (has) => rule.holds((name) => tokens.includes(name) || has(name)) })),
  };
  try {
    readConfig(withoutTokens, literal);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

/** Every variable a schema reads (a secret's two included). */
export function variableNames(schema: ConfigSchema): string[] {
  return Object.entries(schema.variables).flatMap(([name, entry]) => (entry.kind === 'secret' ? [name, secretArnVariable(name)] : [name]));
}

// Variable kinds. Each says what it expects, for the error message and docs/operations.md. Plain checks rather than a
// schema library: a handful of texts read once per cold start, and zod/mini's URL and pipe checks cost 7-13 KiB in
// every function's bundle (docs/performance.md, "Bundles").

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const BAD: Parsed<never> = { ok: false };
const variable = <T>(parse: (raw: string | undefined) => Parsed<T>, expected: string): Variable<T> => ({ kind: 'variable', parse, expected });
/** Absent: the fallback; present: the text if it passes `test`, else bad. */
const optional =
  <T, F>(test: (raw: string) => boolean, convert: (raw: string) => T, fallback: F) =>
  (raw: string | undefined) =>
    raw === undefined ? ok(fallback) : test(raw) ? ok(convert(raw)) : BAD;
const asIs = (raw: string) => raw;
/** An absolute URL as WHATWG URL parses it, surrounding blanks ignored and dropped (as zod's `url()` did before). */
const isUrl = (raw: string) => URL.canParse(raw.trim());
const trimmed = (raw: string) => raw.trim();

export const text = (): Variable<string> => variable((raw) => (raw === undefined ? BAD : ok(raw)), 'a non-empty text');
export const optionalText = (): Variable<string | undefined> => variable((raw) => ok(raw), 'a text');
export const url = (): Variable<string> => variable((raw) => (raw !== undefined && isUrl(raw) ? ok(trimmed(raw)) : BAD), 'an absolute URL');
export const optionalUrl = (): Variable<string | undefined> => variable(optional(isUrl, trimmed, undefined), 'an absolute URL');

const wholeNumber = (raw: string) => /^\d+$/.test(raw);
/** Whole seconds, 0 or more; the fallback when absent. */
export const seconds = (fallback: number): Variable<number> => variable(optional(wholeNumber, Number, fallback), 'a whole number of seconds');
export const optionalSeconds = (): Variable<number | undefined> => variable(optional(wholeNumber, Number, undefined), 'a whole number of seconds');
/** A whole number, 1 or more; the fallback when absent. */
export const count = (fallback: number): Variable<number> =>
  variable(
    optional((raw) => /^[1-9]\d*$/.test(raw), Number, fallback),
    'a whole number, 1 or more',
  );
export const oneOf = <const V extends readonly [string, ...string[]]>(values: V, fallback: V[number]): Variable<V[number]> =>
  variable(
    optional(
      (raw) => values.includes(raw),
      (raw) => raw as V[number],
      fallback,
    ),
    `one of ${values.join(', ')}`,
  );
/** A text matching `pattern`; the fallback when absent. */
export const matching = (pattern: RegExp, expected: string, fallback: string): Variable<string> =>
  variable(
    optional((raw) => pattern.test(raw), asIs, fallback),
    expected,
  );
/** A JSON object (its content is checked by whoever reads it). */
export const jsonObject = (): Variable<Record<string, unknown> | undefined> =>
  variable((raw) => {
    if (raw === undefined) return ok(undefined);
    try {
      const value: unknown = JSON.parse(raw);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return ok(value as Record<string, unknown>);
    } catch {}
    return BAD;
  }, 'a JSON object');
export const secret = (): Secret<true> => ({ kind: 'secret', required: true });
export const optionalSecret = (): Secret<false> => ({ kind: 'secret', required: false });

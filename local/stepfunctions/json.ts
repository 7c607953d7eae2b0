import type { StateMachine } from 'aws-local-stepfunctions';

/** The library's JSON value type (not exported by name). */
export type JsonValue = Parameters<StateMachine['run']>[0];
export type JsonObject = { [key: string]: JsonValue };

/** What a value becomes after crossing a JSON boundary, as a Lambda result does in AWS (undefined → null). */
export function toJsonValue(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Replaces every occurrence of `search` inside strings (keys untouched), e.g. a token placeholder inside States.Format output. */
export function replaceInStrings(value: JsonValue, search: string, replacement: string): JsonValue {
  if (typeof value === 'string') return value.split(search).join(replacement);
  if (Array.isArray(value)) return value.map((item) => replaceInStrings(item, search, replacement));
  if (isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceInStrings(v, search, replacement)]));
  }
  return value;
}

export function stringify(value: unknown): string {
  return JSON.stringify(value ?? null);
}

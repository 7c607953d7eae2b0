import { describe, expect, it } from 'vitest';
import { type ConfigError, configSchema, count, jsonObject, matching, oneOf, optionalSeconds, optionalUrl, readConfig, seconds, text, url } from '../../functions/config/read.js';

/** Each variable kind's checks (functions/config/read.ts): what passes, what a bad text reports, what absence gives. */
const schema = configSchema({
  NAME: text(),
  API: url(),
  HOOK: optionalUrl(),
  WAIT: seconds(60),
  LIMIT: optionalSeconds(),
  TRIES: count(5),
  MODE: oneOf(['on', 'off'], 'on'),
  MARKET: matching(/^[A-Z]{2}$/, 'a market code', 'CN'),
  ROUTES: jsonObject(),
});
const good = { NAME: 'n', API: 'https://api.example.com/v1' };
const problems = (env: Record<string, string>) => {
  try {
    readConfig(schema, env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('configuration variables', () => {
  it('absent optional variables take their fallbacks; empty counts as absent', () => {
    expect(readConfig(schema, { ...good, HOOK: '', WAIT: '' })).toEqual({
      ...good,
      HOOK: undefined,
      WAIT: 60,
      LIMIT: undefined,
      TRIES: 5,
      MODE: 'on',
      MARKET: 'CN',
      ROUTES: undefined,
    });
  });

  it('present values are parsed', () => {
    const config = readConfig(schema, { ...good, HOOK: 'http://127.0.0.1:9/x', WAIT: '0', LIMIT: '30', TRIES: '12', MODE: 'off', MARKET: 'DE', ROUTES: '{"a":1}' });
    expect(config).toMatchObject({ HOOK: 'http://127.0.0.1:9/x', WAIT: 0, LIMIT: 30, TRIES: 12, MODE: 'off', MARKET: 'DE', ROUTES: { a: 1 } });
  });

  it('a URL is given without the blanks around it, as zod url() gave it', () => {
    const config = readConfig(schema, { ...good, API: ' https://api.example.com/v1\n', HOOK: '\thttp://127.0.0.1:9/x ' });
    expect(config).toMatchObject({ API: 'https://api.example.com/v1', HOOK: 'http://127.0.0.1:9/x' });
  });

  it('every bad or missing variable is named with what it should hold, never its value', () => {
    const bad = { API: 'api.example.com', HOOK: 'not a url', WAIT: '1.5', LIMIT: '-3', TRIES: '0', MODE: 'maybe', MARKET: 'zz9', ROUTES: '[1]' };
    const found = problems(bad);
    expect(found).toEqual([
      'NAME is missing: expected a non-empty text',
      'API is invalid: expected an absolute URL',
      'HOOK is invalid: expected an absolute URL',
      'WAIT is invalid: expected a whole number of seconds',
      'LIMIT is invalid: expected a whole number of seconds',
      'TRIES is invalid: expected a whole number, 1 or more',
      'MODE is invalid: expected one of on, off',
      'MARKET is invalid: expected a market code',
      'ROUTES is invalid: expected a JSON object',
    ]);
    for (const value of Object.values(bad)) expect(found.join(' ')).not.toContain(value);
  });

  it('a URL is whatever the WHATWG parser takes, blanks around it ignored; JSON that is not an object is refused', () => {
    expect(problems({ ...good, API: ' https://x.example ' })).toEqual([]);
    expect(problems({ ...good, API: 'mailto:ops@example.com' })).toEqual([]);
    expect(problems({ ...good, ROUTES: 'null' })).toEqual(['ROUTES is invalid: expected a JSON object']);
    expect(problems({ ...good, ROUTES: '{' })).toEqual(['ROUTES is invalid: expected a JSON object']);
  });
});

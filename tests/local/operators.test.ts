import { describe, expect, it } from 'vitest';
import { LocalConfigError } from '../../local/config-error.js';
import { DEV_OPS_TOKEN, localConfig } from '../../local/config.js';
import { DEFAULT_OPS_USERS, localOperators, parseOpsUsers } from '../../local/operators.js';

/** OPS_USERS="name:role:token,…" and OPS_TOKEN: the local stand-ins for Cognito users (local/operators.ts). */
describe('parseOpsUsers', () => {
  it('unset or blank gives one viewer, one agent and one supervisor with fixed development tokens', () => {
    for (const raw of [undefined, '', '  ']) {
      expect(parseOpsUsers(raw)).toEqual([
        { name: 'dev-viewer', role: 'viewer', token: 'dev-viewer-token' },
        { name: 'dev-agent', role: 'agent', token: 'dev-agent-token' },
        { name: 'dev-supervisor', role: 'supervisor', token: 'dev-supervisor-token' },
      ]);
    }
    // A copy: a caller changing its list does not change the defaults.
    parseOpsUsers(undefined)[0]!.name = 'changed';
    expect(DEFAULT_OPS_USERS[0]!.name).toBe('dev-viewer');
  });

  it('reads name:role:token entries; the token is everything after the second colon; spaces around entries are ignored', () => {
    expect(parseOpsUsers('li.wei:supervisor:s3cr3t, jane@example.com:agent:a:b:c ,wu:viewer:v')).toEqual([
      { name: 'li.wei', role: 'supervisor', token: 's3cr3t' },
      { name: 'jane@example.com', role: 'agent', token: 'a:b:c' },
      { name: 'wu', role: 'viewer', token: 'v' },
    ]);
  });

  it.each([
    ['jane:admin:t1', /entry 1 \(jane\): unknown role "admin"; use viewer, agent, supervisor/],
    ['jane:Agent:t1', /unknown role "Agent"/],
    [':agent:t1', /entry 1 has an empty name/],
    ['a:viewer:t0,:agent:t1', /entry 2 has an empty name/],
    ['jane:agent:', /entry 1 \(jane\) has an empty token/],
    ['jane:agent', /entry 1 must be name:role:token/],
    ['jane', /entry 1 must be name:role:token/],
    ['a:viewer:t0,', /entry 2 must be name:role:token/],
    ['jane doe:agent:t1', /the name may use only letters/],
    ['jane:agent:has space', /the token must be visible ASCII/],
  ])('%j is refused: %s', (raw, message) => {
    expect(() => parseOpsUsers(raw)).toThrow(LocalConfigError);
    expect(() => parseOpsUsers(raw)).toThrow(message);
  });

  it('the error never repeats a token', () => {
    try {
      parseOpsUsers('jane:admin:very-secret-token');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('very-secret-token');
    }
  });
});

describe('localOperators', () => {
  it('adds OPS_TOKEN as the supervisor ops-token, for scripts', () => {
    expect(localOperators(parseOpsUsers(undefined), DEV_OPS_TOKEN)).toEqual([...DEFAULT_OPS_USERS, { name: 'ops-token', role: 'supervisor', token: 'dev-ops-token' }]);
  });

  it('refuses two operators with one token, naming the operator and never the token', () => {
    const run = () => localOperators(parseOpsUsers('a:viewer:shared-token-1,b:agent:shared-token-1'), DEV_OPS_TOKEN);
    expect(run).toThrow(LocalConfigError);
    expect(run).toThrow(/operator "b" is already another operator's/);
    try {
      run();
    } catch (error) {
      expect((error as Error).message).not.toContain('shared-token-1');
    }
    expect(() => localOperators(parseOpsUsers('a:viewer:same'), 'same')).toThrow(/operator "ops-token"/);
  });

  it('refuses two operators with one name (the timeline could not tell them apart), ops-token included', () => {
    expect(() => localOperators(parseOpsUsers('a:viewer:t1,a:agent:t2'), DEV_OPS_TOKEN)).toThrow(/Two local operators are named "a"/);
    expect(() => localOperators(parseOpsUsers('ops-token:viewer:t1'), DEV_OPS_TOKEN)).toThrow(/named "ops-token"/);
  });

  it('refuses an empty OPS_TOKEN', () => {
    expect(() => localOperators([], '')).toThrow(/OPS_TOKEN/);
  });
});

describe('localConfig', () => {
  it('reads OPS_USERS and OPS_TOKEN, and stops at a bad OPS_USERS before anything starts', () => {
    const config = localConfig({ OPS_USERS: 'li.wei:supervisor:s1', OPS_TOKEN: 'script-token' });
    expect(config.opsUsers).toEqual([{ name: 'li.wei', role: 'supervisor', token: 's1' }]);
    expect(config.opsToken).toBe('script-token');
    expect(localConfig({}).opsUsers).toEqual(DEFAULT_OPS_USERS);
    expect(localConfig({}).opsToken).toBe('dev-ops-token');
    expect(() => localConfig({ OPS_USERS: 'li.wei:root:s1' })).toThrow(/unknown role "root"/);
  });
});

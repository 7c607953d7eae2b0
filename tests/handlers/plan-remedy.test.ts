import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import type { CaseRecord } from '../../functions/domain/case-record.js';
import type { CaseType } from '../../functions/domain/case.js';
import { planRemedyConfig, readConfig } from '../../functions/config/functions.js';
import { startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { seedCase } from './fixtures.js';

/** The CN policy pays the way back for these types (returnShipping.platformPays), when the item comes back at all. */
const platformPays = (type: string, needsReturn: boolean) => needsReturn && (cnPolicy.returnShipping.platformPays as readonly string[]).includes(type);
/** Every decision names the market and policy version it was made under (issue 12); these cases have the default market. */
const UNDER_CN = { market: 'CN', policyVersion: cnPolicy.version };

type Handler = typeof import('../../functions/handlers/plan-remedy.js')['handler'];

let env: HandlerEnv;
let handler: Handler;
let cases: CaseStore;

const plan = (caseId: string, applyDefault?: boolean) => handler(applyDefault === undefined ? { caseId } : { caseId, applyDefault });
const approved = (type: CaseType, record: Partial<CaseRecord> = {}) => seedCase(env.db, { type, record: { status: 'in_review', outcome: 'approved', ...record } });
const chose = (remedy: 'return' | 'exchange' | 'refund' | 'reship', refundTo?: 'store_balance') => ({
  remedy,
  by: 'customer' as const,
  at: new Date().toISOString(),
  ...(refundTo ? { refundTo } : {}),
});
const timelineOf = async (caseId: string) => (await cases.view(caseId))!.timeline;

beforeAll(async () => {
  env = await startHandlerEnv({});
  cases = new CaseStore(env.db, TABLE_NAME);
  // Built from an explicit configuration: the test table and the default market only.
  const { createHandler } = await import('../../functions/handlers/plan-remedy.js');
  handler = createHandler(readConfig(planRemedyConfig, { TABLE_NAME }));
});

afterAll(async () => {
  await env?.close();
});

describe("plan-remedy: the customer's choice first, where the policy gives one", () => {
  it.each([
    ['damaged', ['return', 'exchange', 'refund'], 'refund'],
    ['lost', ['reship', 'refund'], 'reship'],
  ] as const)('%s without a choice: asks for one of %o (default %s), decides nothing yet', async (type, options, defaultChoice) => {
    const { caseId } = await approved(type);
    await expect(plan(caseId)).resolves.toEqual({ needsChoice: true, options, defaultChoice });
    // Asked again (the choice step timed out on an unrelated retry): still asking, still nothing recorded.
    await expect(plan(caseId)).resolves.toMatchObject({ needsChoice: true });
    const record = await cases.get(caseId);
    expect(record?.remedy).toBeUndefined();
    expect(record?.choice).toBeUndefined();
    expect((await timelineOf(caseId)).map((e) => e.event)).not.toContain('remedy_planned');
  });

  it.each([
    ['damaged', 'return', 'refund', true],
    ['damaged', 'exchange', 'exchange', true],
    ['damaged', 'refund', 'refund', false],
    ['lost', 'reship', 'reship', false],
    ['lost', 'refund', 'refund', false],
  ] as const)('%s, chosen %s: remedy %s, the item comes back first: %s', async (type, choice, remedy, needsReturn) => {
    const { caseId } = await approved(type, { choice: chose(choice) });
    await expect(plan(caseId)).resolves.toEqual({ needsChoice: false, remedy, needsReturn, platformPaysReturnShipping: platformPays(type, needsReturn), advanceExchange: false });
    expect(await cases.get(caseId)).toMatchObject({ remedy });
    const planned = (await timelineOf(caseId)).filter((e) => e.event === 'remedy_planned');
    expect(planned).toEqual([expect.objectContaining({ actor: 'policy', detail: { remedy, needsReturn, advanceExchange: false, ...UNDER_CN } })]);
  });

  it.each([
    ['damaged', 'refund', false],
    ['lost', 'reship', false],
  ] as const)('%s, no answer in time (applyDefault): the policy default %s is recorded as the choice and planned', async (type, remedy, needsReturn) => {
    const { caseId } = await approved(type);
    const { version } = (await cases.get(caseId))!;
    await expect(plan(caseId, true)).resolves.toEqual({
      needsChoice: false,
      remedy,
      needsReturn,
      platformPaysReturnShipping: platformPays(type, needsReturn),
      advanceExchange: false,
    });
    // The choice and the remedy it leads to in one write of the case item.
    expect(await cases.get(caseId)).toMatchObject({ remedy, choice: { remedy, by: 'default' }, version: version + 1 });
    const defaulted = (await timelineOf(caseId)).find((e) => e.event === 'choice_defaulted');
    expect(defaulted).toMatchObject({ actor: 'policy', detail: { remedy, policyVersion: expect.stringMatching(/\S/) } });
  });

  it('applyDefault does not override a choice the customer made in the meantime', async () => {
    const { caseId } = await approved('damaged', { choice: chose('exchange') });
    await expect(plan(caseId, true)).resolves.toMatchObject({ needsChoice: false, remedy: 'exchange', needsReturn: true });
    expect(await cases.get(caseId)).toMatchObject({ choice: { remedy: 'exchange', by: 'customer' } });
    expect((await timelineOf(caseId)).map((e) => e.event)).not.toContain('choice_defaulted');
  });

  it('applyDefault twice (a retried step) records the default once', async () => {
    const { caseId } = await approved('lost');
    await plan(caseId, true);
    await plan(caseId, true);
    const events = (await timelineOf(caseId)).map((e) => e.event);
    expect(events.filter((e) => e === 'choice_defaulted')).toHaveLength(1);
    expect(events.filter((e) => e === 'remedy_planned')).toHaveLength(1);
  });

  it("an operator's remedy needs no choice from the customer", async () => {
    const { caseId } = await approved('damaged', {
      status: 'awaiting_review',
      operatorDecision: { decision: 'approve', reason: 'photos show a cracked case', remedy: 'exchange', operator: 'jane', at: new Date().toISOString() },
    });
    await expect(plan(caseId)).resolves.toEqual({ needsChoice: false, remedy: 'exchange', needsReturn: true, platformPaysReturnShipping: true, advanceExchange: false });
  });
});

describe('plan-remedy: types without a choice', () => {
  it.each([
    ['return', {}, 'refund', true],
    ['exchange', {}, 'exchange', true],
    ['repair', {}, 'repair', true],
    ['missing_part', {}, 'reship', false],
    ['delayed', {}, 'delay_subsidy', false],
    ['quality', { grantedRemedy: 'refund' }, 'refund', true],
    ['quality', { grantedRemedy: 'exchange' }, 'exchange', true],
    ['quality', { grantedRemedy: 'repair' }, 'repair', true],
  ] as const)('%s %o: %s, the item comes back first: %s', async (type, record, remedy, needsReturn) => {
    const { caseId } = await approved(type, record as Partial<CaseRecord>);
    await expect(plan(caseId)).resolves.toEqual({ needsChoice: false, remedy, needsReturn, platformPaysReturnShipping: platformPays(type, needsReturn), advanceExchange: false });
  });
});

describe('plan-remedy: an exchange shipped ahead of the return (advance exchange)', () => {
  it('a VIP exchange ships the replacement before the old item comes back', async () => {
    const { caseId } = await approved('exchange', { tier: 'vip' });
    await expect(plan(caseId)).resolves.toEqual({ needsChoice: false, remedy: 'exchange', needsReturn: true, platformPaysReturnShipping: false, advanceExchange: true });
    const planned = (await timelineOf(caseId)).find((e) => e.event === 'remedy_planned');
    expect(planned?.detail).toEqual({ remedy: 'exchange', needsReturn: true, advanceExchange: true, ...UNDER_CN });
  });

  it('so does a VIP damaged item exchanged by choice, and a VIP quality exchange', async () => {
    const damaged = await approved('damaged', { tier: 'vip', choice: chose('exchange') });
    await expect(plan(damaged.caseId)).resolves.toMatchObject({ remedy: 'exchange', advanceExchange: true });
    const quality = await approved('quality', { tier: 'vip', grantedRemedy: 'exchange' });
    await expect(plan(quality.caseId)).resolves.toMatchObject({ remedy: 'exchange', advanceExchange: true });
  });

  it.each(['standard', 'silver', 'gold'] as const)('not for a %s customer', async (tier) => {
    const { caseId } = await approved('exchange', { tier });
    await expect(plan(caseId)).resolves.toMatchObject({ remedy: 'exchange', advanceExchange: false });
  });

  it('not for a VIP refund or repair', async () => {
    const refund = await approved('return', { tier: 'vip' });
    await expect(plan(refund.caseId)).resolves.toMatchObject({ remedy: 'refund', advanceExchange: false });
    const repair = await approved('repair', { tier: 'vip' });
    await expect(plan(repair.caseId)).resolves.toMatchObject({ remedy: 'repair', advanceExchange: false });
  });
});

describe('plan-remedy: input', () => {
  it('an unknown case is CaseNotFoundError; a malformed input a ZodError', async () => {
    await expect(plan('AS-0000000000AB')).rejects.toMatchObject({ name: 'CaseNotFoundError' });
    await expect(handler({ caseId: 'AS-0000000000AB', applyDefault: 'yes' })).rejects.toMatchObject({ name: expect.stringMatching(/ZodError$/) });
    await expect(handler({})).rejects.toMatchObject({ name: expect.stringMatching(/ZodError$/) });
  });
});

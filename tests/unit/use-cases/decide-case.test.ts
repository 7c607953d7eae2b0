import { beforeEach, describe, expect, it } from 'vitest';
import { type DecideDeps, decideCase } from '../../../functions/use-cases/decide-case.js';
import type { Operator } from '../../../functions/domain/operators.js';
import { cnPolicy } from '../../../functions/policies/cn.js';
import { FakeWorkflow, InMemoryCases, InMemoryRefunds, InMemoryWaits } from '../../fakes/case-table.js';
import { storedCase } from '../../fakes/deps.js';
import { oneMarket } from '../../markets.js';
import { NOW } from '../fixtures.js';

const CASE = 'AS-0123456789AB';
const OPENED = '2026-11-10T01:00:00.000Z';
const agent: Operator = { name: 'wang.fang', role: 'agent' };
const supervisor: Operator = { name: 'zhao.lei', role: 'supervisor' };
const secondSupervisor: Operator = { name: 'chen.jing', role: 'supervisor' };
/** Four eyes above ¥200 (the keyboard's ¥399 refund needs two supervisors); agents decide up to ¥100. */
const strictPolicy = { ...cnPolicy, manualReview: { ...cnPolicy.manualReview, approvalThreshold: 5000, agentLimit: 10000, secondApprovalAbove: 20000 } };

let cases: InMemoryCases;
let workflow: FakeWorkflow;
let deps: DecideDeps;

beforeEach(async () => {
  cases = new InMemoryCases();
  workflow = new FakeWorkflow();
  const waits = new InMemoryWaits();
  deps = { cases, reviews: cases, refunds: new InMemoryRefunds(), waits, workflow, markets: oneMarket() };
  cases.seed(
    storedCase({
      status: 'awaiting_review',
      waitingFor: 'manual_review',
      review: { openedAt: OPENED, reminderAt: '2026-11-10T05:00:00.000Z', escalateAt: '2026-11-10T09:00:00.000Z', reasonCode: 'manual' },
    }),
  );
  await waits.registerToken(CASE, 'manual_review', 'token-review', OPENED);
  workflow.waiting.add('token-review');
});

describe('decideCase against the ports’ fakes', () => {
  it('an agent’s rejection is the review’s decision: recorded, on the timeline, and the workflow resumes', async () => {
    expect(await decideCase(deps, CASE, { decision: 'reject', reason: 'outside the return window' }, agent, NOW)).toEqual({ status: 'accepted', decision: 'reject' });
    const record = await cases.require(CASE);
    expect(record).toMatchObject({ outcome: 'rejected', decision: { decision: 'reject', rule: 'operator', by: 'wang.fang', reasonCode: 'manual_rejected', market: 'CN' } });
    expect(record.review?.decided).toMatchObject({ by: 'wang.fang', role: 'agent', decision: 'reject' });
    expect(cases.events(CASE)).toEqual(['operator_reject']);
    expect(workflow.resumed).toEqual([{ taskToken: 'token-review', output: { signal: 'reject' } }]);
  });

  it('one decision per review: a later one is refused with who decided', async () => {
    await decideCase(deps, CASE, { decision: 'reject', reason: 'outside the return window' }, agent, NOW);
    expect(await decideCase(deps, CASE, { decision: 'approve', reason: 'goodwill' }, supervisor, NOW)).toEqual({
      status: 'already_decided',
      decidedBy: 'wang.fang',
      decision: 'reject',
    });
    expect(workflow.resumed).toHaveLength(1);
  });

  it('two operators at once: exactly one wins, the other learns who (the review write is conditional)', async () => {
    const results = await Promise.all([
      decideCase(deps, CASE, { decision: 'reject', reason: 'outside the return window' }, agent, NOW),
      decideCase(deps, CASE, { decision: 'request_evidence', reason: 'need photos' }, supervisor, NOW),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['accepted', 'already_decided']);
    expect(cases.events(CASE)).toHaveLength(1);
    expect(workflow.resumed).toHaveLength(1);
  });

  it('a case not in review is refused', async () => {
    await cases.update(CASE, { status: 'compensating' });
    expect(await decideCase(deps, CASE, { decision: 'reject', reason: 'x' }, agent, NOW)).toEqual({ status: 'not_awaiting_review', caseStatus: 'compensating' });
    expect(await decideCase(deps, 'AS-000000000000', { decision: 'reject', reason: 'x' }, agent, NOW)).toEqual({ status: 'not_found' });
  });

  it('four eyes: above the threshold a supervisor only proposes; the same one cannot confirm, another can', async () => {
    deps.markets = oneMarket({ policy: strictPolicy });
    expect(await decideCase(deps, CASE, { decision: 'approve', reason: 'defect confirmed', remedy: 'refund' }, supervisor, NOW)).toEqual({
      status: 'proposed',
      amount: 39900,
      remedy: 'refund',
    });
    expect(workflow.resumed).toEqual([]);
    expect(await decideCase(deps, CASE, { decision: 'confirm' }, supervisor, NOW)).toEqual({ status: 'four_eyes' });
    expect(await decideCase(deps, CASE, { decision: 'approve', reason: 'again', remedy: 'refund' }, secondSupervisor, NOW)).toEqual({
      status: 'proposal_pending',
      proposedBy: 'zhao.lei',
    });
    expect(await decideCase(deps, CASE, { decision: 'confirm' }, secondSupervisor, NOW)).toMatchObject({ status: 'accepted', decision: 'approve', remedy: 'refund' });
    expect((await cases.require(CASE)).review?.decided).toMatchObject({ by: 'chen.jing', proposedBy: 'zhao.lei', decision: 'approve' });
    expect(cases.events(CASE)).toEqual(['operator_proposed', 'operator_confirmed']);
    expect(workflow.resumed).toEqual([{ taskToken: 'token-review', output: { signal: 'approve' } }]);
  });

  it('an agent may not approve above the agent limit', async () => {
    deps.markets = oneMarket({ policy: strictPolicy });
    expect(await decideCase(deps, CASE, { decision: 'approve', reason: 'defect confirmed', remedy: 'refund' }, agent, NOW)).toEqual({ status: 'forbidden', needs: 'supervisor' });
    expect(cases.events(CASE)).toEqual([]);
  });
});

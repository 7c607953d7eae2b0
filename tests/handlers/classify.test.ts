/**
 * The classify step (functions/use-cases/steps/classify.ts) against dynalite: it hands the case it read to the service
 * clock's version-guarded start, so the clock does not read the case again; a write landing in between fails the guard
 * and the clock's next attempt reads afresh.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { OpsAlerts } from '../../functions/adapters/ops-alerts.js';
import { SlaStore } from '../../functions/adapters/sla-store.js';
import { classify } from '../../functions/use-cases/steps/classify.js';
import { oneMarket } from '../markets.js';
import { startHandlerEnv, TABLE_NAME, type HandlerEnv } from './env.js';
import { countingCaseReads, seedCase } from './fixtures.js';

let env: HandlerEnv;
let cases: CaseStore;

const overrides = { carrierRecheckSeconds: 1, evidenceWaitSeconds: 1, returnWaitSeconds: 1, surveyDelaySeconds: 1, surveyExpirySeconds: 1, compensationConfirmSeconds: 1 };

/** The step's dependencies, its case store counting reads of the case (`meanwhile`: a write landing after the first). */
function counted(meanwhile?: (caseId: string) => Promise<unknown>) {
  const { store, reads } = countingCaseReads(cases, meanwhile);
  const deps = { cases: store, sla: new SlaStore(env.db, TABLE_NAME), alerts: new OpsAlerts(env.db, TABLE_NAME), markets: oneMarket(), overrides };
  return { deps, reads };
}

const classifiedEntries = async (caseId: string) => (await cases.view(caseId))!.timeline.filter((e) => e.event === 'classified');

beforeAll(async () => {
  env = await startHandlerEnv({});
  cases = new CaseStore(env.db, TABLE_NAME);
});

afterAll(async () => {
  await env?.close();
});

describe('classify', () => {
  it("starts the clock on the case it read (no second read); a write landing in between sends the clock to a fresh read, and the clock still starts with the priority, 'classified' once", async () => {
    // A lost parcel: its clock runs from acceptance, so classify starts it, with the priority in the same write.
    const quiet = await seedCase(env.db, { type: 'lost', record: { status: 'received' } });
    const alone = counted();
    await expect(classify(alone.deps, quiet.caseId, new Date())).resolves.toMatchObject({ type: 'lost', needsCarrier: true });
    expect(alone.reads()).toBe(1);
    expect(await cases.get(quiet.caseId)).toMatchObject({ priority: expect.any(Number), sla: { state: 'running', startsAt: 'acceptance' }, version: quiet.record.version + 1 });
    expect(await classifiedEntries(quiet.caseId)).toHaveLength(1);

    const raced = await seedCase(env.db, { type: 'lost', record: { status: 'received' } });
    const racing = counted((id) => cases.update(id, { waitingFor: 'carrier' }));
    await expect(classify(racing.deps, raced.caseId, new Date())).resolves.toMatchObject({ type: 'lost' });
    // The step's read, then the clock's own after its first write lost to the one in between.
    expect(racing.reads()).toBe(2);
    expect(await cases.get(raced.caseId)).toMatchObject({
      priority: expect.any(Number),
      waitingFor: 'carrier',
      sla: { state: 'running', startsAt: 'acceptance' },
      version: raced.record.version + 2,
    });
    expect(await classifiedEntries(raced.caseId)).toHaveLength(1);
  });
});

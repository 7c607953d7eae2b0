import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DedupeStore } from '../../functions/adapters/dedupe-store.js';
import { closeCaseConfig, readConfig, reviewConfig } from '../../functions/config/functions.js';
import { startHandlerEnv, type HandlerEnv, TABLE_NAME, withEnv } from './env.js';
import { seedCase, unique } from './fixtures.js';

/**
 * The business metrics the handlers publish (Powertools Metrics, EMF lines on stdout): counted once per business
 * event, with their breakdown dimensions and nothing that identifies a case or a person.
 */
let env: HandlerEnv;
let closeCase: typeof import('../../functions/handlers/close-case.js')['handler'];
let review: typeof import('../../functions/handlers/review.js')['handler'];
let restoreEnv: (() => void) | undefined;

function captureMetrics() {
  const lines: Array<Record<string, any>> = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = String(chunk);
    if (text.startsWith('{"_aws"')) lines.push(JSON.parse(text));
    return true;
  });
  return lines;
}
const named = (lines: Array<Record<string, any>>, metric: string) => lines.filter((l) => metric in l);

beforeAll(async () => {
  env = await startHandlerEnv({});
  // Metrics on: Powertools reads its own switch from the environment (each count builds a single metric), so it stays
  // set while this file runs. The handlers are built from explicit configurations (the test table, default market).
  restoreEnv = withEnv({ POWERTOOLS_METRICS_DISABLED: 'false' });
  closeCase = (await import('../../functions/handlers/close-case.js')).createHandler(readConfig(closeCaseConfig, { TABLE_NAME }));
  review = (await import('../../functions/handlers/review.js')).createHandler(readConfig(reviewConfig, { TABLE_NAME }));
});

afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  restoreEnv?.();
  await env?.close();
});

describe('business metrics from the handlers', () => {
  it('CasesClosed by type and outcome, counted by the close that closed the case (not by a retried step)', async () => {
    const { caseId, record } = await seedCase(env.db, { type: 'exchange', record: { orderId: unique('ORD'), status: 'awaiting_survey' } });
    await new DedupeStore(env.db, TABLE_NAME).claimOpenCase(record.orderId, record.type, caseId);
    const lines = captureMetrics();
    await closeCase({ caseId, reason: 'completed' });
    await closeCase({ caseId, reason: 'completed' });
    const closed = named(lines, 'CasesClosed');
    expect(closed).toEqual([
      expect.objectContaining({
        service: 'aftersales',
        CaseType: 'exchange',
        Outcome: 'approved',
        CasesClosed: 1,
        _aws: expect.objectContaining({ CloudWatchMetrics: [expect.objectContaining({ Namespace: 'Aftersales', Dimensions: [['service'], ['service', 'CaseType', 'Outcome']] })] }),
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain(caseId);
    expect(JSON.stringify(lines)).not.toContain(record.customerId);
  });

  it("Decisions by the policy, with the review step's decision", async () => {
    const { caseId } = await seedCase(env.db, { record: { status: 'received' } });
    const lines = captureMetrics();
    const result = await review({ caseId });
    expect(named(lines, 'Decisions')).toEqual([expect.objectContaining({ DecidedBy: 'policy', Decision: result.decision, Decisions: 1 })]);
  });
});

import { describe, expect, it } from 'vitest';
import type { ServiceSla } from '../../functions/domain/sla.js';
import { InMemoryCases } from '../fakes/case-table.js';
import { storedCase } from '../fakes/deps.js';

/**
 * The use-cases' case fake reads a case back the way CaseStore does (case-store.ts caseOf): since 5 December the case
 * item keeps the service clock only in `sla`, and `dueAt` / `serviceWorkingDays` are derived from it on read.
 */
const sla: ServiceSla = {
  service: 'return',
  startsAt: 'acceptance',
  startedAt: '2026-12-01T02:00:00.000Z',
  expedited: false,
  workingDays: 3,
  state: 'running',
  pauses: [],
  dueAt: '2026-12-04T09:59:59.999Z',
};

describe('InMemoryCases reads as CaseStore reads', () => {
  it('derives dueAt and serviceWorkingDays from the clock, keeps them out of what it stores', async () => {
    const cases = new InMemoryCases();
    cases.seed(storedCase({ caseId: 'C-CLOCK', status: 'compensating', sla }));
    expect(await cases.get('C-CLOCK')).toMatchObject({ dueAt: sla.dueAt, serviceWorkingDays: 3 });
    expect((await cases.listByStatus('compensating'))[0]).toMatchObject({ dueAt: sla.dueAt, serviceWorkingDays: 3 });
    expect(cases.records.get('C-CLOCK')).not.toHaveProperty('dueAt');
  });

  it('a case that still holds the mirrors (clock started before 5 December) reads them as held', async () => {
    const cases = new InMemoryCases();
    cases.seed(storedCase({ caseId: 'C-HELD', sla, dueAt: '2026-12-05T09:59:59.999Z', serviceWorkingDays: 4 }));
    expect(await cases.get('C-HELD')).toMatchObject({ dueAt: '2026-12-05T09:59:59.999Z', serviceWorkingDays: 4 });
  });

  it('a case without a clock has neither', async () => {
    const cases = new InMemoryCases();
    cases.seed(storedCase({ caseId: 'C-NONE' }));
    const read = await cases.get('C-NONE');
    expect(read).not.toHaveProperty('dueAt');
    expect(read).not.toHaveProperty('serviceWorkingDays');
  });
});

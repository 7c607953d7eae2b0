import type { CaseRepository } from '../ports.js';

/**
 * The last stop of a step that failed for good: the case goes in front of an operator (needs_attention) with the
 * error's name on its timeline. The execution then fails, so it shows in the console and can be redriven.
 */
export async function recordFailure(cases: CaseRepository, caseId: string, error: { Error?: string; Cause?: string }, now: Date): Promise<{ errorName: string }> {
  const errorName = (error.Error ?? 'UnknownError').slice(0, 128);
  const at = now.toISOString();
  await cases.update(caseId, { status: 'needs_attention', failure: { error: errorName, at } });
  await cases.appendTimeline(caseId, { at, actor: 'pipeline', event: 'step_failed', detail: { error: errorName } });
  return { errorName };
}

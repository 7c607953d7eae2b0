import type { AccessLog } from '../adapters/access-log.js';
import type { FollowUpStore, OpenFollowUp } from '../adapters/follow-up-store.js';
import type { Operator } from '../domain/operators.js';

/**
 * The open follow-up tasks (low survey scores), oldest first, for an operator to call back. Each shows the customer's
 * survey comment — their own words — so each read of one is recorded in the access log, as a case view's description is.
 */
export async function readFollowUps(
  deps: { followUps: Pick<FollowUpStore, 'listOpen'>; accessLog: Pick<AccessLog, 'record'> },
  operator: Operator,
  route: string,
  now: Date,
  limit = 100,
): Promise<OpenFollowUp[]> {
  const tasks = await deps.followUps.listOpen(limit);
  const at = now.toISOString();
  for (const task of tasks.filter((t) => t.comment)) {
    await deps.accessLog.record({ at, operator: operator.name, role: operator.role, caseId: task.caseId, read: ['survey_comment'], route });
  }
  return tasks;
}

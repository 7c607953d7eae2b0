/**
 * The internal first-response target (001 §3.2): a case should get its first decision (approval, rejection, a request
 * for evidence: by the policy or by an operator) within hours of arriving, by priority band (policy
 * `sla.firstResponseHours`). A case the policy sends to manual review is answered when the operator decides.
 */
export interface ResponseFacts {
  status: string;
  decision?: { decision: string; at: string };
}

export type ResponseVerdict = 'met' | 'missed' | 'stopped' | 'not_yet';

/** When the case was first answered, as far as the record shows. */
export function respondedAt(record: ResponseFacts): string | undefined {
  return record.decision && record.decision.decision !== 'manual' ? record.decision.at : undefined;
}

export function firstResponseVerdict(record: ResponseFacts | undefined, dueAt: string, now: Date): ResponseVerdict {
  if (!record) return 'stopped';
  const answered = respondedAt(record);
  if (answered !== undefined && answered <= dueAt) return 'met';
  if (now.getTime() <= Date.parse(dueAt)) return 'not_yet';
  // Closed without an answer: withdrawn or a duplicate, nothing left to answer.
  if (answered === undefined && record.status === 'closed') return 'stopped';
  return 'missed';
}

/**
 * In-memory fakes of the use-cases' ports (functions/use-cases/ports.ts), for use-case unit tests. They are honest:
 * each keeps the conditional semantics of the DynamoDB store it stands for (functions/adapters/), so a claim that is
 * taken, a status or review that moved, or a version that changed fails here just as it does against the table.
 * Records are copied in and out, as a store's reads are.
 */
import { CaseNotFoundError, caseOf, type CaseView } from '../../functions/adapters/case-store.js';
import type { DecisionPatch } from '../../functions/adapters/review-store.js';
import type { CaseStatus, TimelineEntry } from '../../functions/domain/case.js';
import type { CaseContact, CaseRecord, ReviewDecided, ReviewProposal, WaitKind, WaitSignal } from '../../functions/domain/case-record.js';
import type { RefundEntry } from '../../functions/domain/decision-rules.js';
import type { CaseRepository, OpenCaseSlots, RefundPort, ReviewPort, WaitPort, WorkflowPort } from '../../functions/use-cases/ports.js';

const copy = <T>(value: T): T => structuredClone(value);

/**
 * A kept case as CaseStore reads it back, by the store's own read (case-store.ts caseOf): the clock's mirrors `dueAt`
 * and `serviceWorkingDays` derived from `sla` where the case does not hold them, the compensation's derived key put back.
 */
const asRead = (record: CaseRecord): CaseRecord => caseOf([{ ...copy(record), pk: `CASE#${record.caseId}`, sk: 'CASE' }])!;

/** The case items, contacts and timelines (CaseStore; read back as it reads them), and the review writes on the same items (ReviewStore). */
export class InMemoryCases implements CaseRepository, ReviewPort {
  readonly records = new Map<string, CaseRecord>();
  readonly contacts = new Map<string, CaseContact>();
  readonly timelines = new Map<string, TimelineEntry[]>();

  /** Puts a case as it would stand in the table (a test's starting point). */
  seed(record: CaseRecord, timeline: TimelineEntry[] = []): void {
    this.records.set(record.caseId, copy(record));
    this.timelines.set(record.caseId, copy(timeline));
  }

  timeline(caseId: string): TimelineEntry[] {
    return this.timelines.get(caseId) ?? [];
  }

  events(caseId: string): string[] {
    return this.timeline(caseId).map((entry) => entry.event);
  }

  async create(record: CaseRecord, contact: CaseContact, received: TimelineEntry): Promise<'created' | 'exists'> {
    if (!this.contacts.has(record.caseId)) this.contacts.set(record.caseId, copy(contact));
    if (this.records.has(record.caseId)) return 'exists';
    this.records.set(record.caseId, copy(record));
    await this.appendTimeline(record.caseId, received);
    return 'created';
  }

  async get(caseId: string): Promise<CaseRecord | undefined> {
    const found = this.records.get(caseId);
    return found ? asRead(found) : undefined;
  }

  async require(caseId: string): Promise<CaseRecord> {
    const found = await this.get(caseId);
    if (!found) throw new CaseNotFoundError(caseId);
    return found;
  }

  async contact(caseId: string): Promise<CaseContact | undefined> {
    const found = this.contacts.get(caseId);
    return found ? copy(found) : undefined;
  }

  async update(caseId: string, patch: Partial<CaseRecord>, onlyIfStatusIn?: CaseStatus[]): Promise<boolean> {
    const record = this.records.get(caseId);
    if (!record || (onlyIfStatusIn && !onlyIfStatusIn.includes(record.status))) {
      if (!onlyIfStatusIn) throw new CaseNotFoundError(caseId);
      return false;
    }
    this.write(record, copy(patch), patch.updatedAt ?? new Date().toISOString());
    return true;
  }

  async markReview(caseId: string, openedAt: string, field: 'remindedAt' | 'escalatedAt', at: string): Promise<boolean> {
    const record = this.records.get(caseId);
    if (record?.review?.openedAt !== openedAt) return false;
    this.write(record, { review: { ...record.review, [field]: at } }, at);
    return true;
  }

  async listByStatus(status: CaseStatus, limit = 50): Promise<CaseRecord[]> {
    return [...this.records.values()]
      .filter((record) => record.status === status)
      .slice(0, limit)
      .map(asRead);
  }

  async assign(caseId: string, assignee: string, expected: string | undefined, _createdAt: string, at: string): Promise<boolean> {
    const record = this.records.get(caseId);
    if (!record || record.status === 'closed' || record.assignee !== expected) return false;
    this.write(record, { assignee, assignedAt: at }, at);
    return true;
  }

  async appendTimeline(caseId: string, ...entries: TimelineEntry[]): Promise<void> {
    this.timelines.set(caseId, [...this.timeline(caseId), ...entries.map(copy)]);
  }

  async view(caseId: string): Promise<CaseView | undefined> {
    const record = await this.get(caseId);
    return record ? { case: record, timeline: copy(this.timeline(caseId)), notices: [], ledger: [] } : undefined;
  }

  async decide(caseId: string, openedAt: string, decided: ReviewDecided, patch: DecisionPatch, proposalAt?: string): Promise<boolean> {
    const record = this.openReview(caseId, openedAt);
    if (!record?.review) return false;
    if (proposalAt ? record.review.proposal?.at !== proposalAt : record.review.proposal) return false;
    this.write(record, { ...copy(patch), review: { ...record.review, decided: copy(decided) } }, decided.at);
    return true;
  }

  async propose(caseId: string, openedAt: string, proposal: ReviewProposal): Promise<boolean> {
    const record = this.openReview(caseId, openedAt);
    if (!record?.review || record.review.proposal) return false;
    this.write(record, { review: { ...record.review, proposal: copy(proposal) } }, proposal.at);
    return true;
  }

  async dropProposal(caseId: string, openedAt: string, proposalAt: string, at: string): Promise<boolean> {
    const record = this.openReview(caseId, openedAt);
    if (record?.review?.proposal?.at !== proposalAt) return false;
    const { proposal: _dropped, ...review } = record.review;
    this.write(record, { review }, at);
    return true;
  }

  /** ReviewStore's condition: the case waits in the review opened at `openedAt`, undecided. */
  private openReview(caseId: string, openedAt: string): CaseRecord | undefined {
    const record = this.records.get(caseId);
    if (record?.status !== 'awaiting_review' || record.review?.openedAt !== openedAt || record.review.decided) return undefined;
    return record;
  }

  /** Every accepted write bumps the version, as `ADD #version :one` does. */
  private write(record: CaseRecord, patch: Partial<CaseRecord>, at: string): void {
    const next = { ...record, ...patch, updatedAt: at, version: record.version + 1 };
    for (const [field, value] of Object.entries(next)) if (value === undefined) delete (next as Record<string, unknown>)[field];
    this.records.set(record.caseId, next);
  }
}

/** WaitStore: whichever of token and signal comes second finds the other. */
export class InMemoryWaits implements WaitPort {
  readonly items = new Map<string, { taskToken?: string; pendingSignal?: WaitSignal; registeredAt?: string }>();

  async registerToken(caseId: string, kind: WaitKind, taskToken: string, at: string): Promise<WaitSignal | undefined> {
    const item = { ...this.items.get(`${caseId}#${kind}`), taskToken, registeredAt: at };
    this.items.set(`${caseId}#${kind}`, item);
    return item.pendingSignal ? copy(item.pendingSignal) : undefined;
  }

  async recordSignal(caseId: string, kind: WaitKind, signal: WaitSignal): Promise<string | undefined> {
    const item = { ...this.items.get(`${caseId}#${kind}`), pendingSignal: copy(signal) };
    this.items.set(`${caseId}#${kind}`, item);
    return item.taskToken;
  }

  async undelivered(caseId: string, kind: WaitKind): Promise<{ signal: WaitSignal; taskToken: string } | undefined> {
    const item = this.items.get(`${caseId}#${kind}`);
    return item?.pendingSignal && item.taskToken ? { signal: copy(item.pendingSignal), taskToken: item.taskToken } : undefined;
  }

  async consume(caseId: string, kind: WaitKind, taskToken: string): Promise<void> {
    const item = this.items.get(`${caseId}#${kind}`);
    if (item?.taskToken !== taskToken) return;
    this.items.set(`${caseId}#${kind}`, { registeredAt: item.registeredAt });
  }
}

/** CaseWorkflow: executions named by case id and round (a second start is no new execution); tokens resumed once. */
export class FakeWorkflow implements WorkflowPort {
  readonly started: string[] = [];
  readonly resumed: Array<{ taskToken: string; output: object }> = [];
  /** Tokens still waiting; a resume of any other token is 'gone', as SendTaskSuccess refuses it. */
  readonly waiting = new Set<string>();

  async start(caseId: string, round = 0): Promise<void> {
    const name = round === 0 ? caseId : `${caseId}-dispute-${round}`;
    if (!this.started.includes(name)) this.started.push(name);
  }

  async resume(taskToken: string, output: object): Promise<'resumed' | 'gone'> {
    if (!this.waiting.delete(taskToken)) return 'gone';
    this.resumed.push({ taskToken, output: copy(output) });
    return 'resumed';
  }

  readonly failed: Array<{ taskToken: string; error: string; cause: string }> = [];

  async fail(taskToken: string, error: string, cause: string): Promise<'failed' | 'gone'> {
    if (!this.waiting.delete(taskToken)) return 'gone';
    this.failed.push({ taskToken, error, cause });
    return 'failed';
  }
}

/** DedupeStore's open-case slots and ignored receipts. */
export class InMemorySlots implements OpenCaseSlots {
  readonly holders = new Map<string, string>();
  readonly ignored = new Map<string, string>();

  async claimOpenCase(orderId: string, type: string, caseId: string): Promise<string> {
    const holder = this.holders.get(`${orderId}#${type}`);
    if (holder !== undefined && holder !== caseId) return holder;
    this.holders.set(`${orderId}#${type}`, caseId);
    return caseId;
  }

  async releaseOpenCase(orderId: string, type: string, caseId: string): Promise<void> {
    if (this.holders.get(`${orderId}#${type}`) === caseId) this.holders.delete(`${orderId}#${type}`);
  }

  async markIgnored(webhookId: string, reason: string): Promise<void> {
    this.ignored.set(webhookId, reason);
  }
}

/** RefundStore: an order's money instructions, version-guarded, one entry per key. */
export class InMemoryRefunds implements RefundPort {
  readonly orders = new Map<string, { version: number; entries: Record<string, RefundEntry> }>();

  async get(orderId: string) {
    return copy(this.orders.get(orderId) ?? { version: 0, entries: {} });
  }

  async add(orderId: string, key: string, entry: RefundEntry, version: number): Promise<boolean> {
    const current = this.orders.get(orderId) ?? { version: 0, entries: {} };
    if (current.version !== version || key in current.entries) return false;
    this.orders.set(orderId, { version: version + 1, entries: { ...current.entries, [key]: copy(entry) } });
    return true;
  }
}

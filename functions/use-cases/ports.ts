import type { CaseView } from '../adapters/case-store.js';
import type { CostDimension, CostTotal, LedgerEntry } from '../adapters/ledger-store.js';
import type { OrderRefunds } from '../adapters/refund-store.js';
import type { DecisionPatch } from '../adapters/review-store.js';
import type { DueEntry, SlaCaseItem } from '../adapters/sla-store.js';
import type { IndexedSlaState, IndexPlace, ServiceSla, SlaListState } from '../domain/sla.js';
import type { CaseStatus, TimelineEntry } from '../domain/case.js';
import type { ListedStatus } from '../domain/status-index.js';
import type { CaseContact, CaseRecord, ReviewDecided, ReviewProposal, WaitKind, WaitSignal } from '../domain/case-record.js';
import type { RefundEntry } from '../domain/decision-rules.js';
import type { OpsAlert } from '../adapters/ops-alerts.js';

/** Records the stores return, named here so use-cases import them from their ports, not from the store modules. */
export type { CaseView, CostDimension, CostTotal, DecisionPatch, DueEntry, LedgerEntry, OpsAlert, OrderRefunds, SlaCaseItem };

/**
 * The ports the use-cases depend on: what they call, not the DynamoDB stores that implement it (functions/adapters/,
 * each `implements` its ports). Every conditional write keeps its contract here, because the in-memory fakes of the
 * use-case unit tests (tests/fakes/) must honour it just as the stores do: a claim that is taken, a status or version
 * that moved, a review already decided all come back as `false` (or the holder), never as a silent overwrite.
 */

/** Reads a case (consistent read). `require` throws CaseNotFoundError when it does not exist. */
export interface CaseReader {
  get(caseId: string): Promise<CaseRecord | undefined>;
  require(caseId: string): Promise<CaseRecord>;
}

/** Writes a case. */
export interface CaseWriter {
  /** Creates the case once: 'exists' when this case id was created before (nothing new is made). */
  create(record: CaseRecord, contact: CaseContact, received: TimelineEntry): Promise<'created' | 'exists'>;
  /**
   * Sets fields and bumps the version. With `onlyIfStatusIn`, false unless the case is in one of those statuses;
   * without it, throws CaseNotFoundError when the case does not exist.
   */
  update(caseId: string, patch: Partial<CaseRecord>, onlyIfStatusIn?: CaseStatus[], statusSortKey?: string): Promise<boolean>;
  /** Append-only: every entry is kept; entries a step writes at once are given together (one write). */
  appendTimeline(caseId: string, ...entries: TimelineEntry[]): Promise<void>;
}

/** The rest of the case repository, for the use-cases that list, view, assign or mark reviews. */
export interface CaseRepository extends CaseReader, CaseWriter {
  contact(caseId: string): Promise<CaseContact | undefined>;
  /** Sets a review's reminder or escalation time; false unless that review (by `openedAt`) is the case's review. */
  markReview(caseId: string, openedAt: string, field: 'remindedAt' | 'escalatedAt', at: string): Promise<boolean>;
  listByStatus(status: ListedStatus, limit?: number): Promise<CaseRecord[]>;
  /** Gives the case to `assignee` only if it still has `expected` as holder and is not closed. */
  assign(caseId: string, assignee: string, expected: string | undefined, createdAt: string, at: string): Promise<boolean>;
  view(caseId: string): Promise<CaseView | undefined>;
}

/** Where a waiting workflow step (its task token) and the event that ends the wait (a signal) meet. */
export interface WaitPort {
  /** Registers the step's token; the signal that was already waiting for it, if any. */
  registerToken(caseId: string, kind: WaitKind, taskToken: string, at: string): Promise<WaitSignal | undefined>;
  /** Records a signal; the token of the step already waiting, if any. */
  recordSignal(caseId: string, kind: WaitKind, signal: WaitSignal): Promise<string | undefined>;
  undelivered(caseId: string, kind: WaitKind): Promise<{ signal: WaitSignal; taskToken: string } | undefined>;
  /** Clears token and signal, only if the token is still the one given. */
  consume(caseId: string, kind: WaitKind, taskToken: string): Promise<void>;
}

/** The case workflow: one execution per case (and dispute round); a waiting step is resumed by its token. */
export interface WorkflowPort {
  start(caseId: string, round?: number): Promise<void>;
  /** 'gone' when the token no longer waits (timed out, or resumed already). */
  resume(taskToken: string, output: object): Promise<'resumed' | 'gone'>;
  /** Ends a waiting step with the error `error` (a Retry or Catch of the step matches its name); 'gone' as above. */
  fail(taskToken: string, error: string, cause: string): Promise<'failed' | 'gone'>;
}

/** One open case per order and case type; and the webhook receipts intake marks. */
export interface OpenCaseSlots {
  /** Takes the slot for `caseId` unless another case holds it; returns the holder (this case when it won). */
  claimOpenCase(orderId: string, type: string, caseId: string): Promise<string>;
  /** Frees the slot, only if `caseId` holds it. */
  releaseOpenCase(orderId: string, type: string, caseId: string): Promise<void>;
  markIgnored(webhookId: string, reason: string, now: Date): Promise<void>;
}

/**
 * An operator review's decision and proposal: each applies only while the case waits in the review opened at
 * `openedAt` (status `awaiting_review`), undecided; a decision without `proposalAt` only with no proposal pending, with
 * it only while that proposal is the pending one; a proposal only when none is pending. False otherwise.
 */
export interface ReviewPort {
  decide(caseId: string, openedAt: string, decided: ReviewDecided, patch: DecisionPatch, proposalAt?: string): Promise<boolean>;
  propose(caseId: string, openedAt: string, proposal: ReviewProposal): Promise<boolean>;
  dropProposal(caseId: string, openedAt: string, proposalAt: string, at: string): Promise<boolean>;
}

/** An order's money instructions, guarded by the record's version. */
export interface RefundPort {
  get(orderId: string): Promise<OrderRefunds>;
  /** Adds the entry if the record is still at `version` (0: none yet) and has none under `key`; false otherwise. */
  add(orderId: string, key: string, entry: RefundEntry, version: number): Promise<boolean>;
}

/** The cost ledger: one entry per cost key, counted into the report totals once. */
export interface LedgerPort {
  /** 'exists' when an entry with this key was recorded before (nothing is counted twice). */
  record(entry: LedgerEntry): Promise<'recorded' | 'exists'>;
  totals(dimension: CostDimension, from: string, to: string): Promise<CostTotal[]>;
  /** `totals` for several dimensions from one read. */
  totalsBy(dimensions: readonly CostDimension[], from: string, to: string): Promise<Map<CostDimension, CostTotal[]>>;
}

/** The service clock's writes and the internal targets (first response) in the due index. */
export interface SlaPort {
  /** Sets and removes fields and the index place, if the case is still at `version`; false otherwise. */
  write(caseId: string, version: number, change: { set: Partial<CaseRecord>; remove?: Array<keyof CaseRecord>; index: IndexPlace | undefined; at: string }): Promise<boolean>;
  cross(caseId: string, from: IndexedSlaState, to: 'due_soon' | 'breached', dueAt: string, at: string): Promise<{ moved: boolean; first: boolean }>;
  leave(caseId: string, from: IndexedSlaState, sla: ServiceSla, at: string, extra?: Partial<CaseRecord>): Promise<boolean>;
  putTarget(caseId: string, name: string, dueAt: string, listAt?: string): Promise<void>;
  closeTarget(caseId: string, name: string): Promise<boolean>;
  markProvisional(caseId: string, from: string): Promise<void>;
  clearProvisional(caseId: string): Promise<void>;
  /** The due index, read: a partition nearest due first; due targets; provisional marks; the cases behind entries. */
  listIndexed(state: SlaListState, opts: { through?: string; limit: number }): Promise<DueEntry[]>;
  dueTargets(name: string, opts: { through: string; limit: number }): Promise<DueEntry[]>;
  sweptTargets(name: string, opts: { from: string; through: string; limit: number }): Promise<DueEntry[]>;
  sweepMark(name: string): Promise<string | undefined>;
  advanceSweep(name: string, through: string): Promise<void>;
  provisionalBy(date: string, opts: { limit: number }): Promise<DueEntry[]>;
  /** The case items alone (no facts item, nothing derived): SlaCaseItem says what they hold. */
  casesOf(entries: DueEntry[]): Promise<Map<string, SlaCaseItem>>;
}

/** Operations alerts. */
export interface AlertPort {
  raise(alert: OpsAlert): Promise<void>;
  /** Raises the alert under `key` once; true for the call that raised it. */
  raiseOnce(key: string, alert: OpsAlert): Promise<boolean>;
  /** An alert updated in place (one per provider outage), if it is still at `version`. */
  upsert(alert: OpsAlert & { id: string }, version: number): Promise<boolean>;
  publish(alert: OpsAlert, kind?: string): Promise<void>;
  recent(limit?: number): Promise<OpsAlert[]>;
}

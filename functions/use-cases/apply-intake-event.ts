import type { CaseRepository, OpenCaseSlots, WaitPort, WorkflowPort } from './ports.js';
import type { CaseContact, CaseRecord, WaitKind } from '../domain/case-record.js';
import type { TimelineEntry } from '../domain/case.js';
import type { MetricSink } from '../adapters/business-metrics.js';
import type { ReportCounters } from '../adapters/report-counters.js';
import type { QueueSender } from '../adapters/queues.js';
import { choiceApplies, disputeStep, duplicateClosing, offeredChoices, replayChangesNothing } from '../domain/case-rules.js';
import { customerLocale } from '../domain/locale.js';
import { mergeOrderLines, sumClaims } from '../domain/money.js';
import { shipmentKey } from '../domain/shipment-watch.js';
import { slaServiceFor, type ServiceSla } from '../domain/sla.js';
import { localDateOf } from '../domain/working-days.js';
import type { IntakeMessage, NoticeMessage } from '../schemas/messages.js';
import { WEBHOOK_DATA_SCHEMAS, type RemedyChosenData, type RequestedData, type WebhookEvent } from '../schemas/webhook.js';
import { slaStartedEntry, startServiceClock, type SlaDeps } from './sla-clock.js';
import type { IntakePrivacy } from './privacy/intake-privacy.js';
import { deliver } from './steps/await-event.js';
import { requestCancellation, signal } from './case-signals.js';
import { newSurveyToken } from './steps/open-survey.js';
import { confirmCompensation } from './steps/compensate.js';
import { watchProactive, watchReturn, type WatchDeps } from './tracking/watch-shipment.js';

export interface IntakeDeps extends SlaDeps {
  cases: CaseRepository;
  waits: WaitPort;
  dedupe: OpenCaseSlots;
  workflow: WorkflowPort;
  /** The report counters: cases opened, parcels announced (docs/operations.md "Reports"). */
  reports: Pick<ReportCounters, 'countOpened' | 'countShipment'>;
  /** The notice queue (made on first use): a dispute the workflow does not reopen is acknowledged from here. */
  notices: () => Pick<QueueSender<NoticeMessage>, 'send'>;
  /** Carrier tracking: return parcels and announced shipments are watched (absent: nothing is watched). */
  tracking?: WatchDeps;
  /** Counts each case opened (CasesOpened by type); absent: not counted. */
  metrics?: MetricSink;
  /**
   * Privacy requests and retention (docs/privacy.md), made on first use: a privacy request, or a duplicate request
   * closed here. Absent: this consumer takes no privacy requests.
   */
  privacy?: () => Promise<IntakePrivacy>;
}

/**
 * Applies one verified order-platform event to its case. Safe to run twice for the same message: creation is
 * conditional, the workflow start is named by case id, and signals to a finished wait are ignored.
 */
export async function applyIntakeEvent(deps: IntakeDeps, message: IntakeMessage, now: Date): Promise<void> {
  // The ingest function validated the data; parse again so this function trusts nothing it did not check.
  const event = { ...message.event, data: WEBHOOK_DATA_SCHEMAS[message.event.type].parse(message.event.data) } as WebhookEvent;
  const { caseId } = message;
  const at = now.toISOString();
  switch (event.type) {
    case 'aftersales.requested':
      return openCase(deps, caseId, event.data, message.receivedAt, at, message.source === 'pipeline' ? 'pipeline' : 'order_platform');
    case 'aftersales.evidence_added': {
      const record = await deps.cases.require(caseId);
      // Evidence is a set of URLs: a redelivered event adds nothing twice.
      const known = new Set(record.evidence.map((e) => e.url));
      const added = event.data.evidence.filter((e) => !known.has(e.url));
      // Nothing new: a replay. Its signal would wait on the WAIT# item for the case's next evidence wait and resume it
      // at once, with nothing added; so it is sent only while the case still shows it waits for evidence (the first
      // application stopped between its write and its signal: else the wait would expire and close the case).
      if (added.length === 0) {
        if (record.status === 'awaiting_evidence' && record.waitingFor === 'evidence') await signal(deps, caseId, 'evidence', { signal: 'evidence_added' });
        else await resumeUndelivered(deps, caseId, 'evidence');
        return;
      }
      await deps.cases.update(caseId, { evidence: [...record.evidence, ...added] });
      await deps.cases.appendTimeline(caseId, { at, actor: 'customer', event: 'evidence_added', detail: { count: added.length } });
      await signal(deps, caseId, 'evidence', { signal: 'evidence_added' });
      return;
    }
    case 'aftersales.cancelled':
      await requestCancellation(deps, caseId, at);
      return;
    case 'aftersales.remedy_chosen':
      return recordChoice(deps, caseId, event.data, at);
    case 'aftersales.disputed':
      return openDispute(deps, caseId, event.data.reason, at);
    case 'compensation.completed': {
      const record = await deps.cases.require(caseId);
      if (record.returnLabel?.instructionId === event.data.instructionId) {
        await deps.cases.appendTimeline(caseId, { at, actor: 'order_platform', event: `return_label_${event.data.status}`, detail: { instructionId: event.data.instructionId } });
        return;
      }
      if (record.compensation?.instructionId !== event.data.instructionId) {
        await deps.cases.appendTimeline(caseId, { at, actor: 'order_platform', event: 'unknown_instruction_reported', detail: { instructionId: event.data.instructionId } });
        return;
      }
      // The case shows this instruction settled already (a replay, or the step's own check came first): its wait is
      // answered from the case. A second signal would wait on the WAIT# item for the case's next compensation (an
      // advance exchange's final one, a dispute round's) and let it go on unconfirmed.
      const settled = record.compensation.status === 'completed' || record.compensation.status === 'failed';
      await confirmCompensation(deps.cases, record, event.data.status, now, event.data.shipment);
      if (settled) return resumeUndelivered(deps, caseId, 'compensation');
      await signal(deps, caseId, 'compensation', { signal: event.data.status });
      return;
    }
    case 'return.shipped': {
      const record = await deps.cases.require(caseId);
      await deps.cases.update(caseId, { returnShipment: { carrier: event.data.carrier, trackingNumber: event.data.trackingNumber } });
      await deps.cases.appendTimeline(caseId, { at, actor: 'customer', event: 'return_shipped', detail: { carrier: event.data.carrier } });
      // Watched from now on: its delivery to the service center resumes the case without a return.received.
      if (deps.tracking) await watchReturn(deps.tracking, record, event.data.carrier, event.data.trackingNumber, now);
      return;
    }
    case 'return.received': {
      const record = await deps.cases.require(caseId);
      const clockAtArrival = slaServiceFor(record.type).startsAt === 'arrival';
      const received = (receivedAt: string, sla: ServiceSla | undefined): TimelineEntry[] => [
        {
          at,
          // The service center's own report, or the carrier's delivery scan at the service center.
          actor: message.source === 'carrier' ? 'carrier' : 'service_center',
          event: 'return_received',
          detail: { receivedAt, ...(sla?.dueAt ? { dueAt: sla.dueAt, workingDays: sla.workingDays } : {}) },
        },
      ];
      if (!record.returnReceivedAt) {
        // The service clock starts at arrival at the service center (000 §5.1; docs/sla.md), in the same
        // version-guarded write of the case item as the arrival (one write, not two), its `sla_started` entry in the
        // same timeline write as `return_received`. Its first attempt decides on the case as read above (its write is
        // version-guarded: a case changed since is read afresh), one read fewer.
        const arrived = { returnReceivedAt: event.data.receivedAt };
        if (clockAtArrival) await startServiceClock(deps, caseId, new Date(event.data.receivedAt), now, arrived, (sla) => received(event.data.receivedAt, sla), record);
        else {
          await deps.cases.update(caseId, arrived);
          await deps.cases.appendTimeline(caseId, ...received(event.data.receivedAt, undefined));
        }
      } else {
        // Arrival recorded already (a redelivery, the other source's report, or a retry after a crash before the
        // timeline write): the entries the first attempt did not write are written now, so no crash loses them. One
        // read of the partition, only on a repeat; a delivery racing another's two writes may add them twice (a
        // duplicate entry rather than a lost one; docs/performance.md, "Case writes per step").
        const events = new Set((await deps.cases.view(caseId))?.timeline.map((entry) => entry.event));
        if (!events.has('return_received')) {
          const started = clockAtArrival && record.sla && !events.has('sla_started') ? [slaStartedEntry(record.sla, at)] : [];
          await deps.cases.appendTimeline(caseId, ...started, ...received(record.returnReceivedAt, clockAtArrival ? record.sla : undefined));
        }
      }
      await signal(deps, caseId, 'return', { signal: 'return_received', receivedAt: event.data.receivedAt });
      return;
    }
    case 'customer.data_requested':
    case 'customer.redact_requested': {
      if (!deps.privacy) throw new Error('privacy requests are not wired into this consumer');
      // The request was stored when it was accepted; `caseId` carries its id (a privacy request is about no case).
      await (await deps.privacy()).applyRequest(caseId, now);
      return;
    }
    case 'shipment.created': {
      // The carrier scorecard's denominator: every parcel announced, watched or not (proactive detection may be off).
      const { carrier, trackingNumber, shippedAt } = event.data.order.shipment;
      const zone = deps.markets.market(event.data.order.market).calendar.timeZone;
      await deps.reports.countShipment(shipmentKey(carrier, trackingNumber), { carrier, shipDay: localDateOf(new Date(shippedAt), zone) });
      // Proactive detection off: acknowledged, and recorded as ignored on the delivery's receipt.
      const watching = deps.tracking ? await watchProactive(deps.tracking, caseId, event.data, now) : 'ignored';
      if (watching === 'ignored') await deps.dedupe.markIgnored(message.webhookId, 'proactive_detection_off', now);
      return;
    }
  }
}

async function openCase(deps: IntakeDeps, caseId: string, data: RequestedData, receivedAt: string, at: string, actor: 'order_platform' | 'pipeline'): Promise<void> {
  // The language the case is written to in from now on: the customer's when we write in it, else the market's.
  const locale = customerLocale(data.customer.locale, deps.markets.market(data.order.market).policy.locale);
  const record: CaseRecord = {
    caseId,
    requestId: data.requestId,
    type: data.caseType,
    reason: data.reason,
    expedited: data.expedited,
    customerId: data.customer.customerId,
    tier: data.customer.tier,
    locale,
    orderId: data.order.orderId,
    orderPlacedAt: data.order.placedAt,
    currency: data.order.currency,
    // The market is stored resolved, so a later change of the deployment's default market does not move the case.
    market: data.order.market ?? deps.markets.defaultMarket,
    // Repeated lines of one SKU at one price, and repeated claims of one SKU, are stored merged (functions/domain/money.ts).
    orderItems: mergeOrderLines(data.order.items),
    items: sumClaims(data.items),
    shipment: data.order.shipment,
    evidence: data.evidence,
    createdAt: receivedAt,
    // The survey link's credential, kept with the facts written now: the survey step then writes no link on the case.
    surveyLinkToken: newSurveyToken(),
    ...(actor === 'pipeline' ? { origin: 'proactive' as const } : {}),
    status: 'received',
    version: 1,
    updatedAt: receivedAt,
  };
  const contact: CaseContact = {
    name: data.customer.name,
    email: data.customer.email,
    phone: data.customer.phone,
    locale,
    channels: data.customer.channels,
    description: data.description,
    ...(data.customer.timeZone ? { timeZone: data.customer.timeZone } : {}),
  };
  const created = await deps.cases.create(record, contact, {
    at: receivedAt,
    actor,
    event: 'case_received',
    detail: { type: data.caseType, market: record.market!, ...(actor === 'pipeline' ? { reason: data.reason } : {}) },
  });
  // Counted by the write that created the case, so a redelivered request is not counted twice.
  if (created !== 'exists') deps.metrics?.count('CasesOpened', { CaseType: data.caseType });
  if (created === 'exists') {
    const existing = await deps.cases.require(caseId);
    // A replay of a case already under way changes nothing (CASE-DUPLICATE-1)...
    if (replayChangesNothing(created, existing.status)) {
      // ...but a duplicate closed by a delivery that failed before filing it for retention is filed now, as of its
      // close: otherwise its personal data would be kept past its retention period (filing again is harmless).
      if (existing.outcome === 'duplicate' && existing.closedAt && deps.privacy) await (await deps.privacy()).afterClose(existing, existing.closedAt, new Date(at));
      return;
    }
  }
  const holder = await deps.dedupe.claimOpenCase(data.order.orderId, data.caseType, caseId);
  const duplicate = duplicateClosing(caseId, holder, at);
  if (duplicate) {
    // Same order, same problem, already open: keep this request visible as a duplicate of that case (CASE-DUPLICATE-2).
    const closed = await deps.cases.update(caseId, duplicate.patch, duplicate.onlyIfStatusIn);
    if (closed) await deps.cases.appendTimeline(caseId, duplicate.timeline);
    if (deps.privacy) await (await deps.privacy()).afterClose(record, at, new Date(at));
    return;
  }
  // Counted once the case is its order's open case (a duplicate is not volume), before its workflow moves it on. Once
  // by its marker, not by the create: the writes between the create and here (contact, lookups, timeline, the slot)
  // can fail, and the retry that finds the case created must still count it.
  await countOpened(deps, record, data);
  await deps.workflow.start(caseId);
}

function countOpened(deps: IntakeDeps, record: CaseRecord, data: RequestedData): Promise<'counted' | 'exists'> {
  const zone = deps.markets.of(record).calendar.timeZone;
  const { carrier, shippedAt } = data.order.shipment;
  return deps.reports.countOpened(record.caseId, {
    day: localDateOf(new Date(record.createdAt), zone),
    type: data.caseType,
    reason: data.reason,
    carrier,
    shipDay: localDateOf(new Date(shippedAt), zone),
  });
}

/** The customer's remedy choice, if the policy offers it for this case type and it still matters. First answer wins. */
async function recordChoice(deps: IntakeDeps, caseId: string, data: RemedyChosenData, at: string): Promise<void> {
  const record = await deps.cases.require(caseId);
  const offered = offeredChoices(deps.markets.of(record).policy, record);
  if (!choiceApplies(record, offered, data.remedy)) {
    await deps.cases.appendTimeline(caseId, { at, actor: 'customer', event: 'choice_not_applied', detail: { remedy: data.remedy, offered: offered.join(',') } });
    return;
  }
  await deps.cases.update(caseId, { choice: { remedy: data.remedy, refundTo: data.refundTo, by: 'customer', at } });
  await deps.cases.appendTimeline(caseId, {
    at,
    actor: 'customer',
    event: 'remedy_chosen',
    detail: { remedy: data.remedy, ...(data.refundTo ? { refundTo: data.refundTo } : {}) },
  });
  await signal(deps, caseId, 'remedy_choice', { signal: 'chosen', remedy: data.remedy });
}

/**
 * A customer contests a rejection: the closed case reopens in front of an operator, with its whole timeline, in a
 * new execution (a Step Functions name is used once), and the workflow acknowledges it (`dispute_received#r<round>`).
 * A dispute of a case not closed as rejected (still in progress, or closed another way) is recorded for the operator
 * and acknowledged to the customer once per case (`dispute_received`, worded as a message added to the case, not as a
 * reopened decision); one during a dispute round is only recorded, as that round was acknowledged already.
 */
async function openDispute(deps: IntakeDeps, caseId: string, reason: string, at: string): Promise<void> {
  const record = await deps.cases.require(caseId);
  const step = disputeStep(record, at);
  if (step.kind === 'record') {
    await deps.cases.appendTimeline(caseId, { at, actor: 'customer', event: 'dispute_received', detail: { reason, status: record.status } });
    // The notice slot makes this once per case, however often the platform sends it (CASE-DISPUTE-2).
    if (step.acknowledge) await deps.notices().send({ caseId, milestone: 'dispute_received', at }, caseId);
    return;
  }
  const reopened = await deps.cases.update(caseId, step.patch, step.onlyIfStatusIn);
  if (!reopened) return;
  await deps.cases.appendTimeline(caseId, { at, actor: 'customer', event: 'dispute_opened', detail: { reason, round: step.round } });
  await deps.dedupe.claimOpenCase(record.orderId, record.type, caseId);
  await deps.workflow.start(caseId, step.round);
}

/**
 * A replay of an event already applied records no signal. Only one the first application recorded next to its step's
 * token but did not deliver (it stopped in between) is handed on now, as `signal()` would have.
 */
async function resumeUndelivered(deps: Pick<IntakeDeps, 'waits' | 'workflow'>, caseId: string, kind: WaitKind): Promise<void> {
  const pending = await deps.waits.undelivered(caseId, kind);
  if (pending && (await deliver(deps.workflow, kind, pending.taskToken, pending.signal)) === 'delivered') await deps.waits.consume(caseId, kind, pending.taskToken);
}

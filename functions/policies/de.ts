import type { AftersalesPolicy } from '../domain/policy.js';

/**
 * Germany, for cross-border orders sold to consumers under EU consumer law. Edit the values, bump `version`, deploy:
 * every decision records the version it was made under. Amounts in cent (EUR minor units).
 * Sources: Directive 2011/83/EU (consumer rights: withdrawal, art. 9-16); Directive (EU) 2019/771 (sale of goods:
 * conformity, remedies, 2-year liability); their German transposition in the BGB (§§312g, 355-357 withdrawal;
 * §§434-439, 475-477 defects); the platform's cross-border manual (seeds/003 §3.1-3.2) and service plan (000 §5).
 * Windows count calendar days from the local day of delivery, the day after delivery being day 1: that is how §187(1)
 * and §188(2) BGB count a period that starts with an event (review-policy.ts counts the same way).
 */
export const dePolicy: AftersalesPolicy = {
  version: '2026-12-de-1',
  market: 'DE',
  locale: 'de', // notices in German unless the customer's locale is one we write in (zh-CN, en)
  currency: 'EUR',
  windows: {
    // Right of withdrawal: 14 days without giving any reason (art. 9(1); §355(2) BGB), from the day the consumer
    // receives the goods (art. 9(2)(b); §356(2) Nr. 1a BGB).
    noReasonReturnDays: 14,
    // A defective item inside the withdrawal period can simply be withdrawn: refunded, as a withdrawal would be.
    qualityReturnDays: 14,
    // Afterwards a defect gives cure first: repair or replacement at the buyer's choice (§437 Nr. 1, §439(1) BGB; art.
    // 13(2) 2019/771) for the whole 2-year liability period. The review grants the replacement most buyers choose; a
    // refund (withdrawal from the contract) only after cure failed (§440 BGB), which an operator decides.
    qualityExchangeDays: 730,
    // An exchange without a defect is no statutory right: offered for the withdrawal period, since the customer could
    // withdraw and order again anyway.
    exchangeDays: 14,
    // Legal guarantee: claims for defects become time-barred 2 years after delivery (§438(1) Nr. 3, (2) BGB; art. 10(1)
    // 2019/771). Within its first year a defect is presumed to have existed at delivery (§477(1) BGB).
    warrantyDays: 730,
    // Transport damage is a defect: the risk passes to a consumer only on receipt (§475(2), §446 BGB), and a consumer
    // owes no prompt notice of defects (§377 HGB binds merchants only). A short report window would refuse a valid
    // claim, so damage can be reported for the guarantee's 2 years (§438).
    damagedReportDays: 730,
    // A missing accessory or part is a lack of conformity too (§434(2) S. 1 Nr. 3 BGB: "with the agreed accessories").
    missingPartReportDays: 730,
  },
  // The statutory exceptions to the right of withdrawal (§312g(2) BGB; art. 16 2011/83/EU), as item categories:
  // made to the consumer's specification (Nr. 1; art. 16(c)), perishable (Nr. 2; 16(d)), sealed goods unfit for return
  // for health or hygiene reasons once unsealed (Nr. 3; 16(e)), sealed audio or video recordings (Nr. 6; 16(i)) and
  // sealed software (Nr. 6; 16(i), `digital_opened`) once unsealed, newspapers and periodicals (Nr. 7; 16(j)).
  noReasonExcludedCategories: ['custom_made', 'perishable', 'hygiene_opened', 'audio_visual_opened', 'digital_opened', 'periodical'],
  returnShipping: {
    // The trader bears the costs of cure, transport included (§439(2) BGB; art. 14(1)(b) 2019/771): damaged, quality,
    // repair. A withdrawal's return is the consumer's cost when the consumer was told so before the contract (§357(5)
    // BGB; art. 14(1) 2011/83/EU): the order platform's checkout must say it.
    platformPays: ['damaged', 'quality', 'repair'],
    // A domestic return label to the German service center at business rates (€5.90): replace with your contract rate.
    prepaidLabelCost: 590,
  },
  // PLACEHOLDER, the deployer's to replace: "Musterstraße" is the German placeholder street name, and (0)69 90009 000-999 is
  // the Frankfurt range the Bundesnetzagentur keeps for media productions, never assigned to anyone ("Drama Numbers",
  // Mitteilung Nr. 148/2021, Amtsblatt 7/2021). Printed in return instructions (ship_back).
  serviceCenter: {
    'zh-CN': { name: '德国退货服务中心 (Retouren-Servicecenter)', address: 'Musterstraße 1, 60311 Frankfurt am Main, Deutschland（德国）', phone: '+49 69 90009 123' },
    en: { name: 'Returns Service Center', address: 'Musterstraße 1, 60311 Frankfurt am Main, Germany', phone: '+49 69 90009 123' },
    de: { name: 'Retouren-Servicecenter', address: 'Musterstraße 1, 60311 Frankfurt am Main', phone: '069 90009 123' },
  },
  serviceLimits: {
    // A withdrawal's refund is due within 14 days of the withdrawal (art. 13(1); §357(1) BGB) but may wait until the
    // item is back (art. 13(3); §357(4) BGB): `withdrawal.refundWithinDays` below caps the clock at that date. 5 working
    // days from arrival is the platform's own target inside it. Quality refunds share this limit, inside 003 §3.1's 7.
    return: { standard: 5, expedited: 2 },
    // Cure "within a reasonable time" (§439 BGB; art. 14(1)(a) 2019/771) sets no number: the service plan's (000 §5).
    exchange: { standard: 15, expedited: 7 },
    repair: { standard: 20, expedited: 10 },
  },
  delaySubsidy: {
    // 003 §3.2: the platform's goodwill for a late cross-border parcel, not a statutory sum (the law gives the consumer a
    // further deadline and then withdrawal from the contract, §323 BGB). The CN tiers' shape at euro price levels.
    tiers: [
      { fromDay: 1, perDay: 100 }, // €1 per working day late for the first three
      { fromDay: 4, perDay: 200 }, // €2 from the fourth
    ],
    cap: 1000, // at most €10 per case
  },
  // International legs scan less often (003 §3.2): one lookup more than CN before a lost or delayed case is decided.
  carrierMaxChecks: 4,
  manualReview: {
    approvalThreshold: 10000, // payouts above €100 need an operator
    // €300: most single-item cross-border orders; larger ones are rare enough for a supervisor.
    agentLimit: 30000,
    // €1,000: above this a second supervisor confirms before money moves (four eyes). Above agentLimit, as parsePolicy asks.
    secondApprovalAbove: 100000,
    reminderHours: { high: 1, normal: 4, low: 12 },
    escalationHours: { high: 2, normal: 8, low: 24 },
  },
  customerChoice: {
    // Damaged: replacement or repair is the buyer's choice (§439(1) BGB); the platform also offers return or a refund
    // without sending the item back. Without an answer the refund stands: nothing more to ship across the border.
    damaged: { options: ['return', 'exchange', 'refund'], default: 'refund', timeoutHours: 72 },
    // Lost: the risk is the trader's until delivery (§475(2) BGB): shipped again, or refunded if the customer prefers.
    lost: { options: ['reship', 'refund'], default: 'reship', timeoutHours: 72 },
  },
  // A replacement ahead of the return for VIPs; the item is due back within 14 days, the consumer's own return period
  // in a withdrawal (art. 14(1); §357(1) BGB).
  advanceExchange: { tiers: ['vip'], returnDeadlineDays: 14 },
  survey: { followUpAtOrBelow: 2 },
  // The nationwide holidays come from date-holidays (functions/domain/de-calendar.ts). Days the service center's state
  // adds are listed here per year, e.g. for Hesse { year: 2027, source: 'HFeiertagsG §1', holidays: ['2027-05-27'],
  // makeUpWorkdays: [] } (Corpus Christi). None listed: the placeholder center's state is the deployer's choice.
  calendar: { extraYears: [] },
  sla: { dueSoonWorkingHours: 24, firstResponseHours: { high: 2, normal: 8, low: 24 } },
  privacy: {
    // GDPR art. 5(1)(e): no longer than the purpose needs. The 2-year legal guarantee (§438 BGB) runs from delivery and a
    // case closes soon after it, so two years after the close cover a new claim on the same item, a dispute and a
    // charge-back; the business record (amounts, decisions) stays for the books (§257 HGB, §147 AO) without the person.
    retentionDays: 730,
  },
  withdrawal: {
    // The refund of a withdrawal waits until the item is back (art. 13(3); §357(4) BGB).
    refundAwaitsReturn: true,
    // A withdrawal period ending on a Saturday, Sunday or holiday ends on the next working day (Reg. 1182/71 art. 3(4),
    // recital 41 of 2011/83/EU; §193 BGB). Nationwide holidays: the consumer's own state may have more.
    periodEndsOnWorkingDay: true,
    // The refund within 14 days of the withdrawal (art. 13(1); §357(1) BGB), or when the item arrives if later
    // (art. 13(3); §357(4)). Not lengthened past a weekend: the trader's side of the deadline, kept strictly.
    refundWithinDays: 14,
  },
  tracking: {
    // Cross-border legs go quiet for days in export handling, the air leg and customs (003 §3.2): silence counts as a
    // loss only after two weeks by default; SF International scans door to door, postal ePacket/EMS hand over between
    // postal operators and stay silent longest. The project's decision, not a statutory figure.
    noScanLostDays: { default: 14, byCarrier: { SF: 10, EMS: 15, CHINAPOST: 20 } },
    proactiveDetection: { enabled: false },
  },
};

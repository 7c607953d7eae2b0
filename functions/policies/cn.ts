import type { AftersalesPolicy } from '../domain/policy.js';

/**
 * Mainland China after-sales policy. Edit the values, bump `version`, deploy: every decision records the version
 * it was made under. Sources: the platform's service plan (source document 000 §4-§5; the numbering: docs/domain.md), the damaged/lost procedure (002),
 * the cross-border manual (003); amounts in fen (CNY minor units).
 */
export const cnPolicy: AftersalesPolicy = {
  version: '2026-12-cn-5',
  market: 'CN',
  currency: 'CNY',
  locale: 'zh-CN', // notices in Chinese unless the customer's locale is one we write in (en, de)
  windows: {
    noReasonReturnDays: 7, // 七天无理由退货, from the day after delivery
    qualityReturnDays: 7, // quality defect: return for a refund within 7 days
    qualityExchangeDays: 15, // quality defect: exchange within 15 days
    exchangeDays: 15,
    warrantyDays: 365, // repair within the warranty
    damagedReportDays: 7, // damage must be reported within 7 days of delivery
    missingPartReportDays: 15,
  },
  noReasonExcludedCategories: ['custom_made', 'perishable', 'digital_opened', 'audio_visual_opened', 'periodical'],
  returnShipping: { platformPays: ['damaged', 'quality', 'repair'], prepaidLabelCost: 1200 },
  // Printed in return instructions (ship_back notices). Replace with your service center before deploying.
  serviceCenter: {
    'zh-CN': { name: '售后服务中心', address: '上海市浦东新区张江路 88 号 3 号楼 1 层，201203', phone: '021-5080 1234' },
    en: { name: 'Aftersales Service Center', address: 'Building 3, 88 Zhangjiang Road, Pudong, Shanghai 201203, China', phone: '+86 21 5080 1234' },
    de: { name: 'Kundendienst-Servicecenter', address: 'Gebäude 3, 88 Zhangjiang Road, Pudong, 201203 Shanghai, China', phone: '+86 21 5080 1234' },
  },
  serviceLimits: {
    return: { standard: 7, expedited: 3 },
    exchange: { standard: 15, expedited: 7 },
    repair: { standard: 20, expedited: 10 },
  },
  delaySubsidy: {
    tiers: [
      { fromDay: 1, perDay: 500 }, // ¥5 per working day late for the first three
      { fromDay: 4, perDay: 800 }, // ¥8 from the fourth
    ],
    cap: 5000, // at most ¥50 per case
  },
  carrierMaxChecks: 3,
  manualReview: {
    approvalThreshold: 50000, // payouts above ¥500 need an operator
    // ¥2,000: covers nearly every single-item refund an agent handles (most orders are below it); anything larger is
    // rare enough for a supervisor to look at, and costly enough to deserve it.
    agentLimit: 200000,
    // ¥5,000: above this one person's judgement is not enough (maker-checker); a second supervisor confirms before
    // money moves. Kept above agentLimit so an agent never proposes what only two supervisors may approve.
    secondApprovalAbove: 500000,
    reminderHours: { high: 1, normal: 4, low: 12 },
    escalationHours: { high: 2, normal: 8, low: 24 },
  },
  customerChoice: {
    damaged: { options: ['return', 'exchange', 'refund'], default: 'refund', timeoutHours: 72 },
    lost: { options: ['reship', 'refund'], default: 'reship', timeoutHours: 72 },
  },
  advanceExchange: { tiers: ['vip'], returnDeadlineDays: 15 },
  survey: { followUpAtOrBelow: 2 }, // an overall score of 1 or 2 gets a call back from the team
  // The chinese-days library covers up to 2026; 2027 and 2028 are predicted by the statutory rules (provisional due
  // dates, no make-up working days). When the State Council publishes the next year's holidays, add it here (see
  // docs/sla.md): the SLA monitor then recomputes the provisional due dates, e.g.
  // { year: 2027, source: '国办发明电〔2026〕…号', holidays: [...], makeUpWorkdays: [...] }.
  calendar: { extraYears: [] },
  sla: {
    dueSoonWorkingHours: 24, // operators are warned one working day before a service due time
    firstResponseHours: { high: 2, normal: 8, low: 24 }, // internal first-response targets (001 §3.2), clock hours
  },
  privacy: {
    // 365 days after the case closes, then the name, contact, the customer's words and evidence links are redacted
    // (the case, order ids, decisions and amounts stay for accounting and reports). A year covers what may still need
    // the person after a close: the 三包 warranty year (windows.warrantyDays) in which the same item comes back for
    // repair or a new quality claim, a dispute of the decision and a payment provider's charge-back (120-180 days
    // usually), and the year-end audit of the compensation paid. PIPL art. 19 asks for the shortest period the
    // purpose needs: a deployer who needs less (or, for a market with longer claims, more) sets it here.
    retentionDays: 365,
  },
  tracking: {
    // Express networks scan at every hub: several silent days mean a parcel has gone astray (002 §4.1). EMS and
    // cross-border legs go quiet for longer in customs.
    noScanLostDays: { default: 7, byCarrier: { SF: 5, JD: 5, EMS: 10 } },
    // Off by default: the deployment switches it on (stack parameter ProactiveDetection, PROACTIVE_DETECTION=on).
    proactiveDetection: { enabled: false },
  },
};

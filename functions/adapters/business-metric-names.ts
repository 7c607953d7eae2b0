// No imports: the CDK stack reads this catalogue too, for the dashboard (lib/constructs/pipeline-monitoring.ts).

/**
 * The business metrics and the dimensions each is broken down by. Dimensions take values from small closed sets
 * (case types, remedies, channels, providers, outcomes): never a case id, order id, customer or address, which would
 * be personal data or make one metric per value (CloudWatch bills each dimension combination as a metric).
 */
export const BUSINESS_METRICS = {
  CasesOpened: ['CaseType'],
  CasesClosed: ['CaseType', 'Outcome'],
  Decisions: ['DecidedBy', 'Decision'],
  Payouts: ['Remedy'],
  NoticesSent: ['Channel'],
  NoticesFailed: ['Channel'],
  SlaDueSoon: ['SlaService'],
  SlaBreached: ['SlaService'],
  FirstResponseMissed: ['PriorityBand'],
  CarrierLookups: ['Provider', 'Outcome'],
} as const;

export type BusinessMetric = keyof typeof BUSINESS_METRICS;
export type DimensionsOf<M extends BusinessMetric> = Record<(typeof BUSINESS_METRICS)[M][number], string>;

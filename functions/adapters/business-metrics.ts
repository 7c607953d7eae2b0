import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';

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

/** Counts a business event (the port use-cases see). */
export interface MetricSink {
  count<M extends BusinessMetric>(name: M, dimensions: DimensionsOf<M>, value?: number): void;
}

/** A dimension value: a short code (letters, digits, `_.-`); anything else is counted as `other`. */
const DIMENSION_VALUE = /^[A-Za-z0-9_.-]{1,40}$/;

/**
 * Business metrics through Powertools Metrics (embedded metric format: a log line CloudWatch turns into metrics, no
 * API call). Namespace and the `service` dimension come from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME.
 * Each count is published at once with two dimension sets: `service` alone (the total, which alarms and the
 * dashboard's headline read) and `service` plus the metric's breakdown.
 */
export class PowertoolsMetricSink implements MetricSink {
  constructor(private readonly metrics: Metrics) {}

  count<M extends BusinessMetric>(name: M, dimensions: DimensionsOf<M>, value = 1): void {
    const single = this.metrics.singleMetric();
    single.addDimensions({});
    const breakdown = Object.fromEntries(
      BUSINESS_METRICS[name].map((key) => {
        const raw = (dimensions as Record<string, string>)[key] ?? '';
        return [key, DIMENSION_VALUE.test(raw) ? raw : 'other'];
      }),
    );
    single.addDimensions(breakdown);
    single.addMetric(name, MetricUnit.Count, value);
  }
}

/** A sink that counts nothing, for code paths whose caller does not report metrics. */
export const noMetrics: MetricSink = { count: () => undefined };

import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { BUSINESS_METRICS, type BusinessMetric, type DimensionsOf } from './business-metric-names.js';

export { BUSINESS_METRICS, type BusinessMetric, type DimensionsOf };

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

import { Metrics } from '@aws-lambda-powertools/metrics';
import { PowertoolsMetricSink, type MetricSink } from '../adapters/business-metrics.js';
import { optional } from '../config.js';

/**
 * Business metrics (Powertools Metrics, embedded metric format) in namespace POWERTOOLS_METRICS_NAMESPACE (default
 * Aftersales) with the dimension `service` = POWERTOOLS_SERVICE_NAME; POWERTOOLS_METRICS_DISABLED=true turns them off.
 */
export function metrics(): MetricSink {
  return new PowertoolsMetricSink(
    new Metrics({ namespace: optional('POWERTOOLS_METRICS_NAMESPACE') ?? 'Aftersales', serviceName: optional('POWERTOOLS_SERVICE_NAME') ?? 'aftersales' }),
  );
}

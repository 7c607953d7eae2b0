import { Metrics } from '@aws-lambda-powertools/metrics';
import { PowertoolsMetricSink, type MetricSink } from '../adapters/business-metrics.js';

/**
 * Business metrics (Powertools Metrics, embedded metric format) in namespace POWERTOOLS_METRICS_NAMESPACE (default
 * Aftersales) with the dimension `service` = POWERTOOLS_SERVICE_NAME; POWERTOOLS_METRICS_DISABLED=true turns them off
 * (read by Powertools itself).
 */
export function metrics(config: { readonly POWERTOOLS_METRICS_NAMESPACE?: string; readonly POWERTOOLS_SERVICE_NAME?: string }): MetricSink {
  return new PowertoolsMetricSink(new Metrics({ namespace: config.POWERTOOLS_METRICS_NAMESPACE ?? 'Aftersales', serviceName: config.POWERTOOLS_SERVICE_NAME ?? 'aftersales' }));
}

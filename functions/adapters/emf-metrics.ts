/** Counts a metric for CloudWatch: by name, with dimensions (e.g. the service whose clock breached). */
export interface MetricSink {
  count(name: string, dimensions: Record<string, string>, value?: number): void;
}

/**
 * CloudWatch metrics through the embedded metric format: one JSON log line per data point, which CloudWatch Logs
 * turns into a metric in `namespace` (no API call, no permission). Written straight to stdout, because the Lambda
 * runtime's console prefixes (time, request id, level) would make the line unreadable as EMF.
 */
export class EmfMetrics implements MetricSink {
  constructor(
    private readonly namespace: string,
    private readonly write: (line: string) => void = (line) => void process.stdout.write(`${line}\n`),
    private readonly clock: () => number = Date.now,
  ) {}

  count(name: string, dimensions: Record<string, string>, value = 1): void {
    this.write(
      JSON.stringify({
        _aws: {
          Timestamp: this.clock(),
          CloudWatchMetrics: [{ Namespace: this.namespace, Dimensions: [Object.keys(dimensions)], Metrics: [{ Name: name, Unit: 'Count' }] }],
        },
        ...dimensions,
        [name]: value,
      }),
    );
  }
}

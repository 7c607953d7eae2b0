import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUSINESS_METRICS, PowertoolsMetricSink } from '../../functions/adapters/business-metrics.js';

/** The EMF lines Powertools writes to stdout, parsed. */
function capture() {
  const lines: Array<Record<string, any>> = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = String(chunk);
    if (text.startsWith('{"_aws"')) lines.push(JSON.parse(text));
    return true;
  });
  return lines;
}

const sink = () => new PowertoolsMetricSink(new Metrics({ namespace: 'Aftersales', serviceName: 'aftersales' }));

afterEach(() => vi.restoreAllMocks());

describe('business metrics (Powertools Metrics, EMF)', () => {
  it('publishes each count at once, as a total by service and broken down by its dimensions', () => {
    const lines = capture();
    sink().count('CarrierLookups', { Provider: 'kuaidi100', Outcome: 'confirmed' });
    expect(lines).toEqual([
      expect.objectContaining({
        service: 'aftersales',
        Provider: 'kuaidi100',
        Outcome: 'confirmed',
        CarrierLookups: 1,
        _aws: expect.objectContaining({
          CloudWatchMetrics: [{ Namespace: 'Aftersales', Dimensions: [['service'], ['service', 'Provider', 'Outcome']], Metrics: [{ Name: 'CarrierLookups', Unit: 'Count' }] }],
        }),
      }),
    ]);
  });

  it('keeps only the declared dimensions, and a value that is not a short code becomes "other"', () => {
    const lines = capture();
    sink().count('NoticesSent', { Channel: 'email', customerEmail: 'li.wei@example.com' } as never);
    sink().count('CasesOpened', { CaseType: 'Li Wei <li.wei@example.com>' });
    expect(lines[0]).not.toHaveProperty('customerEmail');
    expect(lines[1]).toMatchObject({ CaseType: 'other', CasesOpened: 1 });
    expect(JSON.stringify(lines)).not.toContain('example.com');
  });

  it('declares no dimension that names a person or a record (ids, names, addresses)', () => {
    const dimensions = Object.values(BUSINESS_METRICS).flat();
    for (const name of dimensions) expect(name).not.toMatch(/id$|name|email|phone|address|customer|order|case$/i);
  });
});

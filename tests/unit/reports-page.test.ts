import { describe, expect, it } from 'vitest';
import { emptyCarrier, emptyResolution } from '../../functions/domain/reports.js';
import { reportRange, reportsPageBody } from '../../functions/web/reports-page.js';
import { allReports, type ReportDeps } from '../../functions/use-cases/reports.js';
import { cnPolicy } from '../../functions/policies/cn.js';
import { emptyCounts } from '../../functions/domain/satisfaction.js';

/** Counters as the stores would return them, so the page renders what the use-cases really compute. */
function fakeDeps(): ReportDeps {
  const resolution = emptyResolution();
  Object.assign(resolution, { resolved: 4, withinLimit: 3, workingMs: 10 * 86_400_000 });
  resolution.buckets.le2 = 2;
  resolution.buckets.le5 = 1;
  resolution.buckets.le10 = 1;
  const sf = emptyCarrier();
  sf.shipments = 200;
  sf.claims.damaged = 3;
  sf.confirmed.damaged = 2;
  sf.claims.lost = 1;
  sf.confirmed.lost = 1;
  const zto = emptyCarrier();
  zto.shipments = 100;
  zto.claims.delayed = 5;
  zto.confirmed.delayed = 4;
  const sat = emptyCounts();
  Object.assign(sat, { invited: 10, answered: 5 });
  sat.sums.overall = 20;
  sat.counts.overall = 5;
  const costs = (dimension: string) => [
    { key: dimension === 'carrier' ? 'SF' : dimension === 'market' ? 'CN' : 'lost', currency: 'CNY', amount: 19900, entries: 1 },
    { key: dimension === 'carrier' ? 'SF' : dimension === 'market' ? 'DE' : 'lost', currency: 'EUR', amount: 2500, entries: 1 },
  ];
  const surveys = (group: string) => new Map([[group === 'all' ? 'all' : group === 'carrier' ? 'SF' : group === 'market' ? 'DE' : 'lost', sat]]);
  return {
    reports: {
      volume: async (dimension) =>
        dimension === 'type'
          ? [
              { day: '2026-11-01', key: 'lost', count: 2 },
              { day: '2026-11-02', key: 'damaged', count: 1 },
            ]
          : dimension === 'reason'
            ? [{ day: '2026-11-01', key: 'box <crushed> & wet', count: 1 }]
            : [{ day: '2026-11-02', key: 'approved', count: 1 }],
      resolution: async () => new Map([['return', resolution]]),
      resolutionByMarket: async () => new Map([['CN', new Map([['return', resolution]])]]),
      carriers: async () => [
        { day: '2026-11-01', carrier: 'SF', counts: sf },
        { day: '2026-11-02', carrier: 'ZTO', counts: zto },
      ],
    },
    ledger: {
      totals: async (dimension) => costs(dimension),
      totalsBy: async (dimensions) => new Map(dimensions.map((dimension) => [dimension, costs(dimension)])),
    },
    satisfaction: { totalsByGroup: async (groups) => new Map(groups.map((group) => [group, surveys(group)])) },
    policy: cnPolicy,
    markets: { market: () => ({ policy: cnPolicy }) },
  };
}

const range = { from: '2026-11-01', to: '2026-11-02', granularity: 'day' as const };

describe('reports page', () => {
  it('has a section with a heading per report, in English', async () => {
    const html = reportsPageBody({ reports: await allReports(fakeDeps(), range) }, 'en');
    const headings = [...html.matchAll(/<h2 id="[^"]+">([^<]+)<\/h2>/g)].map((m) => m[1]);
    expect(headings).toEqual(['Case volume', 'Resolution time against the service limit', 'Compensation cost', 'Satisfaction', 'Carrier scorecard']);
    expect(html).not.toMatch(/<html|<body|<script|<h1/);
    expect(html.match(/<svg /g)!.length).toBeGreaterThanOrEqual(8);
  });

  it('the carrier scorecard: a row per carrier (worst first) with parcels, confirmed of claims and rates, plus all carriers, and a chart', async () => {
    const html = reportsPageBody({ reports: await allReports(fakeDeps(), range) }, 'en');
    const scorecard = /<section class="report" id="report-carriers"[\s\S]*?<\/section>/.exec(html)![0];
    const rows = [...scorecard.matchAll(/<tr><th scope="row">([^<]+)<\/th>((?:<td>[\s\S]*?<\/td>)+)<\/tr>/g)].map((m) => [
      m[1],
      ...[...m[2]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '')),
    ]);
    expect(rows[0]).toEqual(['ZTO Express 中通快递', '100', '0 of 0', '0.00% (0.00%)', '0 of 0', '0.00% (0.00%)', '4 of 5', '4.00% (5.00%)']);
    expect(rows[1]).toEqual(['SF Express 顺丰速运', '200', '2 of 3', '1.00% (1.50%)', '1 of 1', '0.50% (0.50%)', '0 of 0', '0.00% (0.00%)']);
    expect(rows[2]![0]).toBe('All carriers');
    expect(rows[2]![1]).toBe('300');
    const chart = /<svg[\s\S]*?<\/svg>/.exec(scorecard)![0];
    expect(chart).toContain('Confirmed claims per parcel shipped, by carrier');
    expect(chart.match(/class="bar"/g)).toHaveLength(6);
    // Per period (two days here): SF shipped only on the first day (1.5% confirmed), ZTO only on the second (4%).
    const trend = [...scorecard.matchAll(/<svg[\s\S]*?<\/svg>/g)][1]![0];
    expect(trend).toContain('per period');
    expect(trend).toContain('ZTO: 2026-11-01 no data, 2026-11-02 4.00%; SF: 2026-11-01 1.50%, 2026-11-02 no data.');
  });

  it('compensation per currency, never added across; caller text escaped', async () => {
    const html = reportsPageBody({ reports: await allReports(fakeDeps(), range) }, 'en');
    expect(html).toContain('<h3>CNY: CN¥199.00</h3>');
    expect(html).toContain('<h3>EUR: €25.00</h3>');
    expect(html).toContain('box &lt;crushed&gt; &amp; wet');
    expect(html).not.toContain('box <crushed>');
  });

  it('compensation and satisfaction by market: a row per market and currency, in its own currency', async () => {
    const html = reportsPageBody({ reports: await allReports(fakeDeps(), range) }, 'en');
    const compensation = html.slice(html.indexOf('id="report-compensation"'), html.indexOf('id="report-satisfaction"'));
    expect(compensation).toContain('<h3>By market, each in its own currency</h3>');
    expect(compensation).toContain('<tr><th scope="row">CN</th><td>CNY</td><td>CN¥199.00</td><td>1</td></tr>');
    expect(compensation).toContain('<tr><th scope="row">DE</th><td>EUR</td><td>€25.00</td><td>1</td></tr>');
    const satisfaction = html.slice(html.indexOf('id="report-satisfaction"'), html.indexOf('id="report-carriers"'));
    expect(satisfaction).toContain('Satisfaction by market');
    expect(satisfaction).toContain('<tr><th scope="row">DE</th><td>10</td><td>5</td><td>50.0%</td><td>4</td></tr>');
  });

  it('in Chinese: the same sections, the scorecard headed 承运商记分卡', async () => {
    const html = reportsPageBody({ reports: await allReports(fakeDeps(), range) }, 'zh-CN');
    const headings = [...html.matchAll(/<h2 id="[^"]+">([^<]+)<\/h2>/g)].map((m) => m[1]);
    expect(headings).toEqual(['案件量', '处理时长与服务时限', '赔付成本', '满意度', '承运商记分卡']);
  });

  it('an invalid range shows the problem and the form, no reports', () => {
    const range = reportRange(new URLSearchParams('from=2026-02-30'), '2026-12-04');
    expect(range).toEqual({ error: expect.stringContaining('real days') });
    const html = reportsPageBody({ problem: (range as { error: string }).error }, 'en');
    expect(html).toMatch(/<form method="get" action="\/console\/reports"/);
    expect(html).toContain('role="alert"');
    expect(html).not.toContain('<section');
    expect(reportRange(new URLSearchParams(''), '2026-12-04')).toEqual({ from: '2026-11-05', to: '2026-12-04', granularity: 'day' });
  });

  it.each(['to=garbage', 'to=%00', 'to=2026-12-4'])('a "to" that is no day, without a "from" (%s), is the same problem, not a crash', (query) => {
    expect(reportRange(new URLSearchParams(query), '2026-12-04')).toEqual({ error: expect.stringContaining('real days') });
  });
});

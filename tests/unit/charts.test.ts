import { describe, expect, it } from 'vitest';
import { barChart, escapeXml, groupedBarChart, lineChart, niceCeiling, stackedBarChart } from '../../functions/web/charts.js';

/** The SVG parsed enough to check structure: elements with a class, and their attributes and text. */
function elements(svg: string, cls: string) {
  const pattern = new RegExp(`<(\\w+) class="${cls}"([^>]*?)(?:/>|>([\\s\\S]*?)</\\1>)`, 'g');
  return [...svg.matchAll(pattern)].map((m) => {
    const attrs = Object.fromEntries([...m[2]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]));
    return { attrs, inner: m[3] ?? '' };
  });
}
const number = (value: string | undefined) => Number(value);

function expectAccessible(svg: string, title: string) {
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg).toMatch(/role="img"/);
  const labelledBy = /aria-labelledby="([^"]+) ([^"]+)"/.exec(svg)!;
  expect(svg).toContain(`<title id="${labelledBy[1]}">${escapeXml(title)}</title>`);
  expect(svg).toContain(`<desc id="${labelledBy[2]}">`);
  expect(svg).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
}

describe('charts: barChart', () => {
  it('makes room for a Chinese label (a CJK character is as wide as the font size, not a Latin letter)', () => {
    const svg = barChart({ title: 'Cost by carrier' }, [
      { label: 'SF Express 顺丰速运', value: 398 },
      { label: 'JD', value: 10 },
    ]);
    // The label is right-aligned at x; its estimated width must fit left of it: 11 Latin characters and 4 CJK ones at 12px.
    expect(number(elements(svg, 'label')[0]!.attrs.x)).toBeGreaterThanOrEqual(11 * 7 + 4 * 12);
  });

  it('one bar per label, widths proportional to the values, a visible label and value for each', () => {
    const svg = barChart({ title: 'Cost by type', format: (v) => `¥${v}` }, [
      { label: 'lost', value: 100 },
      { label: 'damaged', value: 50 },
      { label: 'return', value: 25 },
    ]);
    expectAccessible(svg, 'Cost by type');
    const bars = elements(svg, 'bar');
    expect(bars).toHaveLength(3);
    const widths = bars.map((b) => number(b.attrs.width));
    expect(widths[1]! / widths[0]!).toBeCloseTo(0.5, 2);
    expect(widths[2]! / widths[0]!).toBeCloseTo(0.25, 2);
    expect(elements(svg, 'label').map((l) => l.inner)).toEqual(['lost', 'damaged', 'return']);
    expect(elements(svg, 'value').map((l) => l.inner)).toEqual(['¥100', '¥50', '¥25']);
    expect(svg).toContain('lost: ¥100; damaged: ¥50; return: ¥25.');
  });

  it('negative values (charge-backs) go left of a zero line', () => {
    const svg = barChart({ title: 'Net' }, [
      { label: 'refund', value: 300 },
      { label: 'charge_back', value: -100 },
    ]);
    const [refund, chargeBack] = elements(svg, 'bar');
    const zero = number(elements(svg, 'zero')[0]!.attrs.x1);
    expect(number(refund!.attrs.x)).toBeCloseTo(zero, 1);
    expect(number(chargeBack!.attrs.x) + number(chargeBack!.attrs.width)).toBeCloseTo(zero, 1);
    expect(number(chargeBack!.attrs.width) / number(refund!.attrs.width)).toBeCloseTo(1 / 3, 2);
  });

  it('escapes every caller text (labels, titles, values)', () => {
    const svg = barChart({ title: 'A <b> & "c"', format: (v) => `<${v}>` }, [{ label: '</text><script>x</script>', value: 1 }]);
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;/text&gt;&lt;script&gt;');
    expect(svg).toContain('A &lt;b&gt; &amp; &quot;c&quot;');
    expect(svg).toContain('&lt;1&gt;');
  });

  it('says there is no data instead of drawing an empty axis', () => {
    const svg = barChart({ title: 'Nothing' }, []);
    expectAccessible(svg, 'Nothing');
    expect(elements(svg, 'bar')).toHaveLength(0);
    expect(svg).toContain('No data.');
  });
});

describe('charts: vertical charts', () => {
  const categories = ['SF', 'ZTO', 'JD'];
  const series = [
    { name: 'damaged', values: [0.01, 0.02, null] },
    { name: 'lost', values: [0.005, 0, 0.04] },
  ];

  it('grouped bars: one bar per present value, heights on a nice scale, a legend entry per series', () => {
    const svg = groupedBarChart({ title: 'Rates', format: (v) => `${(v * 100).toFixed(1)}%` }, categories, series);
    expectAccessible(svg, 'Rates');
    const bars = elements(svg, 'bar');
    expect(bars).toHaveLength(5); // JD has no damage rate: no bar, said as "no data"
    expect(svg).toContain('JD no data');
    expect(elements(svg, 'legend').map((l) => l.inner)).toEqual(['damaged', 'lost']);
    expect(elements(svg, 'category').map((l) => l.inner)).toEqual(categories);
    // The axis ends at 0.05 (nice ceiling of 0.04): the 0.04 bar is 80% of the plot's height, the 0.02 bar 40%.
    const ticks = elements(svg, 'tick').map((t) => t.inner);
    expect(ticks.at(-1)).toBe('5.0%');
    const height = (series: string, i: number) => number(bars.filter((b) => b.attrs['data-series'] === series)[i]!.attrs.height);
    expect(height('1', 2) / height('0', 1)).toBeCloseTo(2, 2);
    expect(height('1', 2)).toBeCloseTo(180 * 0.8, 0);
  });

  it('stacked bars: one segment per non-zero value, each stack as tall as its total', () => {
    const svg = stackedBarChart(
      { title: 'Opened per day' },
      ['11-01', '11-02'],
      [
        { name: 'return', values: [3, 1] },
        { name: 'lost', values: [1, 0] },
      ],
    );
    const bars = elements(svg, 'bar');
    expect(bars).toHaveLength(3);
    const stack1 = bars.filter((b) => Number(b.attrs.x) < 300).reduce((sum, b) => sum + number(b.attrs.height), 0);
    const stack2 = bars.filter((b) => Number(b.attrs.x) >= 300).reduce((sum, b) => sum + number(b.attrs.height), 0);
    expect(stack1 / stack2).toBeCloseTo(4, 1);
    expect(svg).toContain('Totals: 11-01 4, 11-02 1.');
  });

  it('lines: a point per value, the line broken where a value is missing', () => {
    const svg = lineChart({ title: 'Share within limit' }, ['d1', 'd2', 'd3', 'd4'], [{ name: 'return', values: [0.9, 0.8, null, 1] }]);
    expect(elements(svg, 'point')).toHaveLength(3);
    const lines = elements(svg, 'line');
    expect(lines).toHaveLength(1); // d1-d2; d4 alone is a point, not a line
    expect(lines[0]!.attrs.points!.split(' ')).toHaveLength(2);
  });

  it('a long legend wraps into rows inside the width, and the plot moves down below it', () => {
    const names = ['return', 'exchange', 'repair', 'damaged', 'lost', 'delayed', 'quality', 'missing_part'];
    const svg = stackedBarChart(
      { title: 'Types', width: 400 },
      ['d1'],
      names.map((name) => ({ name, values: [1] })),
    );
    const keys = elements(svg, 'key').map((k) => ({ x: number(k.attrs.x), y: number(k.attrs.y) }));
    expect(keys).toHaveLength(8);
    const rows = [...new Set(keys.map((k) => k.y))];
    expect(rows.length).toBeGreaterThan(1);
    for (const k of keys) expect(k.x + 12).toBeLessThanOrEqual(400);
    const gridTop = Math.min(...elements(svg, 'grid').map((g) => number(g.attrs.y1)));
    expect(gridTop).toBeGreaterThan(Math.max(...rows) + 12);
  });

  it('niceCeiling rounds an axis end up to 1, 2, 2.5 or 5 × 10^n', () => {
    expect([0, 0.04, 7, 11, 230, 1000].map(niceCeiling)).toEqual([1, 0.05, 10, 20, 250, 1000]);
  });
});

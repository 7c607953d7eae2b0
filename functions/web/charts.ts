/**
 * Charts as inline SVG strings, for server-rendered pages (the operations console's reports). No chart library and no
 * CDN: the page works offline, under a strict CSP, and in a screen reader. Every chart is
 * `<svg role="img" aria-labelledby="<title> <desc>">` with a <title> (what it shows) and a <desc> (the figures in
 * words), visible text labels on axes and bars, and a <title> per bar or point for pointer users. Every text from the
 * caller is escaped. Pure functions: data in, markup out.
 *
 * - barChart: horizontal bars, one per label (handles negative values, e.g. charge-backs, with a zero line);
 * - groupedBarChart: vertical bars, one group per category, one bar per series (rates of several kinds per carrier);
 * - stackedBarChart: vertical stacks per category, one segment per series (volume per day by type);
 * - lineChart: one line per series over categories (a value over time).
 */

export interface Bar {
  label: string;
  value: number;
}

export interface Series {
  name: string;
  /** One value per category; null = no figure (drawn as a gap, said as "no data"). */
  values: Array<number | null>;
}

export interface ChartText {
  /** Short heading of the chart (its accessible name). */
  title: string;
  /** What the chart is about, said before the figures in its description. */
  summary?: string;
  /** How a value is written on labels and in the description; default: the number as is. */
  format?: (value: number) => string;
  width?: number;
}

/** Colours that keep 3:1 contrast against white and apart from one another (Okabe-Ito, colour-blind safe). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999999'];

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A round number ≥ value for the axis' end (1, 2, 2.5, 5 × 10^n), so ticks fall on readable values. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= value)!;
  return step * power;
}

let counter = 0;
/** An id unique within the page, readable from the title (aria-labelledby needs ids). */
function chartId(title: string): string {
  counter += 1;
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 32);
  return `chart-${slug || 'x'}-${counter}`;
}

const num = (n: number) => String(Math.round(n * 10) / 10);

function frame(id: string, text: ChartText, width: number, height: number, description: string, body: string[]): string {
  const summary = text.summary ? `${text.summary} ` : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" font-family="system-ui, sans-serif" font-size="12">`,
    `<title id="${id}-title">${escapeXml(text.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(summary + description)}</desc>`,
    ...body,
    '</svg>',
  ].join('');
}

const empty = (id: string, text: ChartText, width: number) => frame(id, text, width, 40, 'No data.', [`<text class="empty" x="8" y="24" fill="#555">${escapeXml('—')}</text>`]);

/**
 * About how wide a text is at the charts' 12px font: Latin letters about 7px, a CJK or full-width character the whole
 * 12px (a Chinese carrier name was clipped when every character counted as a Latin one).
 */
const textWidth = (text: string) =>
  [...text].reduce((sum, c) => sum + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c) ? 12 : 7), 0);

/** Horizontal bars, one per label, longest scale from the smallest (or 0) to the largest (or 0) value. */
export function barChart(text: ChartText, bars: Bar[]): string {
  const width = text.width ?? 640;
  const id = chartId(text.title);
  if (bars.length === 0) return empty(id, text, width);
  const format = text.format ?? ((v: number) => String(v));
  const labelWidth = Math.min(200, Math.max(60, ...bars.map((b) => textWidth(b.label) + 8)));
  const valueWidth = 90;
  const plot = width - labelWidth - valueWidth;
  const rowHeight = 24;
  const height = bars.length * rowHeight + 8;
  const max = Math.max(0, ...bars.map((b) => b.value));
  const min = Math.min(0, ...bars.map((b) => b.value));
  const span = max - min || 1;
  const x = (v: number) => labelWidth + ((v - min) / span) * plot;
  const zero = x(0);
  const body: string[] = [];
  bars.forEach((bar, i) => {
    const y = 4 + i * rowHeight;
    const left = Math.min(zero, x(bar.value));
    const w = Math.abs(x(bar.value) - zero);
    const label = escapeXml(bar.label);
    const value = escapeXml(format(bar.value));
    body.push(
      `<text class="label" x="${labelWidth - 6}" y="${y + 15}" text-anchor="end">${label}</text>`,
      `<rect class="bar" x="${num(left)}" y="${y + 3}" width="${num(w)}" height="${rowHeight - 8}" fill="${bar.value < 0 ? PALETTE[1] : PALETTE[0]}"><title>${label}: ${value}</title></rect>`,
      `<text class="value" x="${num(Math.max(zero, x(bar.value)) + 4)}" y="${y + 15}">${value}</text>`,
    );
  });
  if (min < 0) body.push(`<line class="zero" x1="${num(zero)}" x2="${num(zero)}" y1="0" y2="${height}" stroke="#333"/>`);
  return frame(id, text, width, height, bars.map((b) => `${b.label}: ${format(b.value)}`).join('; ') + '.', body);
}

interface Plot {
  width: number;
  height: number;
  left: number;
  top: number;
  plotWidth: number;
  plotHeight: number;
  max: number;
  y: (v: number) => number;
}

/** Axes for vertical charts: the value axis from 0 to a nice maximum with 4 ticks, category labels under the plot. */
function verticalPlot(text: ChartText, categories: string[], max: number, legend: string[]): { plot: Plot; body: string[] } {
  const width = text.width ?? 640;
  const left = 56;
  // Legend entries flow in rows across the width, each as wide as its name.
  const keys: Array<{ name: string; x: number; row: number }> = [];
  let lx = left;
  let row = 0;
  for (const name of legend) {
    const w = 24 + textWidth(name);
    if (lx + w > width && lx > left) {
      row += 1;
      lx = left;
    }
    keys.push({ name, x: lx, row });
    lx += w;
  }
  const top = legend.length > 0 ? 10 + (row + 1) * 18 : 10;
  const plotHeight = 180;
  const height = top + plotHeight + 44;
  const plotWidth = width - left - 10;
  const niceMax = niceCeiling(max);
  const y = (v: number) => top + plotHeight - (Math.max(0, v) / niceMax) * plotHeight;
  const format = text.format ?? ((v: number) => String(v));
  const body: string[] = [];
  for (let t = 0; t <= 4; t += 1) {
    const value = (niceMax * t) / 4;
    body.push(
      `<line class="grid" x1="${left}" x2="${left + plotWidth}" y1="${num(y(value))}" y2="${num(y(value))}" stroke="#ddd"/>`,
      `<text class="tick" x="${left - 4}" y="${num(y(value) + 4)}" text-anchor="end">${escapeXml(format(value))}</text>`,
    );
  }
  // Every category label when they fit, otherwise every n-th (the description still says each value).
  const step = Math.max(1, Math.ceil((categories.length * 70) / plotWidth));
  categories.forEach((c, i) => {
    if (i % step !== 0) return;
    const cx = left + ((i + 0.5) * plotWidth) / categories.length;
    body.push(`<text class="category" x="${num(cx)}" y="${top + plotHeight + 16}" text-anchor="middle">${escapeXml(c)}</text>`);
  });
  keys.forEach(({ name, x, row }, i) => {
    const y = 4 + row * 18;
    body.push(
      `<rect class="key" x="${x}" y="${y}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>`,
      `<text class="legend" x="${x + 16}" y="${y + 10}">${escapeXml(name)}</text>`,
    );
  });
  return { plot: { width, height, left, top, plotWidth, plotHeight, max: niceMax, y }, body };
}

function describeSeries(categories: string[], series: Series[], format: (v: number) => string): string {
  return (
    series
      .map((s) => `${s.name}: ${categories.map((c, i) => `${c} ${s.values[i] === null || s.values[i] === undefined ? 'no data' : format(s.values[i]!)}`).join(', ')}`)
      .join('; ') + '.'
  );
}

/** Vertical bars grouped by category, one bar per series in the series' colour (values below 0 are drawn at 0). */
export function groupedBarChart(text: ChartText, categories: string[], series: Series[]): string {
  const id = chartId(text.title);
  if (categories.length === 0 || series.length === 0) return empty(id, text, text.width ?? 640);
  const format = text.format ?? ((v: number) => String(v));
  const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const { plot, body } = verticalPlot(
    text,
    categories,
    max,
    series.map((s) => s.name),
  );
  const group = plot.plotWidth / categories.length;
  const barWidth = Math.max(2, (group * 0.8) / series.length);
  categories.forEach((category, c) => {
    series.forEach((s, k) => {
      const value = s.values[c];
      if (value === null || value === undefined) return;
      const x = plot.left + c * group + group * 0.1 + k * barWidth;
      const top = plot.y(value);
      body.push(
        `<rect class="bar" data-series="${k}" x="${num(x)}" y="${num(top)}" width="${num(barWidth - 1)}" height="${num(plot.top + plot.plotHeight - top)}" fill="${PALETTE[k % PALETTE.length]}"><title>${escapeXml(`${category}, ${s.name}: ${format(value)}`)}</title></rect>`,
      );
    });
  });
  return frame(id, text, plot.width, plot.height, describeSeries(categories, series, format), body);
}

/** Vertical stacks, one per category, one segment per series (negative and missing values count as 0). */
export function stackedBarChart(text: ChartText, categories: string[], series: Series[]): string {
  const id = chartId(text.title);
  if (categories.length === 0 || series.length === 0) return empty(id, text, text.width ?? 640);
  const format = text.format ?? ((v: number) => String(v));
  const totals = categories.map((_, c) => series.reduce((sum, s) => sum + Math.max(0, s.values[c] ?? 0), 0));
  const { plot, body } = verticalPlot(
    text,
    categories,
    Math.max(...totals),
    series.map((s) => s.name),
  );
  const group = plot.plotWidth / categories.length;
  const barWidth = Math.max(2, group * 0.7);
  categories.forEach((category, c) => {
    let base = 0;
    series.forEach((s, k) => {
      const value = Math.max(0, s.values[c] ?? 0);
      if (value === 0) return;
      const top = plot.y(base + value);
      const bottom = plot.y(base);
      base += value;
      body.push(
        `<rect class="bar" data-series="${k}" x="${num(plot.left + c * group + group * 0.15)}" y="${num(top)}" width="${num(barWidth)}" height="${num(bottom - top)}" fill="${PALETTE[k % PALETTE.length]}"><title>${escapeXml(`${category}, ${s.name}: ${format(value)}`)}</title></rect>`,
      );
    });
  });
  const totalsText = categories.map((c, i) => `${c} ${format(totals[i]!)}`).join(', ');
  return frame(id, text, plot.width, plot.height, `Totals: ${totalsText}. ${describeSeries(categories, series, format)}`, body);
}

/** One line per series across the categories (in order, e.g. days); a null value breaks the line. */
export function lineChart(text: ChartText, categories: string[], series: Series[]): string {
  const id = chartId(text.title);
  if (categories.length === 0 || series.length === 0) return empty(id, text, text.width ?? 640);
  const format = text.format ?? ((v: number) => String(v));
  const max = Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const { plot, body } = verticalPlot(
    text,
    categories,
    max,
    series.map((s) => s.name),
  );
  const x = (i: number) => plot.left + ((i + 0.5) * plot.plotWidth) / categories.length;
  series.forEach((s, k) => {
    const colour = PALETTE[k % PALETTE.length];
    const runs: string[][] = [[]];
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) runs.push([]);
      else runs.at(-1)!.push(`${num(x(i))},${num(plot.y(v))}`);
    });
    for (const run of runs.filter((r) => r.length > 1))
      body.push(`<polyline class="line" data-series="${k}" points="${run.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) return;
      body.push(
        `<circle class="point" data-series="${k}" cx="${num(x(i))}" cy="${num(plot.y(v))}" r="3" fill="${colour}"><title>${escapeXml(`${categories[i]}, ${s.name}: ${format(v)}`)}</title></circle>`,
      );
    });
  });
  return frame(id, text, plot.width, plot.height, describeSeries(categories, series, format), body);
}

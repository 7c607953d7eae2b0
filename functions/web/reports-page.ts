/**
 * The reports page's body (issue 10, "Reports"): case volume, resolution time against the service limit, compensation
 * cost, satisfaction, and the carrier scorecard, as tables and inline SVG charts (functions/web/charts.ts).
 *
 * Interface for the console (functions/web/console/reports.ts wraps this in its layout):
 *
 *   const range = reportRange(new URL(req.url).searchParams, localDateOf(new Date(), calendar.timeZone));
 *   if ('error' in range) -> show range.error (a sentence), with the form: reportsPageBody({ problem: range.error, ... })
 *   const reports = await loadReports({ reports, ledger, satisfaction, policy }, range);   // caseStores(), markets().market().policy
 *   const html = reportsPageBody({ reports }, locale);   // an HTML fragment: no <html>, <body> or <h1>
 *
 * The fragment has a GET form (from, to, granularity) posting to `formAction` (default /console/reports) and one
 * <section> per report with an <h2>: "Case volume", "Resolution time against the service limit", "Compensation cost",
 * "Satisfaction", "Carrier scorecard" (zh-CN: 案件量, 处理时长与服务时限, 赔付成本, 满意度, 承运商记分卡). Every caller
 * text is escaped; no script, no external asset. Reading the reports needs a supervisor (ROUTE_ROLES /ops/reports/).
 * Classes the console's stylesheet may style: section.report, figure.chart (each SVG is width 100%, scaled by its
 * viewBox), div.table-wrap, p.muted, p.error, form.report-range. The same data as JSON: GET /ops/reports/*.
 */
import { CARRIERS } from '../domain/carriers.js';
// The reports are read in the operators' console, in its languages (not the customers' notice languages).
import type { ConsoleLocale as Locale } from './console/text.js';
import { escapeHtml } from '../domain/notices/layout.js';
import { formatMoney } from '../domain/notices/format.js';
import { CARRIER_CLAIM_KINDS, GRANULARITIES, type Granularity } from '../domain/reports.js';
import { addCalendarDays } from '../domain/working-days.js';
import { isDay, MAX_REPORT_DAYS } from '../http/ops-report-routes.js';
import { allReports, type AllReports, type ReportDeps, type ReportRange } from '../use-cases/reports.js';
import { barChart, groupedBarChart, lineChart, stackedBarChart } from './charts.js';

export type { ReportDeps, ReportRange };

/** Every report over the range, read from the counters (one Query per month and shard, never a scan). */
export function loadReports(deps: ReportDeps, range: ReportRange): Promise<AllReports> {
  return allReports(deps, range);
}

/** The last 30 local days up to `today` unless the query says otherwise; an invalid query gives the sentence to show. */
export function reportRange(params: URLSearchParams, today: string): ReportRange | { error: string } {
  const to = params.get('to') || today;
  // The default start counts back from `to` only when `to` is a day (addCalendarDays throws on anything else).
  const from = params.get('from') || (isDay(to) ? addCalendarDays(to, -29) : '');
  const granularity = (params.get('granularity') || 'day') as Granularity;
  const days = isDay(from) && isDay(to) ? (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 : 0;
  if (days < 1 || days > MAX_REPORT_DAYS || !GRANULARITIES.includes(granularity)) {
    return { error: `Use real days (YYYY-MM-DD), from ≤ to, at most ${MAX_REPORT_DAYS} days, and granularity day or month.` };
  }
  return { from, to, granularity };
}

export interface ReportsPageInput {
  reports?: AllReports;
  /** Shown instead of the reports (e.g. an invalid range), with the form to correct it. */
  problem?: string;
  /** The range to put in the form when there are no reports. */
  range?: ReportRange;
  formAction?: string;
}

const TEXT = {
  en: {
    from: 'From',
    to: 'To',
    granularity: 'Group by',
    day: 'Day',
    month: 'Month',
    show: 'Show',
    volume: 'Case volume',
    volumeIntro: (opened: number, closed: number) => `${opened} cases opened, ${closed} closed (counted on the day received or closed, Asia/Shanghai).`,
    openedByType: 'Cases opened per period, by type',
    openedByReason: 'Cases opened by reason',
    closedByOutcome: 'Cases closed by outcome',
    resolution: 'Resolution time against the service limit',
    resolutionIntro: 'Services completed (remedy confirmed) in the period, in working days from the clock’s start, pauses excluded.',
    withinLimitChart: 'Share completed within the service limit, by type',
    resolutionCols: ['Type', 'Completed', 'Limit (working days)', 'Within limit', 'Median ≤', '90% ≤', 'Mean'],
    compensation: 'Compensation cost',
    compensationIntro: 'From the cost ledger, per currency (never added across currencies); charge-backs are negative.',
    costBy: { type: 'by type', remedy: 'by remedy', carrier: 'by carrier' },
    costByMarket: 'By market, each in its own currency',
    marketCols: ['Market', 'Currency', 'Cost', 'Entries'],
    satisfaction: 'Satisfaction',
    satisfactionIntro: (rate: string, n: number) => `${n} answers; response rate ${rate}. Average overall score (1–5):`,
    satBy: { type: 'by type', carrier: 'by carrier', remedy: 'by remedy', market: 'by market' },
    satCols: ['Group', 'Invited', 'Answered', 'Response rate', 'Overall'],
    scorecard: 'Carrier scorecard',
    scorecardIntro:
      'Per carrier, by the day parcels were shipped: parcels announced by the order platform, claims on them, and claims confirmed (closed approved), each over the parcels. Recent periods grow as claims still arrive.',
    scorecardChart: 'Confirmed claims per parcel shipped, by carrier',
    scorecardTrend: 'Confirmed claims (damaged, lost and late together) per parcel shipped, per period',
    scorecardCols: ['Carrier', 'Parcels', 'Damaged (confirmed of claims)', 'Damage rate (claims)', 'Lost', 'Loss rate (claims)', 'Late', 'Delay rate (claims)'],
    kinds: { damaged: 'damaged', lost: 'lost', delayed: 'late' },
    claimsOf: (confirmed: number, claims: number) => `${confirmed} of ${claims}`,
    all: 'All carriers',
    total: 'All',
    empty: 'Nothing counted in this period.',
    none: '—',
    over: 'over 30',
  },
  'zh-CN': {
    from: '开始日期',
    to: '结束日期',
    granularity: '汇总方式',
    day: '按日',
    month: '按月',
    show: '查看',
    volume: '案件量',
    volumeIntro: (opened: number, closed: number) => `新建 ${opened} 件，结案 ${closed} 件（按受理或结案当日计，北京时间）。`,
    openedByType: '各期新建案件（按类型）',
    openedByReason: '新建案件（按原因）',
    closedByOutcome: '结案（按结果）',
    resolution: '处理时长与服务时限',
    resolutionIntro: '本期完成的服务（赔付已确认），自计时开始按工作日计，暂停时间不计。',
    withinLimitChart: '时限内完成比例（按类型）',
    resolutionCols: ['类型', '完成数', '时限（工作日）', '时限内', '中位数 ≤', '90% ≤', '平均'],
    compensation: '赔付成本',
    compensationIntro: '来自成本台账，按币种分列（不同币种不相加）；追回款为负数。',
    costBy: { type: '按类型', remedy: '按补救方式', carrier: '按承运商' },
    costByMarket: '按市场（各按其币种）',
    marketCols: ['市场', '币种', '成本', '笔数'],
    satisfaction: '满意度',
    satisfactionIntro: (rate: string, n: number) => `共 ${n} 份回答，回复率 ${rate}。总体平均分（1–5）：`,
    satBy: { type: '按类型', carrier: '按承运商', remedy: '按补救方式', market: '按市场' },
    satCols: ['分组', '已邀请', '已回答', '回复率', '总体'],
    scorecard: '承运商记分卡',
    scorecardIntro: '按包裹发货日统计各承运商：订单平台告知的包裹数、对这些包裹的索赔数及已确认（批准结案）的索赔数，均除以包裹数。近期数据会随后续索赔增加。',
    scorecardChart: '每件包裹的已确认索赔率（按承运商）',
    scorecardTrend: '各期已确认索赔率（破损、丢失、延误合计，按承运商）',
    scorecardCols: ['承运商', '包裹数', '破损（确认 / 索赔）', '破损率（索赔率）', '丢失', '丢失率（索赔率）', '延误', '延误率（索赔率）'],
    kinds: { damaged: '破损', lost: '丢失', delayed: '延误' },
    claimsOf: (confirmed: number, claims: number) => `${confirmed} / ${claims}`,
    all: '全部承运商',
    total: '合计',
    empty: '本期没有数据。',
    none: '—',
    over: '超过 30',
  },
} as const;

const percent = (value: number | null | undefined, digits = 1) => (value === null || value === undefined ? '—' : `${(value * 100).toFixed(digits)}%`);
const carrierName = (code: string) => CARRIERS.find((c) => c.code === code)?.name ?? code;

function table(headers: readonly string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${escapeHtml(empty)}</p>`;
  const head = headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((cell, i) => (i === 0 ? `<th scope="row">${cell}</th>` : `<td>${cell}</td>`)).join('')}</tr>`).join('');
  return `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

const section = (id: string, heading: string, content: string) =>
  `<section class="report" id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${escapeHtml(heading)}</h2>${content}</section>`;
/** A chart with its title as a visible caption (the SVG's own <title> names it for screen readers). */
const figure = (svg: string) => {
  const title = /<title id="[^"]+">([^<]*)<\/title>/.exec(svg)?.[1] ?? '';
  return `<figure class="chart"><figcaption>${title}</figcaption>${svg}</figure>`;
};
const intro = (text: string) => `<p class="muted">${escapeHtml(text)}</p>`;

function form(range: ReportRange | undefined, action: string, t: (typeof TEXT)[Locale]): string {
  const value = (v: string | undefined) => (v ? ` value="${escapeHtml(v)}"` : '');
  const options = GRANULARITIES.map((g) => `<option value="${g}"${g === range?.granularity ? ' selected' : ''}>${escapeHtml(t[g])}</option>`).join('');
  return `<form method="get" action="${escapeHtml(action)}" class="report-range">
<label for="rp-from">${escapeHtml(t.from)}</label> <input id="rp-from" type="date" name="from"${value(range?.from)}>
<label for="rp-to">${escapeHtml(t.to)}</label> <input id="rp-to" type="date" name="to"${value(range?.to)}>
<label for="rp-granularity">${escapeHtml(t.granularity)}</label> <select id="rp-granularity" name="granularity">${options}</select>
<button type="submit">${escapeHtml(t.show)}</button></form>`;
}

function volumeSection(r: AllReports['volume'], t: (typeof TEXT)[Locale]): string {
  const top = (series: typeof r.byReason, n: number) => series.slice(0, n).map((s) => ({ label: s.key, value: s.total }));
  return section(
    'report-volume',
    t.volume,
    intro(t.volumeIntro(r.opened, r.closed)) +
      figure(
        stackedBarChart(
          { title: t.openedByType },
          r.periods,
          r.byType.map((s) => ({ name: s.key, values: s.values })),
        ),
      ) +
      figure(barChart({ title: t.openedByReason }, top(r.byReason, 12))) +
      figure(barChart({ title: t.closedByOutcome }, top(r.closedByOutcome, 10))),
  );
}

function resolutionSection(r: AllReports['resolution'], t: (typeof TEXT)[Locale]): string {
  const atMost = (v: number | null | undefined) => (v === undefined ? t.none : v === null ? t.over : String(v));
  const rows = r.types.map((x) => [
    escapeHtml(x.type),
    String(x.resolved),
    `${x.limit.workingDays} (${x.limit.expeditedWorkingDays})`,
    `${x.withinLimit} · ${percent(x.shareWithinLimit)}`,
    atMost(x.medianWorkingDaysAtMost),
    atMost(x.p90WorkingDaysAtMost),
    x.meanWorkingDays === null ? t.none : String(x.meanWorkingDays),
  ]);
  if (r.total.resolved > 0)
    rows.push([
      escapeHtml(t.total),
      String(r.total.resolved),
      '',
      `${r.total.withinLimit} · ${percent(r.total.shareWithinLimit)}`,
      atMost(r.total.medianWorkingDaysAtMost),
      atMost(r.total.p90WorkingDaysAtMost),
      r.total.meanWorkingDays === null ? t.none : String(r.total.meanWorkingDays),
    ]);
  const chart = barChart(
    { title: t.withinLimitChart, format: (v) => percent(v) },
    r.types.map((x) => ({ label: x.type, value: x.shareWithinLimit ?? 0 })),
  );
  return section('report-resolution', t.resolution, intro(t.resolutionIntro) + table(t.resolutionCols, rows, t.empty) + (r.types.length > 0 ? figure(chart) : ''));
}

function compensationSection(r: AllReports['compensation'], t: (typeof TEXT)[Locale], locale: Locale): string {
  if (r.currencies.length === 0) return section('report-compensation', t.compensation, intro(t.compensationIntro) + `<p class="muted">${escapeHtml(t.empty)}</p>`);
  const parts = r.currencies.map((c) => {
    const money = (v: number) => formatMoney(v, c.currency, locale);
    const chart = (dimension: 'type' | 'remedy' | 'carrier', lines: typeof c.byType) =>
      figure(
        barChart(
          { title: `${t.compensation} (${c.currency}) ${t.costBy[dimension]}`, format: money },
          lines.map((l) => ({ label: dimension === 'carrier' ? carrierName(l.key) : l.key, value: l.amount })),
        ),
      );
    return `<h3>${escapeHtml(`${c.currency}: ${money(c.amount)}`)}</h3>${chart('type', c.byType)}${chart('remedy', c.byRemedy)}${chart('carrier', c.byCarrier)}`;
  });
  // One row per market and currency: a market's amounts are never added across currencies either.
  const marketRows = r.markets.map((m) => [escapeHtml(m.market), escapeHtml(m.currency), escapeHtml(formatMoney(m.amount, m.currency, locale)), String(m.entries)]);
  const byMarket = marketRows.length > 0 ? `<h3>${escapeHtml(t.costByMarket)}</h3>${table(t.marketCols, marketRows, t.empty)}` : '';
  return section('report-compensation', t.compensation, intro(t.compensationIntro) + byMarket + parts.join(''));
}

function satisfactionSection(r: AllReports['satisfaction'], t: (typeof TEXT)[Locale]): string {
  const groups = { type: r.byType, carrier: r.byCarrier, remedy: r.byRemedy, market: r.byMarket } as const;
  const label = (dimension: keyof typeof groups, key: string) => (dimension === 'carrier' ? carrierName(key) : key);
  const parts = (Object.keys(groups) as Array<keyof typeof groups>).map((dimension) => {
    const lines = groups[dimension].filter((g) => g.averages.overall !== null);
    const rows = groups[dimension].map((g) => [
      escapeHtml(label(dimension, g.key)),
      String(g.invited),
      String(g.answered),
      percent(g.responseRate),
      g.averages.overall === null ? t.none : String(g.averages.overall),
    ]);
    return (
      figure(
        barChart(
          { title: `${t.satisfaction} ${t.satBy[dimension]}`, format: (v) => v.toFixed(2) },
          lines.map((g) => ({ label: label(dimension, g.key), value: g.averages.overall! })),
        ),
      ) + `<details><summary>${escapeHtml(`${t.satisfaction} ${t.satBy[dimension]}`)}</summary>${table(t.satCols, rows, t.empty)}</details>`
    );
  });
  return section('report-satisfaction', t.satisfaction, intro(t.satisfactionIntro(percent(r.total.responseRate), r.total.answered)) + parts.join(''));
}

function scorecardSection(r: AllReports['carriers'], t: (typeof TEXT)[Locale]): string {
  const row = (name: string, x: AllReports['carriers']['allCarriers']) => [
    escapeHtml(name),
    String(x.shipments),
    ...CARRIER_CLAIM_KINDS.flatMap((k) => [
      escapeHtml(t.claimsOf(x.confirmed[k], x.claims[k])),
      `${percent(x.rates[k], 2)} <span class="muted">(${percent(x.claimRates[k], 2)})</span>`,
    ]),
  ];
  const rows = r.carriers.map((x) => row(carrierName(x.carrier), x));
  if (r.carriers.length > 1) rows.push(row(t.all, r.allCarriers));
  const rated = r.carriers.filter((x) => x.shipments > 0);
  const chart = groupedBarChart(
    { title: t.scorecardChart, format: (v) => percent(v, 2) },
    rated.map((x) => x.carrier),
    CARRIER_CLAIM_KINDS.map((k) => ({ name: t.kinds[k], values: rated.map((x) => x.rates[k]) })),
  );
  // Per period, one line per carrier: all confirmed claims over its parcels shipped in that period (no parcels: a gap).
  const trend = lineChart(
    { title: t.scorecardTrend, format: (v) => percent(v, 2) },
    r.periods.map((p) => p.period),
    rated.map((x) => ({
      name: x.carrier,
      values: r.periods.map((p) => {
        const row = p.carriers.find((c) => c.carrier === x.carrier);
        const confirmed = row ? CARRIER_CLAIM_KINDS.reduce((sum, k) => sum + row.confirmed[k], 0) : 0;
        return row && row.shipments > 0 ? confirmed / row.shipments : null;
      }),
    })),
  );
  const charts = rated.length > 0 ? figure(chart) + (r.periods.length > 1 ? figure(trend) : '') : '';
  return section('report-carriers', t.scorecard, intro(t.scorecardIntro) + table(t.scorecardCols, rows, t.empty) + charts);
}

/** The reports as an HTML fragment in the operator's language (see the interface at the top of this file). */
export function reportsPageBody(input: ReportsPageInput, locale: Locale): string {
  const t = TEXT[locale];
  const r = input.reports;
  const head = form(r?.range ?? input.range, input.formAction ?? '/console/reports', t);
  if (input.problem || !r) return head + (input.problem ? `<p role="alert" class="error">${escapeHtml(input.problem)}</p>` : '');
  return (
    head +
    volumeSection(r.volume, t) +
    resolutionSection(r.resolution, t) +
    compensationSection(r.compensation, t, locale) +
    satisfactionSection(r.satisfaction, t) +
    scorecardSection(r.carriers, t)
  );
}

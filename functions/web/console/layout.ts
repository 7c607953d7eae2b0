import type { MarketZone } from '../../domain/market-policies.js';
import type { Operator } from '../../domain/operators.js';
import { zoneOffsetMs } from '../../domain/working-days.js';
import { escapeHtml } from '../layout.js';
import { TEXT, type ConsoleLocale, type ConsoleText } from './text.js';

export type { MarketZone };

export { escapeHtml, TEXT, type ConsoleLocale, type ConsoleText };

/** What every console page knows about the request: who, in which language, the CSRF token for its forms. */
export interface ConsoleContext {
  operator: Operator;
  locale: ConsoleLocale;
  csrf: string;
  /** This page's path and query, for the language switch to come back to. */
  path: string;
  now: Date;
  /** The default market's zone: the days of the search's From / To and of the reports, and the alerts' times. */
  timeZone: string;
  /** The market a case is shown under (absent `market`: the default market, as a case from before markets) and its zone. */
  zoneOf(market: string | undefined): MarketZone;
}

// Readable on a laptop and a phone: one column under 48rem, tables scroll sideways, no external assets.
const STYLE = `*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;line-height:1.45;color:#1a1a1a;background:#f6f7f9}
header{background:#1f2a37;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}header a{color:#fff}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0;padding:0}nav a[aria-current]{font-weight:700;text-decoration:none;border-bottom:2px solid #fff}
.who{margin-left:auto;display:flex;gap:.75rem;align-items:center;font-size:.9rem}.who button{background:none;border:1px solid #fff;color:#fff;padding:.2rem .6rem}
main{max-width:72rem;margin:0 auto;padding:1rem}h1{font-size:1.4rem;margin:.25rem 0 1rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.scroll{overflow-x:auto;background:#fff;border:1px solid #d8dde3;border-radius:.4rem}table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #e5e8ec;vertical-align:top}th{background:#eef1f4;white-space:nowrap}
.ok{color:#1b6b35}.warn{color:#8a5300;font-weight:600}.late{color:#a51d2d;font-weight:700}.muted{color:#5c6670}
.badge{display:inline-block;border-radius:.8rem;padding:0 .5rem;font-size:.8rem;border:1px solid currentColor;white-space:nowrap}
dl{display:grid;grid-template-columns:minmax(8rem,auto) 1fr;gap:.25rem 1rem;background:#fff;border:1px solid #d8dde3;border-radius:.4rem;padding:.75rem;margin:0}dt{color:#5c6670}dd{margin:0;overflow-wrap:anywhere}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:1rem}form.card,section.card{background:#fff;border:1px solid #d8dde3;border-radius:.4rem;padding:.75rem}
label{display:block;margin:.4rem 0 .15rem;font-weight:600}input,select,textarea{font:inherit;width:100%;padding:.35rem;border:1px solid #9aa4ae;border-radius:.3rem}textarea{min-height:4rem}
button{font:inherit;padding:.45rem 1rem;border-radius:.35rem;border:1px solid #1a4c8b;background:#1a5fb4;color:#fff;cursor:pointer;margin-top:.5rem}button.danger{background:#a51d2d;border-color:#7d1020}button.plain{background:#fff;color:#1a1a1a;border-color:#9aa4ae}
.info{border-left:4px solid #1a5fb4;background:#eaf2fc;padding:.5rem .75rem;margin:0 0 1rem}.caution{border-left:4px solid #8a5300;background:#fdf3e1;padding:.5rem .75rem;margin:0 0 1rem}
.inline{display:inline}.inline button{margin:0}.error{border-left:4px solid #a51d2d;background:#fdecee;padding:.5rem .75rem;margin:0 0 1rem}.done{border-left:4px solid #1b6b35;background:#e9f6ee;padding:.5rem .75rem;margin:0 0 1rem}
.photos{display:flex;flex-wrap:wrap;gap:.5rem}.photos img{max-width:12rem;max-height:12rem;border:1px solid #d8dde3;border-radius:.3rem;background:#fff}
time{white-space:nowrap}.results table{font-size:.82rem}.results th,.results td{padding:.4rem .35rem}.results td a{white-space:nowrap}.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}form.search{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.25rem 1rem;align-items:end}
@media (max-width:48rem){.who{margin-left:0}main{padding:.6rem}dl{grid-template-columns:1fr}dt{margin-top:.3rem}}`;

/**
 * Headers of every console page: never cached or framed, no scripts at all, forms post only to us. Evidence photos
 * are shown from wherever the order platform keeps them (any http(s) host), never with a Referer.
 */
export const CONSOLE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // Same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` on form posts, and the CSRF check
  // compares the Origin with our own. Other sites (photos, the AWS console) still get no Referer.
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src https: http:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
} as const;

const NAV = ['queue', 'search', 'sla', 'alerts', 'followUps', 'reports'] as const;
const NAV_PATHS: Record<(typeof NAV)[number], string> = {
  queue: '/console',
  search: '/console/search',
  sla: '/console/sla',
  alerts: '/console/alerts',
  followUps: '/console/follow-ups',
  reports: '/console/reports',
};

/** A whole console page: navigation, who is signed in, the language switch and sign-out, then the body (escaped by the caller). */
export function consolePage(ctx: ConsoleContext, current: (typeof NAV)[number] | undefined, title: string, body: string): string {
  const t = TEXT[ctx.locale];
  const other: ConsoleLocale = ctx.locale === 'en' ? 'zh-CN' : 'en';
  const links = NAV.filter((item) => item !== 'reports' || ctx.operator.role === 'supervisor')
    .map((item) => `<li><a href="${NAV_PATHS[item]}"${item === current ? ' aria-current="page"' : ''}>${escapeHtml(t.nav[item])}</a></li>`)
    .join('');
  const switchTo = `/console/language?to=${other}&amp;back=${encodeURIComponent(ctx.path)}`;
  return `<!doctype html><html lang="${ctx.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="same-origin"><title>${escapeHtml(title)} · ${escapeHtml(t.product)}</title><style>${STYLE}</style></head><body>
<header><strong>${escapeHtml(t.product)}</strong><nav aria-label="${escapeHtml(t.navLabel)}"><ul>${links}</ul></nav>
<div class="who"><span>${escapeHtml(ctx.operator.name)} (${escapeHtml(t.roles[ctx.operator.role])})</span><a href="${switchTo}" lang="${other}">${escapeHtml(TEXT[other].languageName)}</a>
<form method="post" action="/console/sign-out" class="inline">${csrfField(ctx)}<button type="submit">${escapeHtml(t.signOut)}</button></form></div></header>
<main>${body}</main></body></html>`;
}

export const csrfField = (ctx: Pick<ConsoleContext, 'csrf'>) => `<input type="hidden" name="csrf" value="${escapeHtml(ctx.csrf)}">`;

/** A table with a header row; cells are HTML already escaped by the caller. */
export function table(headers: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${escapeHtml(empty)}</p>`;
  const head = headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/**
 * A time in a zone (a case's market's; absent: the default market's), in the operator's language, with the zone's
 * UTC offset at that instant ("Jul 5, 14:00 UTC+2"): cases of several markets side by side are never ambiguous, and
 * a summer and a winter time of one market show their own offsets. The console's one way of showing a time.
 */
export function when(ctx: Pick<ConsoleContext, 'locale' | 'timeZone'>, iso: string | undefined, timeZone = ctx.timeZone): string {
  if (!iso) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '—';
  return `${timeFormat(ctx.locale, timeZone).format(at)} ${utcOffsetLabel(at, timeZone)}`;
}

/** A time as a page shows it: `when`, in a `<time>` element (its instant in `datetime`, kept on one line). */
export function timeHtml(ctx: Pick<ConsoleContext, 'locale' | 'timeZone'>, iso: string | undefined, timeZone = ctx.timeZone): string {
  const shown = when(ctx, iso, timeZone);
  return shown === '—' ? shown : `<time datetime="${escapeHtml(new Date(iso!).toISOString())}">${escapeHtml(shown)}</time>`;
}

// One formatter per language and zone: a list of 100 cases formats 200 times, and building a formatter costs more.
const timeFormats = new Map<string, Intl.DateTimeFormat>();
function timeFormat(locale: ConsoleLocale, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale} ${timeZone}`;
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    timeFormats.set(key, format);
  }
  return format;
}

/** The zone's offset at an instant as `UTC+8`, `UTC+5:30`, `UTC-3` or `UTC`: the same in both languages. */
export function utcOffsetLabel(at: Date, timeZone: string): string {
  const minutes = Math.round(zoneOffsetMs(at, timeZone) / 60_000);
  if (minutes === 0) return 'UTC';
  const abs = Math.abs(minutes);
  return `UTC${minutes < 0 ? '-' : '+'}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : ''}`;
}

/**
 * A list's market cell: the market's code, its zone's name on hover (a `title`, which not every screen reader reads)
 * and in visually hidden text, so the zone is in the cell's text for whoever cannot hover.
 */
export const marketCell = (zone: MarketZone) =>
  `<abbr title="${escapeHtml(zone.timeZone)}">${escapeHtml(zone.market)}</abbr><span class="visually-hidden"> (${escapeHtml(zone.timeZone)})</span>`;

/** Money in minor units, in the operator's language. */
export function money(ctx: Pick<ConsoleContext, 'locale'>, amount: number | undefined, currency: string | undefined): string {
  if (amount === undefined || !currency) return '—';
  const format = new Intl.NumberFormat(ctx.locale, { style: 'currency', currency });
  return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

/** A duration as hours and minutes (or days), for waiting times. */
export function duration(locale: ConsoleLocale, ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (locale === 'en') return days > 0 ? `${days} d ${hours} h` : hours > 0 ? `${hours} h ${mins} min` : `${mins} min`;
  return days > 0 ? `${days} 天 ${hours} 小时` : hours > 0 ? `${hours} 小时 ${mins} 分` : `${mins} 分钟`;
}

export const caseLink = (caseId: string) => `<a href="/console/cases/${encodeURIComponent(caseId)}">${escapeHtml(caseId)}</a>`;

/**
 * A page's message: an action done (post/redirect/get `done`), its refusal in words (`error`, the only one in the error
 * colour), or what the operator should know and do next (`info`; `caution` when something is left out).
 */
export function notice(kind: 'done' | 'error' | 'info' | 'caution', text: string): string {
  return kind === 'error' ? `<p role="alert" class="error">${escapeHtml(text)}</p>` : `<p role="status" class="${kind}">${escapeHtml(text)}</p>`;
}

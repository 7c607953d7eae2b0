import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Locale } from '../domain/case.js';
import { knownLocale } from '../domain/locale.js';
import { escapeHtml } from '../domain/notices.js';

/** The customer pages (status page, survey) are written in every notice language. */
export type PageLocale = Locale;

/**
 * The customer's language for a page: the case's or survey's (one we write in), else the market's language (default
 * the CN market's).
 */
export const pageLocale = (locale: string | undefined, marketLocale: Locale = 'zh-CN'): PageLocale => knownLocale(locale, marketLocale);

// Small, readable on a phone, no external assets; large touch targets for the rating scales and buttons.
const STYLE = `body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:34rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1a1a1a}
h1{font-size:1.4rem;margin:.5rem 0 1rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
fieldset{border:1px solid #ccc;border-radius:.5rem;margin:0 0 1rem;padding:.75rem}legend{font-weight:600;padding:0 .25rem}
.scale{display:flex;gap:.4rem;margin:.25rem 0}.scale label{flex:1;text-align:center;border:1px solid #999;border-radius:.5rem;padding:.6rem 0;cursor:pointer}
.scale input{display:block;margin:0 auto .2rem}.hint{font-size:.85rem;color:#555;margin:.25rem 0}
textarea{width:100%;box-sizing:border-box;min-height:6rem;font:inherit}button{font-size:1rem;padding:.7rem 1.5rem;border-radius:.5rem;border:1px solid #333;background:#1a5fb4;color:#fff}
button.secondary{background:#fff;color:#1a1a1a}.error{color:#a51d2d;font-weight:600}.box{border-left:4px solid #1a5fb4;background:#f2f6fc;padding:.5rem .75rem;margin:1rem 0}
ol.progress{list-style:none;padding:0}ol.progress li{padding:.4rem 0 .4rem 2rem;position:relative}ol.progress li::before{position:absolute;left:0;width:1.4rem;text-align:center}
ol.progress li.done::before{content:"✓";color:#26a269}ol.progress li.current{font-weight:700}ol.progress li.current::before{content:"●";color:#1a5fb4}
ol.progress li.upcoming{color:#666}ol.progress li.upcoming::before{content:"○"}dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}dt{color:#555}dd{margin:0}
blockquote.note{margin:.25rem 0 1rem;padding:.5rem .75rem;border-left:4px solid #999;background:#f6f6f6;overflow-wrap:anywhere}`;

/** A whole page: the language, a viewport for phones, the title, the body (already escaped by the caller). */
export function page(locale: PageLocale, title: string, body: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style>
</head><body><main>${body}</main></body></html>`;
}

/**
 * The headers of every customer page: never cached (links are credentials and the content changes), never sent on
 * as a Referer, no scripts at all (inline styles only), forms post only back to us, and never framed.
 */
export function htmlResponse(statusCode: number, body: string, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      ...headers,
    },
    body,
  };
}

export { escapeHtml };

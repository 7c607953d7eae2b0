import { escapeHtml } from '../layout.js';
import { CONSOLE_HEADERS, TEXT, type ConsoleLocale } from './layout.js';

export { CONSOLE_HEADERS };

/** A small page outside the signed-in layout: after the sign-in callback, or when signing in failed. */
export function plainPage(locale: ConsoleLocale, title: string, body: string, refreshTo?: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer">${
    refreshTo ? `<meta http-equiv="refresh" content="0;url=${escapeHtml(refreshTo)}">` : ''
  }<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;line-height:1.5}</style></head><body><main>${body}</main></body></html>`;
}

/**
 * After the callback: the session cookie is SameSite=Strict, and a navigation that came from the sign-in site does not
 * carry it, so this page moves on with a same-site navigation (meta refresh, or the link) that does.
 */
export const continuePage = (locale: ConsoleLocale, to: string) =>
  plainPage(locale, TEXT[locale].signIn.title, `<p><a href="${escapeHtml(to)}">${escapeHtml(TEXT[locale].signIn.continue)}</a></p>`, to);

export const signInProblemPage = (locale: ConsoleLocale, text: string) =>
  plainPage(locale, TEXT[locale].signIn.title, `<h1>${escapeHtml(text)}</h1><p><a href="/console">${escapeHtml(TEXT[locale].signIn.again)}</a></p>`);

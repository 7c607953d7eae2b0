import type { Locale } from '../case.js';
import type { Copy } from './copy.js';
import { renderWithCopy } from './render.js';
import type { NoticeData, RenderedNotice, RenderOptions } from './types.js';

/**
 * Each language's copy as its own module, imported when a notice in that language is first rendered: bundled with
 * code splitting (lib/constructs/bundling.ts), each is a chunk of ~25 KiB that a cold start does not load, so the
 * notifier carries one language instead of three. Locally (tsx) and in tests the same `import()` loads the source.
 */
const LOADERS: Record<Locale, () => Promise<Copy>> = {
  en: () => import('./copy-en.js').then((m) => m.en),
  'zh-CN': () => import('./copy-zh.js').then((m) => m.zhCN),
  de: () => import('./copy-de.js').then((m) => m.de),
};

export function loadCopy(locale: Locale): Promise<Copy> {
  // Own keys only: `LOADERS['toString']` would be Object.prototype's.
  const load = Object.hasOwn(LOADERS, locale) ? LOADERS[locale] : undefined;
  if (!load) return Promise.reject(new RangeError(`no notice copy for locale ${locale}`));
  return load();
}

/** `renderCaseNotice`, loading only the notice's language. */
export async function renderNotice(data: NoticeData, options: RenderOptions): Promise<RenderedNotice> {
  return renderWithCopy(await loadCopy(options.locale), data, options);
}

import type { Locale } from '../case.js';
import type { Copy } from './copy.js';
import { de } from './copy-de.js';
import { en } from './copy-en.js';
import { zhCN } from './copy-zh.js';
import { renderWithCopy } from './render.js';
import type { NoticeData, RenderedNotice, RenderOptions } from './types.js';

/** Every language's copy, loaded together: previews, tests and pages. A function that sends notices loads only the
 * language it renders (`renderNotice`, copies.ts), so it does not carry the others at every cold start. */
export const COPY: Record<Locale, Copy> = { en, 'zh-CN': zhCN, de };

/** `renderWithCopy` with every language at hand (render.ts). */
export function renderCaseNotice(data: NoticeData, options: RenderOptions): RenderedNotice {
  return renderWithCopy(COPY[options.locale], data, options);
}

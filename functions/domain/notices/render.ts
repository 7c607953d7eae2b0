import { checkNoticeData } from './check.js';
import type { Copy, Formats, Template } from './copy.js';
import { dateFormats, formatMoney } from './format.js';
import { layout, type NoticeContent } from './layout.js';
import { DEFAULT_TIME_ZONE, type NoticeData, type NoticeMilestone, type RenderedNotice, type RenderOptions } from './types.js';

/**
 * Renders a customer notice with its language's copy (`copy.locale` is `options.locale`): subject, plain text, HTML
 * email and SMS, in the customer's language and time zone. The data is checked first (see `checkNoticeData`), so data
 * built from stored records that lacks a field throws a `NoticeDataError` naming it instead of sending a blank.
 */
export function renderWithCopy(copy: Copy, data: NoticeData, options: RenderOptions): RenderedNotice {
  const checked = checkNoticeData(data);
  return layoutContent(copy, contentOf(copy, checked, options), checked);
}

/** @internal */
export function formatsFor(options: RenderOptions): Formats {
  const { locale } = options;
  return { money: ({ amount, currency }) => formatMoney(amount, currency, locale), dates: dateFormats(locale, options.timeZone ?? DEFAULT_TIME_ZONE) };
}

function contentOf(copy: Copy, data: NoticeData, options: RenderOptions): NoticeContent {
  const template = copy.templates[data.milestone] as Template<NoticeMilestone>;
  return template(data as never, formatsFor(options));
}

function layoutContent(copy: Copy, content: NoticeContent, data: Pick<NoticeData, 'caseId' | 'customerName' | 'orderId' | 'itemSummary' | 'statusUrl'>): RenderedNotice {
  const { locale, context: words } = copy;
  const context: Array<[string, string]> = [];
  if (data.orderId) context.push([words.orderId, data.orderId]);
  if (data.itemSummary) context.push([words.itemSummary, data.itemSummary]);
  return layout(content, { locale, caseId: data.caseId, customerName: data.customerName, statusUrl: data.statusUrl, context });
}

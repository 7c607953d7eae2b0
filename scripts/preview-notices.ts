/**
 * Writes every customer notice template, in every locale, to notice-previews/ (git-ignored), from the fixed sample
 * data in functions/domain/notices/samples.ts: `<milestone>.<locale>.html` (the email), `.txt` (subject and plain
 * text part) and `.sms.txt`, plus an index.html linking them all with each SMS, its encoding and segment count.
 *
 *   npm run preview:notices        (tsx scripts/preview-notices.ts)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locale } from '../functions/domain/case.js';
import { escapeHtml, NOTICE_MILESTONES, type NoticeData } from '../functions/domain/notices.js';
import { renderCaseNotice } from '../functions/domain/notices/all-copies.js';
import { noticeSamples, operatorNoteVariants, proactiveVariants } from '../functions/domain/notices/samples.js';
import { smsEncoding, smsSegments } from '../functions/domain/sms-segments.js';

const LOCALES: Locale[] = ['zh-CN', 'en', 'de'];
const OUT = resolve(import.meta.dirname, '..', 'notice-previews');

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

// Every milestone's sample, then the notices that quote an operator's words (ordinary and hostile ones).
const previews: Array<{ label: string; file: string; data: (locale: Locale) => NoticeData }> = [
  ...NOTICE_MILESTONES.map((milestone) => ({ label: milestone, file: milestone, data: (locale: Locale) => noticeSamples(locale)[milestone] as NoticeData })),
  ...operatorNoteVariants('en').map(({ label }, i) => ({
    label,
    file: label.replace(/[^a-z]+/gi, '-').replace(/-$/, ''),
    data: (locale: Locale) => operatorNoteVariants(locale)[i]!.data,
  })),
  // Cases the pipeline opened itself: their own wording.
  ...proactiveVariants('en').map(({ label }, i) => ({
    label,
    file: label.replace(/[^a-z]+/gi, '-').replace(/-$/, ''),
    data: (locale: Locale) => proactiveVariants(locale)[i]!.data,
  })),
];

const rows: string[] = [];
let files = 0;
for (const { label, file, data } of previews) {
  const cells: string[] = [];
  for (const locale of LOCALES) {
    const notice = renderCaseNotice(data(locale), { locale });
    const name = `${file}.${locale}`;
    writeFileSync(join(OUT, `${name}.html`), notice.html);
    writeFileSync(join(OUT, `${name}.txt`), `Subject: ${notice.subject}\n\n${notice.text}\n`);
    writeFileSync(join(OUT, `${name}.sms.txt`), `${notice.sms}\n`);
    files += 3;
    const segments = smsSegments(notice.sms);
    cells.push(
      `<td><a href="${name}.html">${escapeHtml(notice.subject)}</a><br><small><a href="${name}.txt">text</a> · <a href="${name}.sms.txt">sms</a></small></td>` +
        `<td class="sms${segments > 1 ? ' multi' : ''}">${escapeHtml(notice.sms)}<br><small>${segments} segment${segments === 1 ? '' : 's'} · ${smsEncoding(notice.sms)} · ${notice.sms.length} chars</small></td>`,
    );
  }
  rows.push(`<tr><th>${escapeHtml(label)}</th>${cells.join('')}</tr>`);
}

const index = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Customer notice previews</title>
<style>
body{font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;margin:24px;color:#1f2329}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #dee0e3;padding:8px;vertical-align:top;text-align:left;font-size:14px}
th{background:#f5f6f7;white-space:nowrap}td.sms{font-family:ui-monospace,Menlo,monospace;font-size:12px;word-break:break-all;max-width:360px}
td.sms.multi small{color:#b26a00}small{color:#646a73}
</style></head><body>
<h1>Customer notice previews</h1>
<p>Every milestone in ${LOCALES.join(', ')}, rendered from the fixed sample data in <code>functions/domain/notices/samples.ts</code> (status link of 60 characters, survey link of 71),
then the evidence requests and rejections that quote an operator's words, hostile ones included (markup, a very long note, emoji, bidi overrides, blank lines),
then the notices of a case the pipeline opened itself from carrier tracking.
SMS: GSM-7 fits 160 characters per segment (153 when split), UCS-2 70 (67): a Chinese SMS with the case reference and a link always needs two; German stays GSM-7 (ä, ö, ü, ß are in it, € counts two) and takes one or two.</p>
<table><thead><tr><th>milestone</th>${LOCALES.map((l) => `<th>${l} email</th><th>${l} SMS</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table></body></html>
`;
writeFileSync(join(OUT, 'index.html'), index);
console.log(`wrote ${files + 1} files to ${OUT}`);

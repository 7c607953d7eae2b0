/**
 * `npx tsx scripts/bench/notice-render.ts [rounds]`: CPU per rendered notice (subject, text, HTML and SMS), every sample
 * of every milestone in zh-CN, en and de, in Asia/Shanghai, after five warm-up rounds; and how many Intl formatters a
 * render builds once warm. What the notifier spends on a notice before and after its send, apart from its AWS calls.
 */
import { loadCopy, renderWithCopy } from '../../functions/domain/notices/index.js';
import { noticeSamples } from '../../functions/domain/notices/samples.js';
import { countIntlFormattersBuilt } from './intl-count.js';

const LOCALES = ['zh-CN', 'en', 'de'] as const;
const rounds = Number(process.argv[2] ?? 20);

async function main() {
  const copies = await Promise.all(LOCALES.map((locale) => loadCopy(locale)));
  let renders = 0;
  const round = () =>
    LOCALES.forEach((locale, i) => {
      for (const data of Object.values(noticeSamples(locale))) {
        renderWithCopy(copies[i]!, data, { locale, timeZone: 'Asia/Shanghai' });
        renders += 1;
      }
    });
  for (let i = 0; i < 5; i += 1) round();
  renders = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < rounds; i += 1) round();
  const cpu = process.cpuUsage(start);
  const microsPerRender = (cpu.user + cpu.system) / renders;

  renders = 0;
  const built = countIntlFormattersBuilt(round);
  console.log(
    `${renders} renders a round, ${rounds} rounds: ${microsPerRender.toFixed(1)} µs of CPU per render; ${(built / renders).toFixed(1)} Intl formatters built per render once warm`,
  );
}

await main();

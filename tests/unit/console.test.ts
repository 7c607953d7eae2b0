import { describe, expect, it } from 'vitest';
import { minorUnitsFromText } from '../../functions/domain/money.js';
import { instantOfLocalTime } from '../../functions/domain/working-days.js';
import { consolePath, csrfTokenFor } from '../../functions/http/console-session.js';
import { followUpsPage } from '../../functions/web/console/alerts.js';
import { timeHtml, when, type ConsoleContext } from '../../functions/web/console/layout.js';
import { reviewUrgency } from '../../functions/web/console/queue.js';
import { slaPage } from '../../functions/web/console/sla.js';
import { consoleLocale } from '../../functions/web/console/text.js';

describe('amounts typed by an operator', () => {
  it.each([
    ['199', 'CNY', 19900],
    ['199.5', 'CNY', 19950],
    ['199,50', 'CNY', 19950],
    [' 0.01 ', 'CNY', 1],
    ['1500', 'JPY', 1500],
    ['12.345', 'CNY', undefined],
    ['1.5', 'JPY', undefined],
    ['-5', 'CNY', undefined],
    ['1e3', 'CNY', undefined],
    ['', 'CNY', undefined],
  ])('%j %s is %s minor units', (text, currency, expected) => {
    expect(minorUnitsFromText(text, currency)).toBe(expected);
  });
});

describe('the console language', () => {
  it.each([
    [undefined, 'en-US,en;q=0.9', 'en'],
    [undefined, 'zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    [undefined, 'fr-FR,en;q=0.5', 'en'],
    [undefined, undefined, 'zh-CN'],
    ['en', 'zh-CN', 'en'],
    ['zh-CN', 'en', 'zh-CN'],
    ['de', 'en', 'en'],
  ])('chosen %s, Accept-Language %s: %s', (chosen, header, expected) => {
    expect(consoleLocale(chosen, header)).toBe(expected);
  });
});

describe('where the console goes back to after signing in', () => {
  it.each([
    ['/console/cases/AS-0000000000AA', '/console/cases/AS-0000000000AA'],
    ['/console/search?orderId=o-1&type=return', '/console/search?orderId=o-1&type=return'],
    ['https://evil.example/console', '/console'],
    ['//evil.example/console', '/console'],
    ['/console/../ops/audit', '/console'],
    ['/consolex', '/console'],
    [null, '/console'],
  ])('%s → %s', (asked, expected) => {
    expect(consolePath(asked)).toBe(expected);
  });
});

describe('the CSRF token', () => {
  it('is the same for one session and differs between sessions', () => {
    expect(csrfTokenFor('token-a')).toBe(csrfTokenFor('token-a'));
    expect(csrfTokenFor('token-a')).not.toBe(csrfTokenFor('token-b'));
    expect(csrfTokenFor('token-a')).toMatch(/^[\w-]{32}$/);
  });
});

describe('the review queue colour', () => {
  const now = new Date('2026-12-04T10:00:00Z');
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
  it.each([
    [{ reminderAt: at(30), escalateAt: at(90), escalated: false }, 'ok'],
    [{ reminderAt: at(-5), escalateAt: at(90), escalated: false }, 'reminded'],
    [{ reminderAt: at(-60), escalateAt: at(-1), escalated: false }, 'late'],
    [{ reminderAt: at(30), escalateAt: at(90), escalated: true }, 'late'],
    [{ reminderAt: at(30), escalateAt: at(90), escalated: false, slaState: 'due_soon' }, 'due_soon'],
    [{ reminderAt: at(30), escalateAt: at(90), escalated: false, slaState: 'breached' }, 'breached'],
  ])('%j: %s', (row, key) => {
    expect(reviewUrgency(row as Parameters<typeof reviewUrgency>[0], now).key).toBe(key);
  });
});

describe("times in a case's market's zone", () => {
  const zones: Record<string, string> = { CN: 'Asia/Shanghai', DE: 'Europe/Berlin' };
  const ctx = (locale: 'en' | 'zh-CN'): ConsoleContext => ({
    operator: { name: 'vic', role: 'viewer' },
    locale,
    csrf: 'csrf',
    path: '/console/sla',
    now: new Date('2026-12-05T12:00:00.000Z'),
    timeZone: 'Asia/Shanghai',
    zoneOf: (market = 'CN') => ({ market, timeZone: zones[market] ?? 'UTC' }),
  });

  it.each([
    ['en', '2026-07-01T10:00:00.000Z', 'Europe/Berlin', 'Jul 1, 12:00 UTC+2'],
    ['en', '2026-12-01T10:00:00.000Z', 'Europe/Berlin', 'Dec 1, 11:00 UTC+1'],
    ['en', '2026-12-01T10:00:00.000Z', 'Asia/Shanghai', 'Dec 1, 18:00 UTC+8'],
    ['zh-CN', '2026-12-01T10:00:00.000Z', 'Asia/Shanghai', '12月1日 18:00 UTC+8'],
    ['en', '2026-12-01T10:00:00.000Z', 'Asia/Kolkata', 'Dec 1, 15:30 UTC+5:30'],
    ['en', '2026-12-01T10:00:00.000Z', 'America/Sao_Paulo', 'Dec 1, 07:00 UTC-3'],
    ['en', '2026-12-01T10:00:00.000Z', 'UTC', 'Dec 1, 10:00 UTC'],
  ] as const)('%s %s in %s is %s', (locale, iso, zone, shown) => {
    expect(when(ctx(locale), iso, zone)).toBe(shown);
  });

  it('shows no time for none or for what is no instant', () => {
    expect(when(ctx('en'), undefined)).toBe('—');
    expect(when(ctx('en'), 'soon')).toBe('—');
    expect(timeHtml(ctx('en'), 'soon')).toBe('—');
    // In a page: one line, the instant for machines in `datetime`.
    expect(timeHtml(ctx('en'), '2026-07-01T10:00:00Z', 'Europe/Berlin')).toBe('<time datetime="2026-07-01T10:00:00.000Z">Jul 1, 12:00 UTC+2</time>');
  });

  it("the SLA board and the follow-ups show each row in its own market's zone, with the market named", () => {
    const row = (caseId: string, market?: string) =>
      ({
        caseId,
        type: 'return',
        status: 'compensating',
        priority: 50,
        limit: 'return',
        expedited: false,
        startedAt: '2026-07-01T10:00:00.000Z',
        dueAt: '2026-07-08T10:00:00.000Z',
        ...(market ? { market } : {}),
      }) as never;
    const page = slaPage(ctx('en'), { breached: [row('AS-DE', 'DE'), row('AS-CN', 'CN'), row('AS-OLD')], due_soon: [], unknown: [], paused: [] });
    const cells = (caseId: string) => new RegExp(`<tr><td><a href="/console/cases/${caseId}">.*?</tr>`).exec(page)![0];
    expect(cells('AS-DE')).toContain('<abbr title="Europe/Berlin">DE</abbr>');
    expect(cells('AS-DE')).toContain('Jul 1, 12:00 UTC+2');
    expect(cells('AS-DE')).toContain('Jul 8, 12:00 UTC+2');
    expect(cells('AS-CN')).toContain('Jul 1, 18:00 UTC+8');
    expect(cells('AS-OLD')).toContain('<abbr title="Asia/Shanghai">CN</abbr>');
    expect(cells('AS-OLD')).toContain('Jul 1, 18:00 UTC+8');

    const task = (caseId: string, market?: string) => ({
      caseId,
      openedAt: '2026-07-01T10:00:00.000Z',
      overall: 1,
      caseType: 'return',
      orderId: 'o',
      customerId: 'c',
      comment: '',
      ...(market ? { market } : {}),
    });
    const followUps = followUpsPage(ctx('zh-CN'), [task('AS-DE', 'DE'), task('AS-OLD')]);
    expect(followUps).toContain('<th scope="col">市场</th>');
    expect(followUps).toMatch(
      /<td><time datetime="2026-07-01T10:00:00.000Z">7月1日 12:00 UTC\+2<\/time><\/td><td><a href="\/console\/cases\/AS-DE">AS-DE<\/a><\/td><td><abbr title="Europe\/Berlin">DE<\/abbr>/,
    );
    expect(followUps).toMatch(
      /<td><time datetime="2026-07-01T10:00:00.000Z">7月1日 18:00 UTC\+8<\/time><\/td><td><a href="\/console\/cases\/AS-OLD">AS-OLD<\/a><\/td><td><abbr title="Asia\/Shanghai">CN<\/abbr>/,
    );
  });
});

describe("a resume time typed on Berlin's clock-change days (instantOfLocalTime)", () => {
  // 29 March 2026: at 02:00 CET the clocks go forward to 03:00 CEST; 25 October 2026: at 03:00 CEST back to 02:00 CET.
  it.each([
    ['2026-03-29T01:30', '2026-03-29T00:30:00.000Z'], // still winter time (UTC+1)
    ['2026-03-29T03:30', '2026-03-29T01:30:00.000Z'], // summer time (UTC+2)
    ['2026-10-25T01:30', '2026-10-24T23:30:00.000Z'], // still summer time (UTC+2)
    ['2026-10-25T02:30', '2026-10-25T00:30:00.000Z'], // shown twice: the first, still summer time
    ['2026-10-25T03:30', '2026-10-25T02:30:00.000Z'], // winter time (UTC+1)
  ])('%s in Europe/Berlin is %s', (local, instant) => {
    expect(instantOfLocalTime(local, 'Europe/Berlin')?.toISOString()).toBe(instant);
  });

  it('a time the clocks skip does not exist; zones without a change read as their one offset', () => {
    expect(instantOfLocalTime('2026-03-29T02:30', 'Europe/Berlin')).toBeNull();
    expect(instantOfLocalTime('2026-03-29T02:00', 'Europe/Berlin')).toBeNull();
    expect(instantOfLocalTime('2026-03-29T02:30', 'Asia/Shanghai')?.toISOString()).toBe('2026-03-28T18:30:00.000Z');
    expect(instantOfLocalTime('2026-03-29T02:30', 'UTC')?.toISOString()).toBe('2026-03-29T02:30:00.000Z');
  });
});

describe('times just after local midnight', () => {
  const at = (locale: 'en' | 'zh-CN') => ({ locale, timeZone: 'Europe/Berlin' });
  it.each([
    ['en', 'Jul 1, 00:30 UTC+2'],
    ['zh-CN', '7月1日 00:30 UTC+2'],
  ] as const)('%s shows 00:30, never 24:30', (locale, shown) => {
    // 22:30 UTC on 30 June is 00:30 on 1 July in Berlin.
    expect(when(at(locale), '2026-06-30T22:30:00.000Z')).toBe(shown);
  });
});

import { describe, expect, it } from 'vitest';
import { minorUnitsFromText } from '../../functions/domain/money.js';
import { consolePath, csrfTokenFor } from '../../functions/http/console-session.js';
import { reviewUrgency } from '../../functions/web/console/queue.js';
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

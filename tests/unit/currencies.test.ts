import currencyCodes from 'currency-codes';
import { describe, expect, it } from 'vitest';
import { isPayableCurrency, PAYABLE_CURRENCIES } from '../../functions/domain/currencies.js';
import { PACKAGE_PAYABLE_CODES } from '../../functions/domain/payable-currencies.js';
import { packagePayableCodes } from '../../scripts/payable-currencies.js';

describe('payable currencies', () => {
  it('the copy functions read (payable-currencies.ts) is what the script derives from currency-codes', () => {
    // Fails after an update of currency-codes until `npx tsx scripts/payable-currencies.ts` copies the new list.
    expect(PACKAGE_PAYABLE_CODES).toEqual(packagePayableCodes);
  });

  it('accepts every List One code but the testing, "no currency", metal, bond-market and accounting units, plus XCG', () => {
    const refused = currencyCodes.data.filter((entry) => !PAYABLE_CURRENCIES.has(entry.code)).map((entry) => entry.code);
    expect(refused.sort()).toEqual(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);
    expect([...PAYABLE_CURRENCIES].filter((code) => !currencyCodes.codes().includes(code))).toEqual(['XCG']);
    for (const code of ['CNY', 'EUR', 'USD', 'JPY', 'HKD', 'XCG']) expect(isPayableCurrency(code)).toBe(true);
    for (const code of ['XXX', 'XTS', 'XAU', 'XDR', 'XSU', 'XUA', 'ABC', 'cny', '']) expect(isPayableCurrency(code)).toBe(false);
  });
});

import { PACKAGE_PAYABLE_CODES } from './payable-currencies.js';

/**
 * ISO 4217 codes a price can be in. The list comes from the `currency-codes` package (ISO's List One, pinned by the
 * lockfile), not from `Intl.supportedValuesOf('currency')`, whose answer follows the ICU bundled with each Node
 * release: the contract must not change with the runtime. ISO's entries that are not money a customer pays with are
 * refused (scripts/payable-currencies.ts lists which and why). Functions read a generated copy of the codes
 * (payable-currencies.ts, under 1 KiB), not the package's data (18 KiB of every bundle that parses an order); a unit
 * test fails while the copy differs from the package. Amounts stay integer minor units of the accepted currency.
 */

/**
 * Codes ISO added after the package's data (2024-06-25): XCG, the Caribbean guilder of Curaçao and Sint Maarten,
 * which replaced ANG on 2025-03-31. Drop an entry once the package lists it.
 */
const NEWER_THAN_PACKAGE = ['XCG'];

export const PAYABLE_CURRENCIES: ReadonlySet<string> = new Set([...PACKAGE_PAYABLE_CODES, ...NEWER_THAN_PACKAGE]);

export function isPayableCurrency(code: string): boolean {
  return PAYABLE_CURRENCIES.has(code);
}

import currencyCodes from 'currency-codes';

/**
 * ISO 4217 codes a price can be in. The list comes from the `currency-codes` package (ISO's List One, pinned by the
 * lockfile), not from `Intl.supportedValuesOf('currency')`, whose answer follows the ICU bundled with each Node
 * release: the contract must not change with the runtime. ISO's entries that are not money a customer pays with are
 * refused: the "no currency" and testing codes (XXX, XTS), precious metals and bond-market units (the package marks
 * them with a `Zz…` pseudo-country), and the supranational units of account (XDR, XSU, XUA). Amounts stay integer
 * minor units of the accepted currency.
 */
const UNITS_OF_ACCOUNT = new Set(['XDR', 'XSU', 'XUA']);

/**
 * Codes ISO added after the package's data (2024-06-25): XCG, the Caribbean guilder of Curaçao and Sint Maarten,
 * which replaced ANG on 2025-03-31. Drop an entry once the package lists it.
 */
const NEWER_THAN_PACKAGE = ['XCG'];

export const PAYABLE_CURRENCIES: ReadonlySet<string> = new Set([
  ...currencyCodes.data.filter((entry) => !UNITS_OF_ACCOUNT.has(entry.code) && !entry.countries.some((country) => country.startsWith('Zz'))).map((entry) => entry.code),
  ...NEWER_THAN_PACKAGE,
]);

export function isPayableCurrency(code: string): boolean {
  return PAYABLE_CURRENCIES.has(code);
}

/**
 * The deployment's default market: a case without `market` (order.market absent, or opened before markets existed) is
 * decided, counted and reported under it (CaseFacts.market, functions/domain/case.ts).
 */
export const DEFAULT_MARKET = 'CN';

/** The market a case belongs to, for its policy, calendar and reports. */
export const marketOf = (facts: { market?: string | undefined }): string => facts.market ?? DEFAULT_MARKET;

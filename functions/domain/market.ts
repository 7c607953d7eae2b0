/**
 * The market of what was counted before markets existed (cost ledger entries without `market`): every case was CN
 * then. A case's own market is resolved by functions/domain/markets.ts `of`, which knows the deployment's default.
 */
export const DEFAULT_MARKET = 'CN';

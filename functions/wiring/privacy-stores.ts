import { CaseRedactor } from '../adapters/case-redactor.js';
import { PrivacyRequests } from '../adapters/privacy-requests.js';
import { PrivacyStore } from '../adapters/privacy-store.js';
import { ShipmentStore } from '../adapters/shipment-store.js';
import { tableAccess, type TableConfig } from './table.js';

/**
 * The privacy stores' builders (docs/privacy.md), apart from stores.ts: esbuild splits bundles by module, so a
 * function that imports stores.ts at cold start and builds these only on first use (start-case, with its first
 * privacy request: wiring/intake-privacy.ts) would otherwise load their classes at every cold start.
 */
export function privacyStore(config: TableConfig): PrivacyStore {
  return new PrivacyStore(...tableAccess(config));
}

/** The privacy requests' items alone (record, read): what the webhook intake needs, without the rest of the store. */
export function privacyRequests(config: TableConfig): PrivacyRequests {
  return new PrivacyRequests(...tableAccess(config));
}

/** Redaction of a closed case's personal data (docs/privacy.md), with the watched parcels' kept contacts. */
export function caseRedactor(config: TableConfig): CaseRedactor {
  return new CaseRedactor(...tableAccess(config), new ShipmentStore(...tableAccess(config)));
}

import type { TableConfig } from './table.js';
import type { Markets } from '../domain/markets.js';
import { trackingStores } from '../tracking-wiring.js';
import type { CaseRepository } from '../use-cases/ports.js';
import { intakePrivacy, type IntakePrivacy } from '../use-cases/privacy/intake-privacy.js';
import { caseRedactor, privacyStore } from './privacy-stores.js';
import { surveyStore } from './stores.js';

/**
 * The intake consumer's privacy side (use-cases/privacy/intake-privacy.ts): the privacy store, the redactor, the
 * surveys and watched parcels an export reads. Imported by start-case with the first privacy request or duplicate
 * request it closes, so its cold start does not load them; built once per cold start after that.
 */
export function intakePrivacyOf(config: TableConfig, cases: CaseRepository, markets: Pick<Markets, 'of'>): IntakePrivacy {
  return intakePrivacy({
    cases,
    markets,
    privacy: privacyStore(config),
    surveys: surveyStore(config),
    redactor: caseRedactor(config),
    shipments: trackingStores(config).shipments,
  });
}

import { zoneOffsetMs } from '../../domain/working-days.js';
// Which zone an AfterShip checkpoint's naive time is in. AfterShip gives `checkpoint_time` as the carrier gives it,
// in the checkpoint's local time, often without an offset (its published sample: "2014-05-12T12:02:00", country
// "VALENCIA - SPAIN"), and gives no zone field: the zone is read from where the checkpoint is. Rule (docs/carrier-tracking.md):
// country (`country_region` / older `country_iso3`, ISO alpha-3, else a country named in `country_region_name` /
// `country_name`) -> its zone; in countries with several zones the state (US, CA, AU, by code) picks it, else the
// country's most populous zone. No country at all: the adapter's configured fallback (default Asia/Shanghai).

/** ISO 3166 alpha-3 -> IANA zone (one per country; multi-zone countries: the most populous zone). */
const COUNTRY_ZONES: Readonly<Record<string, string>> = {
  CHN: 'Asia/Shanghai',
  HKG: 'Asia/Hong_Kong',
  MAC: 'Asia/Macau',
  TWN: 'Asia/Taipei',
  JPN: 'Asia/Tokyo',
  KOR: 'Asia/Seoul',
  SGP: 'Asia/Singapore',
  MYS: 'Asia/Kuala_Lumpur',
  THA: 'Asia/Bangkok',
  VNM: 'Asia/Ho_Chi_Minh',
  PHL: 'Asia/Manila',
  IDN: 'Asia/Jakarta',
  IND: 'Asia/Kolkata',
  ARE: 'Asia/Dubai',
  SAU: 'Asia/Riyadh',
  ISR: 'Asia/Jerusalem',
  TUR: 'Europe/Istanbul',
  GBR: 'Europe/London',
  IRL: 'Europe/Dublin',
  FRA: 'Europe/Paris',
  DEU: 'Europe/Berlin',
  NLD: 'Europe/Amsterdam',
  BEL: 'Europe/Brussels',
  LUX: 'Europe/Luxembourg',
  ESP: 'Europe/Madrid',
  PRT: 'Europe/Lisbon',
  ITA: 'Europe/Rome',
  CHE: 'Europe/Zurich',
  AUT: 'Europe/Vienna',
  POL: 'Europe/Warsaw',
  CZE: 'Europe/Prague',
  HUN: 'Europe/Budapest',
  SWE: 'Europe/Stockholm',
  NOR: 'Europe/Oslo',
  DNK: 'Europe/Copenhagen',
  FIN: 'Europe/Helsinki',
  GRC: 'Europe/Athens',
  ROU: 'Europe/Bucharest',
  UKR: 'Europe/Kyiv',
  RUS: 'Europe/Moscow',
  USA: 'America/Chicago',
  CAN: 'America/Toronto',
  MEX: 'America/Mexico_City',
  BRA: 'America/Sao_Paulo',
  ARG: 'America/Argentina/Buenos_Aires',
  CHL: 'America/Santiago',
  AUS: 'Australia/Sydney',
  NZL: 'Pacific/Auckland',
  ZAF: 'Africa/Johannesburg',
  EGY: 'Africa/Cairo',
};

/** Country names as carriers write them (upper case) -> alpha-3, for checkpoints that only name the country. */
const COUNTRY_NAMES: Readonly<Record<string, string>> = {
  CHINA: 'CHN',
  'HONG KONG': 'HKG',
  TAIWAN: 'TWN',
  JAPAN: 'JPN',
  KOREA: 'KOR',
  'SOUTH KOREA': 'KOR',
  SINGAPORE: 'SGP',
  MALAYSIA: 'MYS',
  THAILAND: 'THA',
  INDIA: 'IND',
  'UNITED KINGDOM': 'GBR',
  UK: 'GBR',
  'GREAT BRITAIN': 'GBR',
  IRELAND: 'IRL',
  FRANCE: 'FRA',
  GERMANY: 'DEU',
  NETHERLANDS: 'NLD',
  BELGIUM: 'BEL',
  SPAIN: 'ESP',
  PORTUGAL: 'PRT',
  ITALY: 'ITA',
  SWITZERLAND: 'CHE',
  AUSTRIA: 'AUT',
  POLAND: 'POL',
  SWEDEN: 'SWE',
  NORWAY: 'NOR',
  DENMARK: 'DNK',
  FINLAND: 'FIN',
  GREECE: 'GRC',
  'UNITED STATES': 'USA',
  USA: 'USA',
  US: 'USA',
  CANADA: 'CAN',
  MEXICO: 'MEX',
  BRAZIL: 'BRA',
  AUSTRALIA: 'AUS',
  'NEW ZEALAND': 'NZL',
  RUSSIA: 'RUS',
};

/** State codes of multi-zone countries -> zone, where it differs from the country's default. */
const STATE_ZONES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  USA: {
    ...Object.fromEntries(
      ['CT', 'DE', 'DC', 'FL', 'GA', 'IN', 'KY', 'ME', 'MD', 'MA', 'MI', 'NH', 'NJ', 'NY', 'NC', 'OH', 'PA', 'RI', 'SC', 'VT', 'VA', 'WV'].map((s) => [s, 'America/New_York']),
    ),
    ...Object.fromEntries(['CO', 'MT', 'NM', 'UT', 'WY', 'ID'].map((s) => [s, 'America/Denver'])),
    AZ: 'America/Phoenix',
    ...Object.fromEntries(['CA', 'NV', 'OR', 'WA'].map((s) => [s, 'America/Los_Angeles'])),
    AK: 'America/Anchorage',
    HI: 'Pacific/Honolulu',
    PR: 'America/Puerto_Rico',
  },
  CAN: {
    BC: 'America/Vancouver',
    AB: 'America/Edmonton',
    SK: 'America/Regina',
    MB: 'America/Winnipeg',
    NS: 'America/Halifax',
    NB: 'America/Moncton',
    NL: 'America/St_Johns',
    PE: 'America/Halifax',
  },
  AUS: { WA: 'Australia/Perth', SA: 'Australia/Adelaide', NT: 'Australia/Darwin', QLD: 'Australia/Brisbane', TAS: 'Australia/Hobart' },
};

export interface CheckpointPlace {
  country_region?: string | null;
  country_iso3?: string | null;
  country_region_name?: string | null;
  country_name?: string | null;
  state?: string | null;
}

/** The IANA zone of the checkpoint, or undefined when nothing says where it is. */
export function checkpointZone(place: CheckpointPlace): string | undefined {
  const iso = (place.country_region || place.country_iso3)?.trim().toUpperCase() || countryFromName(place.country_region_name || place.country_name);
  if (!iso) return undefined;
  const state = place.state?.trim().toUpperCase();
  return (state && STATE_ZONES[iso]?.[state]) || COUNTRY_ZONES[iso];
}

function countryFromName(name: string | null | undefined): string | undefined {
  if (!name) return undefined;
  const upper = name.trim().toUpperCase();
  if (COUNTRY_NAMES[upper]) return COUNTRY_NAMES[upper];
  // "VALENCIA - SPAIN", "Shanghai, China": the country is usually the last part.
  const last = upper.split(/\s*[-,]\s*/).at(-1);
  return last ? COUNTRY_NAMES[last] : undefined;
}

/**
 * A time without an offset, read as wall-clock time in `zone` (daylight saving included), to ISO UTC. Times with an
 * offset, or that do not parse, are not this function's: undefined.
 */
export function naiveTimeInZone(raw: string, zone: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$/.exec(raw.trim());
  if (!m) return undefined;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), Math.round(Number(`0.${m[7] ?? 0}`) * 1000));
  if (Number.isNaN(wall)) return undefined;
  // The zone's offset at the guessed instant, then once more at the corrected one (DST edges).
  let utc = wall - zoneOffsetMs(new Date(wall), zone);
  utc = wall - zoneOffsetMs(new Date(utc), zone);
  return new Date(utc).toISOString();
}

/**
 * The carrier registry: one canonical short code per carrier (what the pipeline stores, routes and reports on), the
 * names platforms send for it (aliases, the tracking providers' own codes), and the code each tracking provider
 * expects. Webhook intake maps whatever a platform sends to the canonical code (functions/schemas/webhook.ts); the
 * tracker adapters translate the canonical code to their provider's (adapters/carriers/from-config.ts).
 *
 * Provider codes come from the providers' published lists; the first code of a provider is the one sent, the others
 * are accepted on input (pushes, platforms). A provider without a code for a carrier is left out on purpose: lookups
 * of that carrier through that provider fail loudly (TrackingNotFoundError) instead of guessing.
 *
 * Sources (read December 2026 with the `search` tool):
 * - AfterShip courier slugs: the AfterShip `GET /couriers` response ("slug", "name") as stored in public SDK samples
 *   (sf-express "S.F Express", sfb2c "SF International", zto "ZTO Express", yto, sto, yunda, jd "JD Express", deppon,
 *   china-ems, china-post "China Post, ePacket"). No AfterShip slug for J&T Express China was found: left out.
 *   The current list is https://www.aftership.com/docs/tracking/others/supported-couriers; a slug AfterShip renames
 *   can be overridden without a release (stack parameter CarrierCodes).
 * - 17TRACK carrier keys: https://res.17track.net/asset/carrier/info/apicarrier.all.json (snapshot of 2025-08-17 in
 *   the public repository lancerdia/lancerfile): 100012 "SF Express" 顺丰速运, 190766 "SF Express(CN)", 190455 "ZTO
 *   Express" 中通快递, 190157 "YTO Express" 圆通速递, 190324 "STO Express" 申通快递, 191121 "JD Logistics" 京东物流,
 *   3013 "China EMS", 3011 "China Post" 中国邮政, 190174 "Deppon" 德邦, 190442 "J&T Express (CN)". Yunda: the list has
 *   only 191197 "Yunda Express" named 韵达快运 (Yunda's freight arm, yunda56.com), not 韵达快递: left out.
 * - Kuaidi100 `com` codes: the official SDK kuaidi100-api/java-demo `CompanyConstant.java` (shunfeng, zhongtong,
 *   yuantong, shentong, yunda, ems, jd) and Kuaidi100's company table https://api.kuaidi100.com/document/5f0ff6e82977d50a94e10237
 *   (youzhengguonei 邮政快递包裹, debangkuaidi 德邦快递, debangwuliu 德邦物流, jtexpress 极兔速递).
 * German carriers (market DE; read December 2026 with the `search` tool):
 * - AfterShip: the same `GET /couriers` samples: dhl-germany "Deutsche Post DHL" (other name "DHL Germany"), dpd-de
 *   "DPD Germany", hermes-de "Hermes Germany" (other name "myhermes.de, Hermes Logistik Gruppe Deutschland"), gls
 *   "GLS" (General Logistics Systems). AfterShip's `dhl` is DHL Express, `dpd` the DPD group and `hermes` Hermesworld
 *   UK: other carriers, so "dhl", "dpd" and "hermes" alone stay unknown rather than guessed.
 * - 17TRACK: the same apicarrier.all.json: 7041 "DHL Paket" (DE), 100007 "DPD (DE)", 100031 "Hermes (DE)"
 *   (myhermes.de), 101070 "GLS (DE)" (gls-pakete.de), 100005 "GLS" (gls-group.eu).
 * - Kuaidi100: public copies of its company code table (`comcode`): dhlde "DHL-德国件（DHL Deutschland）", dpdgermany
 *   "DPD Germany", hermes_de "Hermes Germany", gls "GLS". Check against Kuaidi100's table above before relying on them.
 */
export const CARRIER_PROVIDERS = ['aftership', '17track', 'kuaidi100'] as const;
export type CarrierProvider = (typeof CARRIER_PROVIDERS)[number];

export interface CarrierEntry {
  /** Canonical short code, upper case. */
  code: string;
  name: string;
  /** Other names platforms use (Chinese names, other aggregators' codes), matched case-insensitively. */
  aliases: readonly string[];
  /** Per provider: the code sent first, then other codes of the same carrier accepted on input. */
  providers: { aftership?: readonly string[]; '17track'?: readonly number[]; kuaidi100?: readonly string[] };
}

export const CARRIERS: readonly CarrierEntry[] = [
  {
    code: 'SF',
    name: 'SF Express 顺丰速运',
    aliases: ['SFEXPRESS', 'SF Express', '顺丰', '顺丰速运'],
    providers: { aftership: ['sf-express', 'sfb2c'], '17track': [100012, 190766], kuaidi100: ['shunfeng'] },
  },
  {
    code: 'ZTO',
    name: 'ZTO Express 中通快递',
    aliases: ['ZTO Express', 'zto-express', '中通', '中通快递'],
    providers: { aftership: ['zto'], '17track': [190455], kuaidi100: ['zhongtong'] },
  },
  {
    code: 'YTO',
    name: 'YTO Express 圆通速递',
    aliases: ['YTO Express', 'yto-express', '圆通', '圆通速递'],
    providers: { aftership: ['yto'], '17track': [190157], kuaidi100: ['yuantong'] },
  },
  {
    code: 'STO',
    name: 'STO Express 申通快递',
    aliases: ['STO Express', 'sto-express', '申通', '申通快递'],
    providers: { aftership: ['sto'], '17track': [190324], kuaidi100: ['shentong'] },
  },
  { code: 'YUNDA', name: 'Yunda Express 韵达快递', aliases: ['YD', 'Yunda Express', '韵达', '韵达快递'], providers: { aftership: ['yunda'], kuaidi100: ['yunda'] } },
  {
    code: 'JD',
    name: 'JD Logistics 京东物流',
    aliases: ['JDL', 'JD Logistics', 'JD Express', '京东', '京东物流', '京东快递'],
    providers: { aftership: ['jd'], '17track': [191121], kuaidi100: ['jd'] },
  },
  { code: 'EMS', name: 'China EMS 中国邮政速递物流', aliases: ['China EMS', 'EMS快递'], providers: { aftership: ['china-ems'], '17track': [3013], kuaidi100: ['ems'] } },
  {
    code: 'CHINAPOST',
    name: 'China Post 中国邮政 (邮政快递包裹)',
    aliases: ['China Post', 'YZPY', '中国邮政', '邮政快递包裹'],
    providers: { aftership: ['china-post'], '17track': [3011], kuaidi100: ['youzhengguonei'] },
  },
  {
    code: 'DEPPON',
    name: 'Deppon 德邦快递',
    aliases: ['DBL', '德邦', '德邦快递'],
    providers: { aftership: ['deppon'], '17track': [190174], kuaidi100: ['debangkuaidi', 'debangwuliu'] },
  },
  {
    code: 'JT',
    name: 'J&T Express China 极兔速递',
    aliases: ['J&T', 'J&T Express', 'JTEXPRESS', '极兔', '极兔速递'],
    providers: { '17track': [190442], kuaidi100: ['jtexpress'] },
  },
  // Germany (market DE): domestic legs and returns to the DE service center.
  {
    code: 'DHLDE',
    name: 'DHL Paket (Deutsche Post DHL)',
    aliases: ['DHL Paket', 'DHL Germany', 'DHL Deutschland', 'Deutsche Post DHL', 'DHL-DE'],
    providers: { aftership: ['dhl-germany'], '17track': [7041], kuaidi100: ['dhlde'] },
  },
  {
    code: 'DPDDE',
    name: 'DPD Germany',
    aliases: ['DPD Germany', 'DPD Deutschland', 'DPD (DE)'],
    providers: { aftership: ['dpd-de'], '17track': [100007], kuaidi100: ['dpdgermany'] },
  },
  {
    code: 'HERMESDE',
    name: 'Hermes Germany',
    aliases: ['Hermes Germany', 'Hermes Deutschland', 'Hermes (DE)', 'myHermes', 'myhermes.de'],
    providers: { aftership: ['hermes-de'], '17track': [100031], kuaidi100: ['hermes_de'] },
  },
  {
    code: 'GLS',
    name: 'GLS (General Logistics Systems)',
    aliases: ['GLS Germany', 'GLS (DE)', 'General Logistics Systems'],
    providers: { aftership: ['gls'], '17track': [101070, 100005], kuaidi100: ['gls'] },
  },
];

const key = (name: string | number) => String(name).trim().toLowerCase();

/**
 * Every accepted name -> canonical code. Built once; a name claimed by two carriers is a registry bug. Marked pure so
 * that a bundle which never maps a carrier name (e.g. record-failure, reaching this module only through a store's
 * imports) drops the registry: esbuild keeps a top-level call otherwise, and with it every carrier entry.
 */
const INDEX: ReadonlyMap<string, string> = /* @__PURE__ */ (() => {
  const index = new Map<string, string>();
  for (const carrier of CARRIERS) {
    const names = [carrier.code, ...carrier.aliases, ...Object.values(carrier.providers).flat()];
    for (const name of names) {
      const existing = index.get(key(name));
      if (existing && existing !== carrier.code) throw new Error(`carrier name "${name}" is claimed by ${existing} and ${carrier.code}`);
      index.set(key(name), carrier.code);
    }
  }
  return index;
})();

/** The canonical code for what a platform or provider sent (trimmed, case-insensitive), or undefined when unknown. */
export function canonicalCarrier(sent: string | number): string | undefined {
  return INDEX.get(key(sent));
}

/** Canonical code -> the code a provider expects, for the carriers that provider has a code for. */
export function providerCodes(provider: CarrierProvider): Record<string, string | number> {
  const codes: Record<string, string | number> = {};
  for (const carrier of CARRIERS) {
    const first = carrier.providers[provider]?.[0];
    if (first !== undefined) codes[carrier.code] = first;
  }
  return codes;
}

/** Two names of the same carrier: equal ignoring case, or both known to the registry as one carrier. */
export function sameCarrier(a: string, b: string): boolean {
  if (key(a) === key(b)) return true;
  const carrier = canonicalCarrier(a);
  return carrier !== undefined && carrier === canonicalCarrier(b);
}

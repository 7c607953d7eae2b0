import { describe, expect, it } from 'vitest';
import { carrierCodesFor, parseCarrierTracking } from '../../../functions/adapters/carriers/from-config.js';
import { canonicalCarrier, CARRIER_PROVIDERS, CARRIERS, providerCodes } from '../../../functions/domain/carriers.js';
import { parseWebhookBody, type ParsedWebhook } from '../../../functions/schemas/webhook.js';
import { otherEvent, requestedEvent } from '../fixtures.js';

describe('carrier registry', () => {
  it.each([
    ['SF', 'SF'],
    ['  sf ', 'SF'],
    ['sf-express', 'SF'],
    ['SF-Express', 'SF'],
    ['sfb2c', 'SF'],
    ['shunfeng', 'SF'],
    ['顺丰速运', 'SF'],
    [100012, 'SF'],
    ['190766', 'SF'],
    ['zto', 'ZTO'],
    ['zto-express', 'ZTO'],
    ['zhongtong', 'ZTO'],
    ['190455', 'ZTO'],
    ['yuantong', 'YTO'],
    ['shentong', 'STO'],
    ['YD', 'YUNDA'],
    ['yunda', 'YUNDA'],
    ['jd', 'JD'],
    ['191121', 'JD'],
    ['china-ems', 'EMS'],
    ['3013', 'EMS'],
    ['youzhengguonei', 'CHINAPOST'],
    ['3011', 'CHINAPOST'],
    ['debangwuliu', 'DEPPON'],
    ['jtexpress', 'JT'],
    // Germany (market DE)
    ['DHL Paket', 'DHLDE'],
    ['dhl-germany', 'DHLDE'],
    ['7041', 'DHLDE'],
    ['dhlde', 'DHLDE'],
    ['dpd-de', 'DPDDE'],
    ['100007', 'DPDDE'],
    ['dpdgermany', 'DPDDE'],
    ['hermes-de', 'HERMESDE'],
    ['myHermes', 'HERMESDE'],
    ['100031', 'HERMESDE'],
    ['gls', 'GLS'],
    ['101070', 'GLS'],
    ['100005', 'GLS'],
  ] as const)('%s is %s', (sent, code) => {
    expect(canonicalCarrier(sent)).toBe(code);
  });

  it.each(['', 'dhl', 'dpd', 'hermes', 'sf express co', '999999', 'SF1234567890'])('%o is unknown', (sent) => {
    expect(canonicalCarrier(sent)).toBeUndefined();
  });

  it('every canonical code and every provider code maps back to its carrier', () => {
    for (const carrier of CARRIERS) {
      expect(canonicalCarrier(carrier.code)).toBe(carrier.code);
      for (const codes of Object.values(carrier.providers)) for (const code of codes) expect(canonicalCarrier(code), String(code)).toBe(carrier.code);
    }
  });

  it('each provider is sent its first code; a carrier a provider has no published code for is absent, not guessed', () => {
    expect(providerCodes('aftership')).toMatchObject({ SF: 'sf-express', ZTO: 'zto', EMS: 'china-ems', CHINAPOST: 'china-post' });
    expect(providerCodes('17track')).toMatchObject({ SF: 100012, ZTO: 190455, YTO: 190157, STO: 190324, JD: 191121, EMS: 3013 });
    expect(providerCodes('kuaidi100')).toMatchObject({ SF: 'shunfeng', ZTO: 'zhongtong', YUNDA: 'yunda', JD: 'jd', DEPPON: 'debangkuaidi', JT: 'jtexpress' });
    expect(providerCodes('aftership')).not.toHaveProperty('JT');
    // German carriers: AfterShip's country slugs (its `dhl` is DHL Express), 17TRACK's DE keys, Kuaidi100's codes.
    expect(providerCodes('aftership')).toMatchObject({ DHLDE: 'dhl-germany', DPDDE: 'dpd-de', HERMESDE: 'hermes-de', GLS: 'gls' });
    expect(providerCodes('17track')).toMatchObject({ DHLDE: 7041, DPDDE: 100007, HERMESDE: 100031, GLS: 101070 });
    expect(providerCodes('kuaidi100')).toMatchObject({ DHLDE: 'dhlde', DPDDE: 'dpdgermany', HERMESDE: 'hermes_de', GLS: 'gls' });
    expect(providerCodes('17track')).not.toHaveProperty('YUNDA');
    for (const provider of CARRIER_PROVIDERS) for (const code of Object.keys(providerCodes(provider))) expect(canonicalCarrier(code)).toBe(code);
  });

  it("a deployment's configured codes override the registry's, keyed by any accepted name", () => {
    const config = parseCarrierTracking(
      JSON.stringify({
        routing: { default: 'aftership' },
        providers: { aftership: { baseUrl: 'https://api.aftership.com/', codes: { 'zto-express': 'zto-express', XYZ: 'xyz-courier' } } },
      }),
    );
    const codes = carrierCodesFor(config, 'aftership');
    expect(codes).toMatchObject({ SF: 'sf-express', ZTO: 'zto-express', XYZ: 'xyz-courier' });
    expect(carrierCodesFor(config, 'simulator')).toEqual({});
  });
});

const parse = (body: unknown) => parseWebhookBody(JSON.stringify(body));
function refusal(result: ParsedWebhook) {
  if (result.ok) throw new Error('expected a refusal');
  return result;
}

describe('webhook intake stores carriers canonical and refuses unknown ones', () => {
  const shipmentCreated = (carrier: string) => {
    const { data } = requestedEvent({ data: { order: { shipment: { carrier } } } });
    return { type: 'shipment.created', timestamp: '2026-11-10T10:00:00+08:00', data: { order: data.order, customer: data.customer } };
  };

  it.each(['sf-express', 'SF', ' sf ', '100012', 'shunfeng', '顺丰'])('a request sent with carrier %o is stored as SF', (carrier) => {
    const result = parse(requestedEvent({ data: { order: { shipment: { carrier } } } }));
    expect(result.ok && result.event.type === 'aftersales.requested' && result.event.data.order.shipment.carrier).toBe('SF');
  });

  it('return.shipped and shipment.created carriers are stored canonical', () => {
    const shipped = parse(otherEvent('return.shipped', { carrier: 'zhongtong' }));
    expect(shipped.ok && shipped.event.type === 'return.shipped' && shipped.event.data.carrier).toBe('ZTO');
    const created = parse(shipmentCreated('yto'));
    expect(created.ok && created.event.type === 'shipment.created' && created.event.data.order.shipment.carrier).toBe('YTO');
  });

  it.each([
    ['aftersales.requested', () => requestedEvent({ data: { order: { shipment: { carrier: 'Secret Courier 0138' } } } }), 'data.order.shipment.carrier'],
    ['shipment.created', () => shipmentCreated('Secret Courier 0138'), 'data.order.shipment.carrier'],
    ['return.shipped', () => otherEvent('return.shipped', { carrier: 'Secret Courier 0138' }), 'data.carrier'],
  ] as const)('%s with an unknown carrier is 422 invalid_data naming %s, never echoing the value', (_type, body, path) => {
    const result = refusal(parse(body()));
    expect(result).toMatchObject({ status: 422, error: 'invalid_data', issues: [{ path }] });
    expect(JSON.stringify(result)).not.toContain('Secret Courier');
  });

  it('a shipment announced as "sf-express" and as "SF" is the same parcel (one proactive request id)', async () => {
    const { requestIdOf } = await import('../../../functions/schemas/webhook.js');
    const a = parse(shipmentCreated('sf-express'));
    const b = parse(shipmentCreated('SF'));
    if (!a.ok || !b.ok) throw new Error('expected both accepted');
    expect(requestIdOf(a.event)).toBe(requestIdOf(b.event));
  });
});

describe('the published table of accepted carrier values', () => {
  it('docs/webhook-contract.md lists every carrier with every name the registry accepts', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../../docs/webhook-contract.md', import.meta.url), 'utf8');
    for (const carrier of CARRIERS) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${carrier.code}\` |`));
      expect(row, carrier.code).toBeDefined();
      for (const name of [...carrier.aliases, ...Object.values(carrier.providers).flat()]) expect(row, `${carrier.code}: ${name}`).toContain(`\`${name}\``);
    }
  });
});

describe('names of one carrier in configuration', () => {
  it("routing and the policy's per-carrier no-scan days find a carrier under any of its names", async () => {
    const { sameCarrier } = await import('../../../functions/domain/carriers.js');
    const { routeProvider, parseCarrierRoutingConfig } = await import('../../../functions/adapters/carriers/routing.js');
    expect(sameCarrier('sf-express', 'SF')).toBe(true);
    expect(sameCarrier('shunfeng', '100012')).toBe(true);
    expect(sameCarrier('SF', 'ZTO')).toBe(false);
    expect(sameCarrier('Local Courier', 'local courier')).toBe(true);
    const routing = parseCarrierRoutingConfig({ default: 'aftership', byCarrier: { 'sf-express': 'kuaidi100' } });
    expect(routeProvider(routing, 'SF')).toBe('kuaidi100');
    expect(routeProvider(routing, 'ZTO')).toBe('aftership');
  });
});

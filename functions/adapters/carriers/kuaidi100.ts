// 快递100 (Kuaidi100) 实时快递查询 poll/query.do behind the carrier port. Mapping and sources: docs/carrier-tracking.md.
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import type { Checkpoint, TrackingSnapshot, TrackingStatus } from '../../domain/carrier-verdict.js';
import type { CarrierTracker, TrackingQuery } from '../carrier-tracker.js';
import { CarrierAuthError, ProviderUnavailableError, TrackingNotFoundError } from './errors.js';
import { chronological, providerCarrierCode, requestJson, toUtcIso, withSlash, type FetchFn, type ProviderHttp } from './support.js';

/** Kuaidi100 times carry no offset; they are Beijing time. */
export const KUAIDI100_OFFSET = '+08:00';

export interface Kuaidi100Config {
  /** https://poll.kuaidi100.com */
  baseUrl: string;
  /** The account's authorisation key (授权key). */
  apiKey: string;
  /** The account's customer id (customer). */
  customer: string;
  /** Pipeline carrier code -> Kuaidi100 company code (com, lower case), e.g. { SF: 'shunfeng' }. */
  coms: Readonly<Record<string, string>>;
  /**
   * SF Express and ZTO only answer with the recipient's or sender's phone number (`phone`). The pipeline keeps
   * contact data out of lookups, so a caller that has it may supply it here; without it those carriers answer 408.
   */
  phoneFor?: (query: TrackingQuery) => string | undefined | Promise<string | undefined>;
  /**
   * Push subscription (订阅, POST /poll): where Kuaidi100 pushes (`callbackurl`) and the `salt` it signs pushes with.
   * Without it `subscribe` is not offered: Kuaidi100 pushes nothing for numbers that were not subscribed.
   */
  subscription?: { callbackUrl: string; salt: string };
  timeoutMs?: number;
  fetch?: FetchFn;
  now?: () => Date;
}

/** Kuaidi100 `state` (basic and resultv2=4 advanced values) -> canonical status. */
export const KUAIDI100_STATES: Readonly<Record<string, TrackingStatus>> = {
  '0': 'in_transit', // 在途
  '1001': 'in_transit', // 到达派件城市
  '1002': 'in_transit', // 干线
  '1003': 'in_transit', // 转递
  '1': 'in_transit', // 揽收
  '101': 'info_received', // 已下单
  '102': 'info_received', // 待揽收
  '103': 'in_transit', // 已揽收
  '5': 'out_for_delivery', // 派件
  '501': 'available_for_pickup', // 投柜或驿站
  '3': 'delivered', // 签收
  '301': 'delivered', // 本人签收
  '302': 'delivered', // 派件异常后签收
  '303': 'delivered', // 代签
  '304': 'delivered', // 投柜或站签收
  '6': 'returned_to_sender', // 退回
  '4': 'returned_to_sender', // 退签
  '401': 'exception', // 已销单
  '14': 'exception', // 拒签
  '7': 'in_transit', // 转投
  '8': 'in_transit', // 清关
  '10': 'in_transit', // 待清关
  '11': 'in_transit', // 清关中
  '12': 'in_transit', // 已清关
  '13': 'exception', // 清关异常
  '2': 'exception', // 疑难
  '201': 'exception', // 超时未签收
  '202': 'exception', // 超时未更新
  '203': 'exception', // 拒收
  '204': 'failed_attempt', // 派件异常
  '205': 'exception', // 柜或驿站超时未取
  '206': 'failed_attempt', // 无法联系
  '207': 'exception', // 超区
  '208': 'exception', // 滞留
  '209': 'exception', // 破损
  '210': 'exception', // 销单
};
/** Checkpoint `status` names (resultv2=1) -> state value, for checkpoints without `statusCode`. */
const STATE_NAMES: Readonly<Record<string, string>> = {
  在途: '0',
  揽收: '1',
  疑难: '2',
  签收: '3',
  退签: '4',
  派件: '5',
  退回: '6',
  转投: '7',
  转单: '7',
  清关: '8',
  待清关: '10',
  清关中: '11',
  已清关: '12',
  清关异常: '13',
  拒签: '14',
  已下单: '101',
  待揽收: '102',
  已揽收: '103',
  到达派件城市: '1001',
  干线: '1002',
  转递: '1003',
  投柜或驿站: '501',
  本人签收: '301',
  派件异常后签收: '302',
  代签: '303',
  投柜或站签收: '304',
  已销单: '401',
  超时未签收: '201',
  超时未更新: '202',
  拒收: '203',
  派件异常: '204',
  柜或驿站超时未取: '205',
  无法联系: '206',
  超区: '207',
  滞留: '208',
  破损: '209',
  销单: '210',
};

/** A state value this table does not know yet falls back to its family (2xx -> 2, 100x -> 0), else exception. */
export function kuaidi100Status(state: string | number | null | undefined): TrackingStatus | undefined {
  if (state === null || state === undefined || state === '') return undefined;
  const code = String(state).trim();
  if (KUAIDI100_STATES[code]) return KUAIDI100_STATES[code];
  if (/^100\d$/.test(code)) return 'in_transit';
  if (/^\d{3}$/.test(code) && KUAIDI100_STATES[code[0]!]) return KUAIDI100_STATES[code[0]!];
  return 'exception';
}

const ns = z.optional(z.nullable(z.string()));
const code = z.optional(z.nullable(z.union([z.string(), z.number()])));
const TraceSchema = z.looseObject({ time: ns, ftime: ns, context: ns, location: ns, areaName: ns, status: ns, statusCode: code });
export const Kuaidi100ResultSchema = z.looseObject({
  message: ns,
  state: code,
  status: code,
  ischeck: code,
  com: ns,
  nu: ns,
  data: z.optional(z.nullable(z.array(TraceSchema))),
  result: z.optional(z.nullable(z.boolean())),
  returnCode: code,
});
export type Kuaidi100Result = z.infer<typeof Kuaidi100ResultSchema>;

/** A Kuaidi100 result (query answer or push `lastResult`) in the canonical vocabulary. Kuaidi100 has no "lost" state. */
export function kuaidi100Snapshot(result: Kuaidi100Result): TrackingSnapshot {
  const checkpoints = chronological(
    (result.data ?? []).flatMap((t): Checkpoint[] => {
      const time = toUtcIso(t.ftime || t.time, KUAIDI100_OFFSET);
      if (!time) return [];
      const state = t.statusCode ?? (t.status ? STATE_NAMES[t.status.trim()] : undefined);
      const location = t.location?.trim() || t.areaName?.trim();
      return [{ time, status: kuaidi100Status(state) ?? 'in_transit', message: t.context ?? '', ...(location ? { location } : {}) }];
    }),
  );
  const status = kuaidi100Status(result.state) ?? (checkpoints.length ? 'in_transit' : 'pending');
  const lastEventAt = checkpoints.at(-1)?.time;
  const deliveredAt = status === 'delivered' ? (checkpoints.findLast((c) => c.status === 'delivered')?.time ?? lastEventAt) : undefined;
  return { status, lost: false, ...(deliveredAt ? { deliveredAt } : {}), ...(lastEventAt ? { lastEventAt } : {}), checkpoints };
}

/** sign = upper-case hex MD5 of param + key + customer (the query interface's documented order). */
export function kuaidi100QuerySign(param: string, key: string, customer: string): string {
  return createHash('md5')
    .update(param + key + customer, 'utf8')
    .digest('hex')
    .toUpperCase();
}

/** Subscribe (订阅) answer: `{ result, returnCode, message }`. */
const SubscribeReplySchema = z.looseObject({ result: z.optional(z.nullable(z.boolean())), returnCode: code, message: ns });

export class Kuaidi100Tracker implements CarrierTracker {
  private readonly http: ProviderHttp;
  private readonly url: URL;
  private readonly pollUrl: URL;

  constructor(private readonly config: Kuaidi100Config) {
    if (!config.customer) throw new Error('Kuaidi100 needs its customer id (KUAIDI100_CUSTOMER / stack parameter Kuaidi100Customer)');
    this.http = { provider: 'Kuaidi100', fetch: config.fetch ?? fetch, timeoutMs: config.timeoutMs ?? 5000, now: config.now ?? (() => new Date()) };
    this.url = new URL('poll/query.do', withSlash(config.baseUrl));
    this.pollUrl = new URL('poll', withSlash(config.baseUrl));
  }

  /**
   * Subscribes the number for pushes (快递信息推送服务-订阅接口, POST https://poll.kuaidi100.com/poll, form `schema=json`
   * and `param` = { company, number, key, parameters: { callbackurl, salt, resultv2 } }; docs/carrier-tracking.md).
   * returnCode 200 = submitted, 501 = already subscribed (both fine). Without a configured subscription: false.
   */
  async subscribe(query: TrackingQuery): Promise<boolean> {
    const subscription = this.config.subscription;
    if (!subscription) return false;
    const company = providerCarrierCode(this.config.coms, query.carrier, 'Kuaidi100');
    const phone = await this.config.phoneFor?.(query);
    const param = JSON.stringify({
      company,
      number: query.trackingNumber,
      key: this.config.apiKey,
      parameters: { callbackurl: subscription.callbackUrl, salt: subscription.salt, resultv2: '4', ...(phone ? { phone } : {}) },
    });
    const reply = await requestJson(this.http, this.pollUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ schema: 'json', param }).toString(),
    });
    const parsed = SubscribeReplySchema.safeParse(reply.body);
    if (!parsed.success) throw new Error(`Kuaidi100 subscribe answered an unexpected body (HTTP ${reply.status})`);
    const returnCode = parsed.data.returnCode == null ? undefined : String(parsed.data.returnCode);
    if (returnCode === '200' || returnCode === '501') return true;
    const detail = `Kuaidi100 subscribe returnCode ${returnCode ?? '?'}${parsed.data.message ? `: ${parsed.data.message}` : ''}`;
    switch (returnCode) {
      case '600': // 您不是合法的订阅者 (key not valid for push)
      case '601': // POLL:KEY已过期
        throw new CarrierAuthError(detail);
      case '500': // 服务器错误
      case '502':
        throw new ProviderUnavailableError(detail);
      case '701': // 拒绝订阅的快递公司
      case '702': // POLL:识别不到该单号对应的快递公司
        throw new TrackingNotFoundError(detail);
      default: // 700: our subscription data is wrong (a bug on our side)
        throw new Error(detail);
    }
  }

  async track(query: TrackingQuery): Promise<TrackingSnapshot> {
    const com = providerCarrierCode(this.config.coms, query.carrier, 'Kuaidi100');
    const phone = await this.config.phoneFor?.(query);
    // resultv2=4: advanced state values on the result and on every checkpoint; asc: oldest first.
    const param = JSON.stringify({ com, num: query.trackingNumber, ...(phone ? { phone } : {}), resultv2: '4', show: '0', order: 'asc' });
    const form = new URLSearchParams({ customer: this.config.customer, sign: kuaidi100QuerySign(param, this.config.apiKey, this.config.customer), param });
    const reply = await requestJson(this.http, this.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form.toString(),
    });
    const parsed = Kuaidi100ResultSchema.safeParse(reply.body);
    if (!parsed.success) throw new Error(`Kuaidi100 answered an unexpected body (HTTP ${reply.status})`);
    const result = parsed.data;
    const returnCode = result.returnCode == null ? undefined : String(result.returnCode);
    if (result.result === false || (returnCode !== undefined && returnCode !== '200')) throw this.errorFor(returnCode, result.message);
    if (!Array.isArray(result.data)) throw new Error('Kuaidi100 answered without a data[] trace');
    return kuaidi100Snapshot(result);
  }

  private errorFor(returnCode: string | undefined, message: string | null | undefined): Error {
    const detail = `Kuaidi100 returnCode ${returnCode ?? '?'}${message ? `: ${message}` : ''}`;
    switch (returnCode) {
      case '500': // 查询无结果，请隔段时间再查: the carrier has nothing for this number.
      case '408': // 快递公司参数异常: this carrier needs the phone number and it was missing or wrong.
        return new TrackingNotFoundError(detail);
      case '501': // 服务器错误
      case '502': // 服务器繁忙
        return new ProviderUnavailableError(detail);
      case '400': // 找不到对应公司: incomplete submission, customer wrong or account without balance.
      case '503': // 验证签名失败
      case '601': // key已过期 / no balance left
        return new CarrierAuthError(detail);
      default:
        return new Error(detail);
    }
  }
}

// Kuaidi100 (快递100) dialect of the carrier simulator: the 实时快递查询 answer (POST /poll/query.do) and the 订阅
// subscription (POST /poll) with its signed pushes, for the SIM-... timelines, so the real Kuaidi100 adapter
// (functions/adapters/carriers/kuaidi100.ts) runs against the simulator. Shapes: tests/fixtures/carriers/kuaidi100/
// (Kuaidi100's published samples) and docs/carrier-tracking.md.
import { createHash } from 'node:crypto';
import type { Checkpoint, TrackingResponse } from './carrier-scenarios.js';
import type { TrackingStatus } from './tracking-status.js';

/** state value and checkpoint status name (resultv2=4). Kuaidi100 has no "lost": a lost parcel is 疑难 (2). */
const STATES: Record<TrackingStatus, { code: string; name: string }> = {
  pending: { code: '101', name: '已下单' },
  info_received: { code: '101', name: '已下单' },
  in_transit: { code: '0', name: '在途' },
  out_for_delivery: { code: '5', name: '派件' },
  failed_attempt: { code: '204', name: '派件异常' },
  available_for_pickup: { code: '501', name: '投柜或驿站' },
  delivered: { code: '301', name: '本人签收' },
  exception: { code: '2', name: '疑难' },
  returned_to_sender: { code: '6', name: '退回' },
  expired: { code: '202', name: '超时未更新' },
};

/** Beijing wall-clock time without an offset, `yyyy-MM-dd HH:mm:ss`, as Kuaidi100 gives it. */
function beijing(instant: string): string {
  return new Date(Date.parse(instant) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

function traceOf(c: Checkpoint) {
  const s = STATES[c.status];
  const time = beijing(c.time);
  return { time, ftime: time, context: c.message, location: c.location, areaName: c.location, status: s.name, statusCode: s.code };
}

/** A fabricated SIM timeline as a Kuaidi100 result (query answer, or a push's `lastResult`); `order` as asked. */
export function toKuaidi100Result(timeline: TrackingResponse, com: string, order: 'asc' | 'desc' = 'desc') {
  const traces = timeline.checkpoints.map(traceOf);
  const state = STATES[timeline.status].code;
  return {
    message: 'ok',
    nu: timeline.trackingNumber,
    ischeck: timeline.status === 'delivered' ? '1' : '0',
    condition: 'F00',
    com,
    status: '200',
    state: state === '301' ? '3' : state,
    data: order === 'asc' ? traces : traces.reverse(),
  };
}

export const KUAIDI100_ERRORS = {
  signature: { result: false, returnCode: '503', message: '验证签名失败' },
  noResult: { result: false, returnCode: '500', message: '查询无结果，请隔段时间再查' },
  busy: { result: false, returnCode: '502', message: '服务器繁忙' },
  badParam: { result: false, returnCode: '400', message: '找不到对应公司' },
  subscribed: { result: true, returnCode: '200', message: '提交成功' },
  duplicate: { result: false, returnCode: '501', message: '重复订阅' },
  notSubscriber: { result: false, returnCode: '600', message: '您不是合法的订阅者' },
  subscribeData: { result: false, returnCode: '700', message: '订阅方的订阅数据存在错误' },
} as const;

/** sign = upper-case MD5 of the parts joined (query: param + key + customer; push: param + salt). */
export function kuaidi100Md5(...parts: string[]): string {
  return createHash('md5').update(parts.join(''), 'utf8').digest('hex').toUpperCase();
}

export interface Kuaidi100Context {
  /** The account's key and customer id; when set, query signatures are checked. */
  key?: string;
  customer?: string;
  /** Counts a lookup; undefined: not a SIM number; throws while the carrier is down. */
  resolve(trackingNumber: string): unknown;
  timeline(trackingNumber: string, com: string): TrackingResponse | undefined;
}

/** Subscriptions (订阅), keyed upper-case: Kuaidi100 pushes only for these, to their callbackurl, signed with their salt. */
export type Kuaidi100Subscriptions = Map<string, { number: string; company: string; callbackUrl: string; salt: string }>;

const parseParam = (raw: string | null): Record<string, unknown> | undefined => {
  try {
    const value = JSON.parse(raw ?? '') as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** POST /poll/query.do, form `customer`, `sign` = MD5(param + key + customer), `param` = { com, num, order, ... }. */
export function kuaidi100Query(ctx: Kuaidi100Context, form: URLSearchParams): unknown {
  const param = form.get('param') ?? '';
  if (ctx.key !== undefined && (form.get('customer') !== ctx.customer || (form.get('sign') ?? '').toUpperCase() !== kuaidi100Md5(param, ctx.key, ctx.customer ?? ''))) {
    return KUAIDI100_ERRORS.signature;
  }
  const query = parseParam(param);
  const com = typeof query?.com === 'string' ? query.com : '';
  const num = typeof query?.num === 'string' ? query.num : '';
  if (!com || !num) return KUAIDI100_ERRORS.badParam;
  const resolved = ctx.resolve(num);
  const timeline = resolved === undefined ? undefined : ctx.timeline(num, com);
  if (!timeline) return KUAIDI100_ERRORS.noResult;
  return toKuaidi100Result(timeline, com, query?.order === 'asc' ? 'asc' : 'desc');
}

/** POST /poll, form `schema=json`, `param` = { company, number, key, parameters: { callbackurl, salt, resultv2 } }. */
export function kuaidi100Subscribe(ctx: Kuaidi100Context, subscriptions: Kuaidi100Subscriptions, form: URLSearchParams): unknown {
  const param = parseParam(form.get('param'));
  const parameters = (param?.parameters ?? {}) as Record<string, unknown>;
  if (ctx.key !== undefined && param?.key !== ctx.key) return KUAIDI100_ERRORS.notSubscriber;
  const company = typeof param?.company === 'string' ? param.company : '';
  const number = typeof param?.number === 'string' ? param.number : '';
  const callbackUrl = typeof parameters.callbackurl === 'string' ? parameters.callbackurl : '';
  if (!company || !number || !callbackUrl) return KUAIDI100_ERRORS.subscribeData;
  const key = number.toUpperCase();
  if (subscriptions.has(key)) return KUAIDI100_ERRORS.duplicate;
  subscriptions.set(key, { number, company, callbackUrl, salt: typeof parameters.salt === 'string' ? parameters.salt : '' });
  return KUAIDI100_ERRORS.subscribed;
}

/** A push as Kuaidi100 sends it: form `sign` = MD5(param + salt), `param` = { status, billstatus, message, autoCheck, comOld, comNew, lastResult }. */
export function kuaidi100PushBody(result: ReturnType<typeof toKuaidi100Result>, salt: string): string {
  const param = JSON.stringify({
    status: result.ischeck === '1' ? 'shutdown' : 'polling',
    billstatus: result.ischeck === '1' ? 'check' : 'got',
    message: '',
    autoCheck: '0',
    comOld: '',
    comNew: '',
    lastResult: result,
  });
  return new URLSearchParams({ sign: kuaidi100Md5(param, salt), param }).toString();
}

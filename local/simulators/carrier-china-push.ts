// 17TRACK and Kuaidi100 pushes from the carrier simulator: TRACKING_UPDATED / TRACKING_STOPPED webhooks for 17TRACK's
// registered numbers and Kuaidi100's 订阅 callbacks, each when its state changed. Transport only, as carrier-push.ts.
import { shanghaiDateOf } from './china-workdays.js';
import { fabricateTracking, parseScenario, scenarioForLookup, timelineFinalFrom, timelineUnchangedUntil, type TrackingResponse } from './carrier-scenarios.js';
import { seventeenTrackSign, toSeventeenTrackInfo, type SeventeenTrackRegistry } from './carrier-17track.js';
import { kuaidi100PushBody, toKuaidi100Result, type Kuaidi100Subscriptions } from './carrier-kuaidi100.js';
import { PushMemory, type PushTarget, postPush } from './carrier-push.js';
import type { StateLifetime } from './carrier-quiet.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Kuaidi100 and 17TRACK requests carry no ship date: the parcel is taken as shipped 3 days before it was first seen.
 * Kuaidi100 has no "lost" state, so its lost parcel is one that went silent long ago (shipped 12 days before),
 * which the policy's no-scan rule reads as lost.
 */
export const UNDATED_SHIPPING_DAYS = 3;
export const KUAIDI100_LOST_SHIPPING_DAYS = 12;

/** 17TRACK only: SIM-STOPPED-<scenario>-… is tracked as SIM-<scenario>-… but 17TRACK stops following it (TRACKING_STOPPED). */
export function stoppedScenario(number: string): string | undefined {
  const m = /^SIM-STOPPED-(.+)$/i.exec(number);
  return m ? `SIM-${m[1]}` : undefined;
}

export interface UndatedFabrication extends StateLifetime {
  timeline: TrackingResponse;
}

/** The scenario of an undated number resolved by `lookupCount`, and its timeline input as of `now`. */
function undatedInput(trackingNumber: string, carrier: string, firstSeen: Date, lookupCount: number, now: Date, lostShippingDays = UNDATED_SHIPPING_DAYS) {
  const scenario = parseScenario(trackingNumber);
  const resolved = scenario && scenarioForLookup(scenario, Math.max(1, lookupCount));
  if (!resolved) return undefined;
  const days = resolved.kind === 'lost' ? lostShippingDays : UNDATED_SHIPPING_DAYS;
  const shippedAt = new Date(firstSeen.getTime() - days * DAY_MS);
  const promisedBy = shanghaiDateOf(new Date(shippedAt.getTime() + 2 * DAY_MS));
  return { resolved, input: { trackingNumber, carrier, shippedAt, promisedBy, registeredAt: firstSeen, now } };
}

/**
 * The timeline of an undated number (17TRACK, Kuaidi100) as of `now`, resolved by `lookupCount` (the lookups so far);
 * undefined: no SIM scenario, or still down for the number. What a lookup answers.
 */
export function undatedTimeline(
  trackingNumber: string,
  carrier: string,
  firstSeen: Date,
  lookupCount: number,
  now: Date,
  lostShippingDays = UNDATED_SHIPPING_DAYS,
): TrackingResponse | undefined {
  const made = undatedInput(trackingNumber, carrier, firstSeen, lookupCount, now, lostShippingDays);
  return made && fabricateTracking(made.resolved, made.input);
}

/** `undatedTimeline` and how long what a push compares holds: what a push tick fabricates. */
export function undatedFabrication(...args: Parameters<typeof undatedTimeline>): UndatedFabrication | undefined {
  const made = undatedInput(...args);
  if (!made) return undefined;
  const { resolved, input } = made;
  return {
    timeline: fabricateTracking(resolved, input),
    finalFrom: timelineFinalFrom(resolved, input)?.getTime(),
    unchangedUntil: timelineUnchangedUntil(resolved, input)?.getTime() ?? Infinity,
  };
}

/** A push ready to go: where, what and how it is logged. */
export interface ChinaSend {
  url: string;
  body: string;
  headers: Record<string, string>;
  number: string;
  tag: string;
}

/** A registered number as a tick sees it; `state` fabricates it at the tick's instant (undefined: nothing to push). */
export interface ChinaPushable {
  id: string;
  state(): ChinaPushState | undefined;
}

export interface ChinaPushState extends StateLifetime {
  /** What is compared with the last accepted push. */
  print: string;
  /** Builds the push (its body read off the fabrication). */
  send(): ChinaSend;
}

/**
 * Each registration's id, built once: a tick looks every number's window up by it, and a string built anew on every
 * tick is flattened and hashed anew on every lookup (a sixth of the tick's time at 12,000 numbers).
 */
const ids = new WeakMap<object, string>();
function idOf(entry: { number: string }, provider: string): string {
  let id = ids.get(entry);
  if (id === undefined) ids.set(entry, (id = `${provider}:${entry.number}`));
  return id;
}

/**
 * 17TRACK's registered numbers, each fabricated through `fabricate(number, carrier, registeredAt)` when a tick asks;
 * `fabricate` fabricates at the tick's instant (the one that decided which numbers are due).
 */
export function seventeenTrackPushables(
  registry: SeventeenTrackRegistry,
  target: PushTarget,
  fabricate: (number: string, carrier: string, registeredAt: Date) => UndatedFabrication | undefined,
): ChinaPushable[] {
  const signed = (number: string, tag: string, body: string): ChinaSend => ({
    url: target.url,
    body,
    headers: { 'content-type': 'application/json', sign: seventeenTrackSign(body, target.secret) },
    number,
    tag,
  });
  return Array.from(registry.values(), (r) => ({
    id: idOf(r, '17track'),
    state: (): ChinaPushState | undefined => {
      if (stoppedScenario(r.number) && !r.retrackedAt) {
        // 17TRACK gave up on this number: one TRACKING_STOPPED (its published shape), nothing after until a retrack.
        // Not kept quiet by time: a retrack, not the clock, ends it.
        const body = () => JSON.stringify({ event: 'TRACKING_STOPPED', data: { number: r.number, carrier: r.carrier, param: null, tag: '' } });
        return { print: 'stopped', send: () => signed(r.number, 'TRACKING_STOPPED', body()) };
      }
      const fabricated = fabricate(stoppedScenario(r.number) ?? r.number, String(r.carrier), r.registeredAt);
      if (!fabricated) return undefined;
      const info = toSeventeenTrackInfo(fabricated.timeline);
      return {
        print: `${info.latest_status.sub_status}/${fabricated.timeline.checkpoints.length}`,
        finalFrom: fabricated.finalFrom,
        unchangedUntil: fabricated.unchangedUntil,
        send: () =>
          signed(
            r.number,
            info.latest_status.status,
            JSON.stringify({ event: 'TRACKING_UPDATED', data: { number: r.number, carrier: r.carrier, param: null, tag: null, track_info: info } }),
          ),
      };
    },
  }));
}

/** Kuaidi100's subscriptions, each fabricated through `fabricate(number, company)` when a tick asks. */
export function kuaidi100Pushables(subscriptions: Kuaidi100Subscriptions, fabricate: (number: string, company: string) => UndatedFabrication | undefined): ChinaPushable[] {
  return Array.from(subscriptions.values(), (sub) => ({
    id: idOf(sub, 'kuaidi100'),
    state: (): ChinaPushState | undefined => {
      const fabricated = fabricate(sub.number, sub.company);
      if (!fabricated) return undefined;
      const result = toKuaidi100Result(fabricated.timeline, sub.company);
      return {
        print: `${result.state}/${result.data.length}`,
        finalFrom: fabricated.finalFrom,
        unchangedUntil: fabricated.unchangedUntil,
        send: () => ({
          url: sub.callbackUrl,
          body: kuaidi100PushBody(result, sub.salt),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          number: sub.number,
          tag: result.state,
        }),
      };
    },
  }));
}

/**
 * Pushes for 17TRACK and Kuaidi100: every state that differs from the last accepted push for its id, in the order the
 * pushables come; a refused push is tried again on the next tick. A tick fabricates only the numbers whose accepted
 * state may no longer hold (`QuietWindows`): the ones that moved, were refused, or were never pushed.
 */
export class ChinaPusher extends PushMemory {
  /** Forgets what was pushed (a new 17TRACK target): every number is pushed again. */
  override forgetPushed(): void {
    super.forgetPushed();
  }

  /** Forgets the quiet windows, for when the numbers were forgotten (they may be registered anew). */
  override forgetWindows(): void {
    super.forgetWindows();
  }

  /**
   * `current(now)` lists the numbers with their states fabricated at `now`, the instant that also decides which quiet
   * windows hold: a change after it waits for the next tick, as plain fabrication at that instant would.
   */
  async tick(current: (now: Date) => ChinaPushable[]): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const generation = this.generation;
    try {
      const instant = this.clock();
      const now = instant.getTime();
      // Every due number is fabricated before the first push is sent, as one snapshot of the tick; a push's body is
      // read off that fabrication when it is sent. A stopped number is no fabrication: its state is its print, which
      // says nothing of how long it holds, so it keeps no window.
      const due: Array<{ id: string; state: ChinaPushState }> = [];
      for (const pushable of current(instant)) {
        if (this.quiet.holds(pushable.id, now)) continue;
        const state = pushable.state();
        if (state) due.push({ id: pushable.id, state });
      }
      for (const { id, state } of due) {
        if (this.pushed.get(id) === state.print) {
          this.quiet.keep(id, now, state);
          continue;
        }
        const send = state.send();
        const status = await postPush(send.url, send.headers, send.body);
        this.log.push({ trackingNumber: send.number, tag: send.tag, status, at: new Date().toISOString() });
        // Forgotten while the push was out (a new 17TRACK target, a reset): it went to the old target, or for a number
        // that may since be registered anew, so it counts as pushed for none of them.
        if (generation !== this.generation) return;
        if (status >= 200 && status < 300) {
          this.pushed.set(id, state.print);
          this.quiet.keep(id, now, state);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}

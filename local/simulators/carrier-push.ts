// AfterShip-style tracking pushes from the carrier simulator: for the trackings created on it, a POST of a signed
// `tracking_update` webhook to the pipeline whenever a tracking changes, as AfterShip notifies an account of its
// own trackings. Transport only: what a push means is the pipeline's business.
import { createHmac, randomUUID } from 'node:crypto';
import { afterShipFingerprint, afterShipTimelineInput, toAfterShipTracking, type AfterShipRecord, type AfterShipTrackingBody } from './carrier-aftership.js';
import { fabricateTracking, parseScenario, scenarioForLookup, timelineFinalFrom, timelineUnchangedUntil } from './carrier-scenarios.js';
import { QuietWindows } from './carrier-quiet.js';

export interface PushTarget {
  /** e.g. http://127.0.0.1:3000/webhooks/carriers/aftership */
  url: string;
  /** The AfterShip webhook secret: `aftership-hmac-sha256` = base64(HMAC-SHA256(raw body, secret)). */
  secret: string;
}

export interface PushRecord {
  trackingNumber: string;
  tag: string;
  status: number;
  at: string;
}

/**
 * A tracking as a tick sees it: its number and, fabricated only when the tick asks (`state`), what a push compares
 * (tag, subtag and number of checkpoints, as `afterShipFingerprint` reads them off the timeline), from when that
 * timeline can no longer change, and the webhook's tracking object, rendered only when pushed. Every tick looks at
 * every tracking created so far: rendering each one's whole object, then fabricating each one's timeline, every
 * 500 ms made the tick's cost grow with the number of cases run; now a tick fabricates only the trackings whose
 * fingerprint may have changed since it was last accepted (`QuietWindows`). `state` answers undefined while the
 * carrier is down for the number.
 */
export interface PushableTracking {
  trackingNumber: string;
  /** The upper-cased number, when the caller keeps it (else the tick upper-cases `trackingNumber`). */
  key?: string;
  state(): PushableState | undefined;
}

export interface PushableState {
  fingerprint: string;
  /** Epoch ms from which this tracking's timeline is the same at every later instant; undefined: it may still change. */
  finalFrom?: number;
  /** Epoch ms until which (exclusive) the fingerprint stays as it is now; Infinity: never changes; undefined: unknown. */
  unchangedUntil?: number;
  render(): AfterShipTrackingBody;
}

/**
 * Each record's upper-cased number, made once: a tick reads several maps by it, and a string made anew on every tick
 * is hashed anew on every read.
 */
const keys = new WeakMap<AfterShipRecord, string>();
function keyOf(record: AfterShipRecord): string {
  let key = keys.get(record);
  if (key === undefined) keys.set(record, (key = record.trackingNumber.toUpperCase()));
  return key;
}

/**
 * The AfterShip trackings created on the simulator as of `now`; a push is no lookup, so it uses up no SIM-DOWN
 * failure. The lookup count is read now, so a lookup made while the tick awaits a push changes nothing in it.
 */
export function afterShipPushables(records: Iterable<AfterShipRecord>, lookupCount: (key: string) => number, now: Date): PushableTracking[] {
  return Array.from(records, (record) => {
    const key = keyOf(record);
    const lookupNumber = lookupCount(key) + 1;
    return {
      trackingNumber: record.trackingNumber,
      key,
      state: () => {
        const scenario = parseScenario(record.trackingNumber);
        const resolved = scenario && scenarioForLookup(scenario, lookupNumber);
        if (!resolved) return undefined;
        const input = afterShipTimelineInput(record, now);
        const timeline = fabricateTracking(resolved, input);
        return {
          fingerprint: afterShipFingerprint(timeline),
          finalFrom: timelineFinalFrom(resolved, input)?.getTime(),
          unchangedUntil: timelineUnchangedUntil(resolved, input)?.getTime() ?? Infinity,
          render: () => toAfterShipTracking(timeline, record, now),
        };
      },
    };
  });
}

/** POSTs one push: the receiver's HTTP status, 0 when it could not be reached in 5 s. */
export function postPush(url: string, headers: Record<string, string>, body: string): Promise<number> {
  return fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5000) }).then(
    (r) => r.status,
    () => 0,
  );
}

/** What a pusher remembers between ticks: the last accepted state per tracking, its quiet window, the pushes sent. */
export abstract class PushMemory {
  protected readonly pushed = new Map<string, string>();
  /**
   * Trackings whose accepted state holds for a while: settled ones (final, from their final instant on) and ones that
   * cannot change before their next scan. A tick inside a tracking's window neither fabricates nor pushes it.
   */
  protected readonly quiet = new QuietWindows();
  protected readonly log: PushRecord[] = [];
  protected busy = false;
  /**
   * Bumped whenever what was pushed or settled is forgotten: a tick that awaited a push across that must not write its
   * result back, or a number created anew after a reset would stay settled.
   */
  protected generation = 0;

  constructor(protected readonly clock: () => Date = () => new Date()) {}

  /** Forgets the quiet windows (the trackings may be created anew): every tracking is fabricated again. */
  protected forgetWindows(): void {
    this.quiet.clear();
    this.generation++;
  }

  /** Forgets what was accepted as well (a new target): every tracking is pushed again. */
  protected forgetPushed(): void {
    this.pushed.clear();
    this.forgetWindows();
  }

  /** The pushes sent (and their HTTP answers), oldest first. */
  history(): PushRecord[] {
    return [...this.log];
  }
}

export class AfterShipPusher extends PushMemory {
  private target: PushTarget | undefined;

  setTarget(target: PushTarget | undefined): void {
    this.target = target;
    this.forgetPushed();
  }

  /** Forgets which trackings settled, for when the trackings themselves were forgotten (they may be created anew). */
  unsettleAll(): void {
    this.forgetWindows();
  }

  /** Pushes every tracking whose state changed; a push that fails is tried again on the next tick. */
  async tick(current: (now: Date) => PushableTracking[]): Promise<void> {
    const target = this.target;
    if (!target || this.busy) return;
    this.busy = true;
    const generation = this.generation;
    try {
      const now = this.clock();
      for (const pushable of current(now)) {
        const key = pushable.key ?? pushable.trackingNumber.toUpperCase();
        if (this.quiet.holds(key, now.getTime())) continue;
        const state = pushable.state();
        if (!state) continue;
        const print = state.fingerprint;
        if (this.pushed.get(key) === print) {
          this.quiet.keep(key, now.getTime(), state);
          continue;
        }
        const tracking = state.render();
        const body = JSON.stringify({
          event: 'tracking_update',
          event_id: randomUUID(),
          is_tracking_first_tag: !this.pushed.has(key),
          msg: tracking,
          ts: Math.floor(Date.now() / 1000),
        });
        const signature = createHmac('sha256', target.secret).update(body, 'utf8').digest('base64');
        const status = await postPush(target.url, { 'content-type': 'application/json', 'aftership-hmac-sha256': signature }, body);
        this.log.push({ trackingNumber: tracking.tracking_number, tag: tracking.tag, status, at: new Date().toISOString() });
        // Forgotten while the push was out: what this tick saw belongs to trackings that may no longer exist.
        if (this.generation !== generation) return;
        if (status >= 200 && status < 300) {
          this.pushed.set(key, print);
          this.quiet.keep(key, now.getTime(), state);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}

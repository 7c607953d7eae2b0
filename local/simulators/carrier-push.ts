// AfterShip-style tracking pushes from the carrier simulator: for the trackings created on it, a POST of a signed
// `tracking_update` webhook to the pipeline whenever a tracking changes, as AfterShip notifies an account of its
// own trackings. Transport only: what a push means is the pipeline's business.
import { createHmac, randomUUID } from 'node:crypto';
import type { AfterShipTrackingBody } from './carrier-aftership.js';

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
 * A tracking as a tick sees it: its number, what a push compares (tag, subtag and number of checkpoints, as
 * `afterShipFingerprint` reads them off the timeline) and the webhook's tracking object, rendered only when pushed.
 * Every tick looks at every tracking created so far, and most have not changed: rendering each one's whole object
 * (checkpoints, dates, hashes) every 500 ms made the tick's cost grow with the number of cases run.
 */
export interface PushableTracking {
  trackingNumber: string;
  fingerprint: string;
  render(): AfterShipTrackingBody;
}

export class AfterShipPusher {
  private target: PushTarget | undefined;
  private readonly pushed = new Map<string, string>();
  private readonly log: PushRecord[] = [];
  private busy = false;

  setTarget(target: PushTarget | undefined): void {
    this.target = target;
    this.pushed.clear();
  }

  /** Pushes every tracking whose state changed; a push that fails is tried again on the next tick. */
  async tick(current: () => PushableTracking[]): Promise<void> {
    const target = this.target;
    if (!target || this.busy) return;
    this.busy = true;
    try {
      for (const pushable of current()) {
        const key = pushable.trackingNumber.toUpperCase();
        const print = pushable.fingerprint;
        if (this.pushed.get(key) === print) continue;
        const tracking = pushable.render();
        const body = JSON.stringify({
          event: 'tracking_update',
          event_id: randomUUID(),
          is_tracking_first_tag: !this.pushed.has(key),
          msg: tracking,
          ts: Math.floor(Date.now() / 1000),
        });
        const status = await fetch(target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'aftership-hmac-sha256': createHmac('sha256', target.secret).update(body, 'utf8').digest('base64') },
          body,
          signal: AbortSignal.timeout(5000),
        }).then(
          (r) => r.status,
          () => 0,
        );
        this.log.push({ trackingNumber: tracking.tracking_number, tag: tracking.tag, status, at: new Date().toISOString() });
        if (status >= 200 && status < 300) this.pushed.set(key, print);
      }
    } finally {
      this.busy = false;
    }
  }

  /** The pushes sent (and their HTTP answers), oldest first. */
  history(): PushRecord[] {
    return [...this.log];
  }
}

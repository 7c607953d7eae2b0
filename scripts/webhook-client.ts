import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A small order-platform client: signs events per Standard Webhooks and posts them, as the platform would. */
export interface SendOptions {
  webhookId?: string;
  /** Sign as of this time (to test stale timestamps). */
  signedAt?: Date;
  /** Sign with this secret instead (to test bad signatures). */
  secret?: string;
}

export interface WebhookResponse {
  status: number;
  body: Record<string, unknown>;
}

export class OrderPlatformClient {
  constructor(
    private readonly apiUrl: string,
    private readonly secret: string,
  ) {}

  async send(event: { type: string; timestamp?: string; data: unknown }, options: SendOptions = {}): Promise<WebhookResponse> {
    const body = JSON.stringify({ type: event.type, timestamp: event.timestamp ?? new Date().toISOString(), data: event.data });
    return this.sendRaw(body, options);
  }

  async sendRaw(body: string, options: SendOptions = {}): Promise<WebhookResponse> {
    const webhookId = options.webhookId ?? `msg_${randomUUID()}`;
    const signedAt = options.signedAt ?? new Date();
    const signature = new Webhook(options.secret ?? this.secret).sign(webhookId, signedAt, body);
    const response = await fetch(`${this.apiUrl}/webhooks/order-platform`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': webhookId,
        'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body,
    });
    return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
  }
}

export class OpsClient {
  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
  ) {}

  async getCase(caseId: string): Promise<{ status: number; body: Record<string, any> }> {
    const response = await fetch(`${this.apiUrl}/ops/cases/${caseId}`, { headers: { authorization: `Bearer ${this.token}` } });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  /** Polls the case until `done` holds or the deadline passes; returns the last view. */
  async waitFor(caseId: string, done: (view: Record<string, any>) => boolean, timeoutMs = 60_000): Promise<Record<string, any>> {
    const deadline = Date.now() + timeoutMs;
    let last: Record<string, any> = {};
    while (Date.now() < deadline) {
      const { status, body } = await this.getCase(caseId);
      if (status === 200) {
        last = body;
        if (done(body)) return body;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`case ${caseId} did not reach the expected state in ${timeoutMs} ms; last status: ${last.status ?? 'unknown'}`);
  }
}

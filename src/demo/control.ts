/** The sandbox's control routes (`/_sandbox/*`), as the demo plays the customers and the calendar. */

/** A request as `GET /_sandbox/state` lists it. */
export interface SandboxRequestView {
  id: string;
  status: 'draft' | 'pending' | 'active' | 'expired' | 'cancelled';
  accountName: string;
  accountDomain: string;
  submittedAt: string | null;
  expiresAt: string | null;
  activatedAt: string | null;
}

/** A mail record of the sandbox's outbox. */
export interface SandboxMailView {
  kind: 'activation-instructions' | 'activation-confirmation' | 'expiry-notice';
  to: string[];
  transport: 'smtp' | 'imap' | 'none';
  status: 'delivered' | 'failed' | 'queued';
  error: string | null;
}

/** What `GET /_sandbox/state` returns (the parts the demo reads). */
export interface SandboxStateView {
  now: string;
  requests: SandboxRequestView[];
  mail: SandboxMailView[];
}

/** Typed calls to the control routes under `controlUrl`. */
export class SandboxControl {
  constructor(private readonly controlUrl: string) {}

  async #call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.controlUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`sandbox ${method} ${path} answered ${response.status}: ${text}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Seeds an existing, active Smart Account. */
  async seedAccount(name: string, domain: string): Promise<void> {
    await this.#call('POST', '/accounts', { name, domain });
  }

  /** Plays the customer who clicks the activation link. */
  async activate(requestId: string): Promise<void> {
    await this.#call('POST', `/account-requests/${encodeURIComponent(requestId)}/activate`);
  }

  /** Moves the sandbox clock forward; requests past 90 days expire at once. */
  async advanceDays(days: number): Promise<Date> {
    const { now } = await this.#call<{ now: string }>('POST', '/clock', { advanceDays: days });
    return new Date(now);
  }

  async now(): Promise<Date> {
    const { now } = await this.#call<{ now: string }>('GET', '/clock');
    return new Date(now);
  }

  /** Waits until every email the sandbox started sending has been delivered. */
  async flushMail(): Promise<void> {
    await this.#call('POST', '/mail/flush');
  }

  async state(): Promise<SandboxStateView> {
    return this.#call<SandboxStateView>('GET', '/state');
  }
}

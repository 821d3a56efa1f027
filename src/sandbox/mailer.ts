import { randomBytes } from 'node:crypto';
import type { SandboxClock } from './clock.js';
import { composeCiscoMail } from './mail/compose.js';
import { MailDelivery } from './mail/deliver.js';
import type { MailRecord, RequestRecord, SandboxState } from './state.js';

/** Where the sandbox's mail goes. */
export interface SandboxMailOptions {
  /** Relay for mail to customers (`smtp://host:port`). Unset: kept in the outbox only. */
  smtpUrl?: string;
  /** The requester's mailbox; Cisco's mail to the requester is appended there. */
  requesterImapUrl?: string;
  /** The requester's address (the partner who asked for the accounts). */
  requesterEmail: string;
  /** Sender of Cisco's mail. */
  from: string;
  /** Public base URL, for the activation link in the customer's email. */
  publicUrl: () => string;
}

/**
 * Sends Cisco's side of the mail: activation instructions to the customer over SMTP,
 * confirmations and expiry notices into the requester's mailbox. Delivery runs in
 * the background; every message is kept in the outbox with its outcome.
 */
export class SandboxMailer {
  readonly #pending = new Set<Promise<void>>();
  readonly #delivery: MailDelivery;

  constructor(
    private readonly state: SandboxState,
    private readonly clock: SandboxClock,
    private readonly options: SandboxMailOptions,
  ) {
    this.#delivery = new MailDelivery({
      ...(options.smtpUrl ? { smtpUrl: options.smtpUrl } : {}),
      ...(options.requesterImapUrl ? { requesterImapUrl: options.requesterImapUrl } : {}),
    });
  }

  send(kind: MailRecord['kind'], request: RequestRecord): void {
    const mail = composeCiscoMail(kind, request, {
      from: this.options.from,
      requesterEmail: this.options.requesterEmail,
      now: this.clock.now(),
      activationUrl: `${this.options.publicUrl()}/activate/${request.id}`,
    });
    const record: MailRecord = {
      id: `mail_${randomBytes(6).toString('hex')}`,
      kind,
      requestId: request.id,
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      messageId: mail.messageId,
      at: this.clock.now().toISOString(),
      transport: 'none',
      status: 'queued',
      error: null,
    };
    this.state.mail.push(record);
    // Customer mail goes through the relay; the requester's lands in their mailbox,
    // or goes through the relay when no mailbox is configured.
    const route =
      kind === 'activation-instructions' || !this.options.requesterImapUrl ? 'smtp' : 'imap';
    const job = this.#delivery.deliver(mail, route).then((outcome) => {
      Object.assign(record, outcome);
      this.state.save();
    });
    this.#pending.add(job);
    void job.finally(() => this.#pending.delete(job));
  }

  /** Waits until every delivery started so far has finished. */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  async close(): Promise<void> {
    await this.flush();
    await this.#delivery.close();
  }
}

import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { type ComposedMail, messageOptions, renderRaw } from './compose.js';

export interface MailDeliveryOptions {
  /** Relay: `smtp://[user:pass@]host:port` or `smtps://...`. Unset: SMTP mail stays queued. */
  smtpUrl?: string;
  /** The requester's mailbox: `imap[s]://user:pass@host:port/INBOX`. */
  requesterImapUrl?: string;
  logger?: { warn(msg: string): void };
  /** Connection, greeting and socket timeout for both transports (default 10 s). */
  timeoutMs?: number;
}

export type DeliveryRoute = 'smtp' | 'imap';

/** What happened to one email; never contains a password. */
export interface DeliveryOutcome {
  transport: 'smtp' | 'imap' | 'none';
  status: 'delivered' | 'failed' | 'queued';
  error: string | null;
}

interface ServerUrl {
  secure: boolean;
  host: string;
  port: number;
  user: string;
  pass: string;
  /** The path without its leading slash, decoded. */
  path: string;
}

function parseUrl(raw: string, plain: string, tls: string, ports: [number, number]): ServerUrl {
  const url = new URL(raw);
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== plain && scheme !== tls) throw new Error(`expected ${plain}:// or ${tls}://`);
  const secure = scheme === tls;
  return {
    secure,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? ports[1] : ports[0],
    user: decodeURIComponent(url.username),
    pass: decodeURIComponent(url.password),
    path: decodeURIComponent(url.pathname.replace(/^\//, '')),
  };
}

/** Removes every form of a secret from a message. */
function redact(message: string, secrets: (string | undefined)[]): string {
  let out = message;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      out = out.split(form).join('***');
    }
  }
  return out;
}

/** A readable one-line reason from a nodemailer or imapflow error. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { code?: unknown; responseText?: unknown; response?: unknown };
  const parts = [e.message];
  if (typeof e.responseText === 'string' && !e.message.includes(e.responseText)) {
    parts.push(e.responseText);
  } else if (typeof e.response === 'string' && !e.message.includes(e.response)) {
    parts.push(e.response);
  }
  if (typeof e.code === 'string') parts.push(`(${e.code})`);
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

/**
 * Delivers the sandbox's mail: over SMTP to a relay (pooled, created on first use), or
 * by IMAP APPEND straight into the requester's mailbox, as their mail server would.
 * `deliver` never throws; failures come back as `status: 'failed'` with the reason.
 */
export class MailDelivery {
  #smtp: Transporter<SMTPPool.SentMessageInfo> | null = null;
  readonly #timeoutMs: number;
  readonly #secrets: (string | undefined)[];

  constructor(private readonly options: MailDeliveryOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#secrets = [options.smtpUrl, options.requesterImapUrl].map((u) => {
      try {
        return u ? decodeURIComponent(new URL(u).password) : undefined;
      } catch {
        return undefined;
      }
    });
  }

  async deliver(mail: ComposedMail, route: DeliveryRoute): Promise<DeliveryOutcome> {
    const target = route === 'smtp' ? this.options.smtpUrl : this.options.requesterImapUrl;
    if (!target) return { transport: 'none', status: 'queued', error: null };
    try {
      if (route === 'smtp') await this.#sendSmtp(mail, target);
      else await this.#appendImap(mail, target);
      return { transport: route, status: 'delivered', error: null };
    } catch (err) {
      const error = redact(describe(err), this.#secrets);
      this.options.logger?.warn(`${route} delivery of ${mail.messageId} failed: ${error}`);
      return { transport: route, status: 'failed', error };
    }
  }

  async #sendSmtp(mail: ComposedMail, smtpUrl: string): Promise<void> {
    if (!this.#smtp) {
      const u = parseUrl(smtpUrl, 'smtp', 'smtps', [25, 465]);
      const t = this.#timeoutMs;
      this.#smtp = nodemailer.createTransport({
        pool: true,
        maxConnections: 2,
        host: u.host,
        port: u.port,
        secure: u.secure,
        ...(u.user ? { auth: { user: u.user, pass: u.pass } } : {}),
        connectionTimeout: t,
        greetingTimeout: t,
        socketTimeout: t,
      });
    }
    await this.#smtp.sendMail(messageOptions(mail));
  }

  async #appendImap(mail: ComposedMail, imapUrl: string): Promise<void> {
    const u = parseUrl(imapUrl, 'imap', 'imaps', [143, 993]);
    const mailbox = u.path || 'INBOX';
    const raw = await renderRaw(mail);
    const t = this.#timeoutMs;
    const client = new ImapFlow({
      host: u.host,
      port: u.port,
      secure: u.secure,
      auth: { user: u.user, pass: u.pass },
      logger: false,
      connectionTimeout: t,
      greetingTimeout: t,
      socketTimeout: t,
    });
    client.on('error', () => undefined); // reported through the failing call instead
    try {
      await client.connect();
      const date = new Date(mail.headers.Date ?? Date.now());
      const append = () => client.append(mailbox, raw, [], date);
      const appended = await append().catch(async (err: unknown) => {
        // The mailbox may not exist yet (TRYCREATE): create it and try once more.
        const created = await client.mailboxCreate(mailbox).then(
          () => true,
          () => false,
        );
        if (!created) throw err;
        return append();
      });
      if (!appended) throw new Error(`APPEND to ${mailbox} was refused`);
      await client.logout();
    } finally {
      client.close();
    }
  }

  /** Closes the pooled SMTP connections. */
  async close(): Promise<void> {
    this.#smtp?.close();
    this.#smtp = null;
  }
}

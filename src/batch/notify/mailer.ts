/**
 * The SMTP side of notifications: one pooled, rate-limited nodemailer transport with
 * retries of transient failures. Knows nothing about templates or the store.
 */
import nodemailer from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { MailConfigError, MailTransportError } from './errors.js';
import { headerSafe } from './header-safe.js';
import {
  MAILER_DEFAULTS,
  type MailerOptions,
  redactSecrets,
  redactUrl,
  secretsOf,
} from './mailer-options.js';
import { classifySmtpError, withSmtpRetry } from './smtp-retry.js';

/** One message to send; the caller has rendered it and chosen its Message-ID. */
export interface OutgoingMail {
  /** `<…@…>`, deterministic, see `noticeMessageId`. */
  messageId: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Extra headers; values are made header-safe. */
  headers?: Record<string, string>;
  /** Files to attach (e.g. the report on the run summary). */
  attachments?: Array<{ filename: string; content: string | Buffer; contentType?: string }>;
}

/**
 * - `sent`: the server accepted at least one recipient (`rejected` lists the others).
 * - `rejected`: permanently refused (5xx); `reason` is the server's reply.
 * - `deferred`: still a transient (4xx) failure after every retry; try again later.
 */
export type DeliveryResult =
  | {
      status: 'sent';
      accepted: string[];
      rejected: { address: string; reason: string }[];
      response: string;
      attempts: number;
    }
  | { status: 'rejected'; reason: string; attempts: number }
  | { status: 'deferred'; reason: string; attempts: number };

/** A configured SMTP sender. */
export interface Mailer {
  /** The From header as configured. */
  readonly from: string;
  /** Display name (or address) of the sender, for the templates' signature. */
  readonly senderName: string;
  readonly senderEmail: string;
  /** Right-hand side of Message-IDs. */
  readonly messageIdDomain: string;
  /** Where mail goes, safe to print (no password). */
  readonly location: string;
  /**
   * Sends one message, retrying transient failures with backoff.
   * @throws MailTransportError when the relay cannot be reached or refuses the login.
   */
  send(mail: OutgoingMail): Promise<DeliveryResult>;
  /** Connects and authenticates once. @throws MailTransportError */
  verify(): Promise<void>;
  /** Closes pooled connections. */
  close(): void;
}

/** What nodemailer reports for a sent message (`rejectedErrors` is untyped upstream). */
type SentInfo = {
  accepted: (string | { address: string })[];
  rejected: (string | { address: string })[];
  response: string;
  rejectedErrors?: { recipient?: string; response?: string; message?: string }[];
};

/** nodemailer's options for a single-connection or a pooled transport. */
type TransportConfig = SMTPTransport.Options &
  Omit<Partial<SMTPPool.Options>, 'pool'> & { pool?: boolean };

/** The nodemailer transport options for `options` (exported for tests). */
export function transportOptions(options: MailerOptions): TransportConfig {
  const out: TransportConfig = {};
  if (options.url !== undefined) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new MailConfigError(
        `SMTP URL ${redactUrl(options.url)} is not a URL — write it like smtp://user:password@mail.example.com:587`,
      );
    }
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
      throw new MailConfigError(
        `SMTP URL ${redactUrl(options.url)} must start with smtp:// or smtps://`,
      );
    }
    out.host = url.hostname;
    out.secure = url.protocol === 'smtps:';
    out.port = url.port === '' ? (out.secure ? 465 : 587) : Number(url.port);
    if (url.username !== '') {
      out.auth = { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) };
    }
  }
  if (options.host !== undefined) out.host = options.host;
  if (options.secure !== undefined) out.secure = options.secure;
  if (options.port !== undefined) out.port = options.port;
  if (out.host === undefined)
    throw new MailConfigError(
      'no SMTP server configured — set SMART_ONBOARD_SMTP_URL (smtp://user:password@host:port)',
    );
  out.port ??= out.secure ? 465 : 587;
  const auth = options.auth;
  if (auth?.type === 'password') out.auth = { user: auth.user, pass: auth.pass };
  if (auth?.type === 'oauth2') {
    if (
      auth.accessToken === undefined &&
      (auth.clientId === undefined ||
        auth.clientSecret === undefined ||
        auth.refreshToken === undefined)
    ) {
      throw new MailConfigError(
        'OAuth2 for SMTP needs an access token, or a client id, client secret and refresh token',
      );
    }
    out.auth = {
      type: 'OAuth2',
      user: auth.user,
      ...(auth.accessToken !== undefined ? { accessToken: auth.accessToken } : {}),
      ...(auth.clientId !== undefined ? { clientId: auth.clientId } : {}),
      ...(auth.clientSecret !== undefined ? { clientSecret: auth.clientSecret } : {}),
      ...(auth.refreshToken !== undefined ? { refreshToken: auth.refreshToken } : {}),
      ...(auth.accessUrl !== undefined ? { accessUrl: auth.accessUrl } : {}),
    };
  }
  out.requireTLS = options.requireTLS ?? MAILER_DEFAULTS.requireTLS;
  if (options.tls) out.tls = { ...options.tls };
  const pool = options.pool ?? MAILER_DEFAULTS.pool;
  if (pool) {
    out.pool = true;
    out.maxConnections = options.maxConnections ?? MAILER_DEFAULTS.maxConnections;
    out.maxMessages = options.maxMessages ?? MAILER_DEFAULTS.maxMessages;
    const rate = options.rateLimit ?? MAILER_DEFAULTS.rateLimit;
    if (rate !== false) {
      out.rateLimit = rate.messages;
      out.rateDelta = rate.perMs;
    }
  }
  const timeout = options.timeoutMs ?? MAILER_DEFAULTS.timeoutMs;
  out.connectionTimeout = timeout;
  out.greetingTimeout = timeout;
  out.socketTimeout = timeout;
  if (options.dkim) out.dkim = { ...options.dkim };
  out.logger = false;
  return out;
}

/** Display name and address of a From value (`"Name" <a@b>`), or undefined when it has no address. */
export function parseSender(from: string): { senderName: string; senderEmail: string } | undefined {
  const [first] = addressparser(from, { flatten: true });
  if (first === undefined || first.address === '') return undefined;
  return { senderName: headerSafe(first.name) || first.address, senderEmail: first.address };
}

/**
 * Creates the mailer. Nothing connects until the first `send` or `verify`.
 * @throws MailConfigError for a malformed URL, a missing host or incomplete OAuth2 settings.
 * @example
 * const mailer = createMailer(smtpOptionsFromEnv(process.env));
 * await mailer.send({ messageId, to: ['it@kunde.de'], subject, text, html });
 */
export function createMailer(options: MailerOptions): Mailer {
  const secrets = secretsOf(options);
  const transportConfig = transportOptions(options);
  const sender = parseSender(options.from);
  if (sender === undefined) {
    throw new MailConfigError(
      `the sender "${options.from}" is not an email address — set SMART_ONBOARD_MAIL_FROM like "Distribution GmbH <ops@distribution.example>"`,
    );
  }
  const transport = nodemailer.createTransport(transportConfig as SMTPTransport.Options);
  const retry = { ...MAILER_DEFAULTS.retry, ...options.retry };
  const user =
    typeof transportConfig.auth?.user === 'string'
      ? `${encodeURIComponent(transportConfig.auth.user)}@`
      : '';
  const location = `${transportConfig.secure ? 'smtps' : 'smtp'}://${user}${transportConfig.host}:${transportConfig.port}`;
  const clean = (text: string) => redactSecrets(text, secrets);

  const fail = (kind: 'auth' | 'tls' | 'connection', reason: string, cause: unknown): never => {
    const what =
      kind === 'auth'
        ? 'refused the login — check the SMTP user, password or OAuth2 settings'
        : kind === 'tls'
          ? 'TLS failed — check smtp:// vs smtps:// and the port'
          : 'cannot be reached';
    const error = new MailTransportError(
      kind === 'connection' ? 'unreachable' : kind,
      `SMTP server ${location} ${what} (${clean(reason)})`,
    );
    // The original error may carry the credentials in its options; keep only its words.
    Object.defineProperty(error, 'cause', {
      value: clean(String((cause as Error)?.message ?? cause)),
      enumerable: false,
    });
    throw error;
  };

  return {
    from: options.from,
    ...sender,
    messageIdDomain: options.messageIdDomain ?? MAILER_DEFAULTS.messageIdDomain,
    location,
    async send(mail) {
      const headers: Record<string, string> = { 'Auto-Submitted': 'auto-generated' };
      for (const [name, value] of Object.entries(mail.headers ?? {}))
        headers[headerSafe(name)] = headerSafe(value);
      const result = await withSmtpRetry(
        () =>
          transport.sendMail({
            from: options.from,
            ...(options.replyTo !== undefined ? { replyTo: options.replyTo } : {}),
            to: mail.to,
            subject: headerSafe(mail.subject),
            text: mail.text,
            html: mail.html,
            messageId: mail.messageId,
            headers,
            ...(mail.attachments ? { attachments: mail.attachments } : {}),
          }),
        retry,
      );
      if (result.ok) {
        const info = result.value as unknown as SentInfo;
        const address = (a: string | { address: string }) =>
          typeof a === 'string' ? a : a.address;
        const reasons = new Map(
          (info.rejectedErrors ?? []).map((e) => [
            e.recipient ?? '',
            e.response ?? e.message ?? '',
          ]),
        );
        return {
          status: 'sent',
          accepted: info.accepted.map(address),
          rejected: info.rejected
            .map(address)
            .map((a) => ({ address: a, reason: clean(reasons.get(a) ?? 'rejected') })),
          response: clean(info.response),
          attempts: result.attempts,
        };
      }
      const { failure, attempts } = result;
      if (failure.kind === 'permanent')
        return { status: 'rejected', reason: clean(failure.reason), attempts };
      if (failure.kind === 'transient')
        return { status: 'deferred', reason: clean(failure.reason), attempts };
      return fail(failure.kind, failure.reason, failure.reason);
    },
    async verify() {
      try {
        await transport.verify();
      } catch (error) {
        const failure = classifySmtpError(error);
        fail(
          failure.kind === 'auth' || failure.kind === 'tls' ? failure.kind : 'connection',
          failure.reason,
          error,
        );
      }
    },
    close: () => transport.close(),
  };
}

/** How the mailer reaches and authenticates to the SMTP relay. */

/** Plain user name and password (AUTH PLAIN/LOGIN). */
export interface PasswordAuth {
  type: 'password';
  user: string;
  pass: string;
}

/**
 * XOAUTH2 (Microsoft 365, Gmail): give an `accessToken`, or `clientId`, `clientSecret`
 * and `refreshToken` (plus `accessUrl`, the token endpoint) and nodemailer fetches and
 * renews access tokens itself.
 */
export interface OAuth2Auth {
  type: 'oauth2';
  user: string;
  accessToken?: string;
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  /** Token endpoint. @default Google's; for Microsoft 365 `https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token` */
  accessUrl?: string;
}

export type SmtpAuth = PasswordAuth | OAuth2Auth;

/** DKIM signing of outgoing mail. */
export interface DkimOptions {
  domainName: string;
  keySelector: string;
  /** PEM private key (read from a file named in config or the environment). */
  privateKey: string;
}

/** Retry of transient SMTP failures (4xx replies, dropped or refused connections). */
export interface RetryOptions {
  /** Tries in all, the first included. @default 4 */
  attempts?: number;
  /** Delay before the first retry; doubles each time, with jitter. @default 1000 */
  minDelayMs?: number;
  /** @default 30000 */
  maxDelayMs?: number;
}

/** Options of `createMailer`. */
export interface MailerOptions {
  /**
   * `smtp://user:pass@host:port` (STARTTLS when offered), `smtps://…` (TLS from the
   * first byte). User and password are URL-encoded. `host`/`port`/`secure` override it.
   */
  url?: string;
  host?: string;
  /** @default 465 for smtps, else 587 */
  port?: number;
  /** TLS from the start (port 465). @default true for `smtps://` */
  secure?: boolean;
  /** Refuse to send unless the server upgrades with STARTTLS. @default false */
  requireTLS?: boolean;
  /** Certificate checks, e.g. `{ rejectUnauthorized: false }` for a test relay. */
  tls?: { rejectUnauthorized?: boolean; servername?: string };
  /** Overrides the credentials in `url`. */
  auth?: SmtpAuth;
  /** The From header, e.g. `"Beispiel Distribution <ops@distributor.example>"`. */
  from: string;
  /** Reply-To header, if replies should go elsewhere. */
  replyTo?: string;
  /** Keep connections open and reuse them. @default true */
  pool?: boolean;
  /** @default 5 */
  maxConnections?: number;
  /** Messages per connection before it is renewed. @default 100 */
  maxMessages?: number;
  /**
   * At most `messages` per `perMs` across all connections (pooled only), or `false`.
   * Microsoft 365 allows 30 messages a minute per mailbox: `{ messages: 30, perMs: 60000 }`.
   * @default { messages: 100, perMs: 1000 }
   */
  rateLimit?: { messages: number; perMs: number } | false;
  dkim?: DkimOptions;
  /** Connection, greeting and socket timeouts. @default 30000 */
  timeoutMs?: number;
  retry?: RetryOptions;
  /**
   * Right-hand side of our Message-IDs. Changing it changes every notice's identity,
   * so a re-run would send them again. @default 'smart-onboard.invalid'
   */
  messageIdDomain?: string;
}

/** Every option's default, in one place. */
export const MAILER_DEFAULTS = {
  pool: true,
  maxConnections: 5,
  maxMessages: 100,
  rateLimit: { messages: 100, perMs: 1000 },
  timeoutMs: 30_000,
  retry: { attempts: 4, minDelayMs: 1_000, maxDelayMs: 30_000 },
  messageIdDomain: 'smart-onboard.invalid',
  requireTLS: false,
} as const;

/** `smtp://user:***@host:port`: the URL with its password hidden, safe to print. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    parsed.search = parsed.search === '' ? '' : '?…';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  }
}

/** Replaces every occurrence of the given secrets in `text` with `***`. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 3) out = out.split(secret).join('***');
  }
  return out;
}

/** The secret values in a set of options (for {@link redactSecrets}). */
export function secretsOf(options: MailerOptions): string[] {
  const out: string[] = [];
  if (options.url) {
    try {
      const password = new URL(options.url).password;
      if (password) out.push(password, decodeURIComponent(password));
    } catch {
      // an unparseable URL is reported by createMailer, redacted
    }
  }
  const auth = options.auth;
  if (auth?.type === 'password') out.push(auth.pass);
  if (auth?.type === 'oauth2') {
    for (const s of [auth.accessToken, auth.clientSecret, auth.refreshToken]) if (s) out.push(s);
  }
  if (options.dkim) out.push(options.dkim.privateKey);
  return out;
}

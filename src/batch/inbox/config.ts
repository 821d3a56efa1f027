/**
 * Inbox configuration: which IMAP mailbox to read, how to log in, what to do with
 * processed mail, whom to trust, and optional extraction patterns (DESIGN §5, §7).
 */
import { z } from 'zod';
import { InboxConfigError } from './errors.js';

/** A regular expression given as its source text; checked to compile. */
const regexSource = z.string().refine(
  (source) => {
    try {
      new RegExp(source, 'imu');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

/** An IMAP keyword: an atom without spaces, parentheses, wildcards, quotes or backslashes. */
const keyword = z
  .string()
  .regex(/^[^\s(){%*"\\\]]+$/, 'an IMAP keyword has no spaces, ( ) { % * " \\ or ]');

export const DEFAULT_PROCESSED_KEYWORD = '$SmartOnboardProcessed';

/** Processed mail gets a keyword, or is moved to a folder (created if missing). */
export const processedActionSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('flag'),
    /** @default '$SmartOnboardProcessed' */
    keyword: keyword.default(DEFAULT_PROCESSED_KEYWORD),
  }),
  z.object({ action: z.literal('move'), folder: z.string().min(1) }),
]);
export type ProcessedAction = z.infer<typeof processedActionSchema>;

/**
 * Extra patterns (regex sources, matched case-insensitively and multi-line), tried
 * before the built-in English and German ones. Subject patterns classify; the others
 * extract their first capture group (or the group named `value`).
 */
export const inboxPatternsSchema = z.object({
  activationSubject: z.array(regexSource).optional(),
  expirySubject: z.array(regexSource).optional(),
  requestId: z.array(regexSource).optional(),
  accountName: z.array(regexSource).optional(),
  accountDomain: z.array(regexSource).optional(),
  smartAccountId: z.array(regexSource).optional(),
});
export type InboxPatterns = z.infer<typeof inboxPatternsSchema>;

export const inboxConfigSchema = z
  .object({
    host: z.string().min(1),
    /** @default 993 with `secure`, else 143 */
    port: z.number().int().min(1).max(65535).optional(),
    /** Implicit TLS (`imaps://`). @default false */
    secure: z.boolean().default(false),
    user: z.string().min(1),
    /** Password login. Only from the environment or a file it names, never logged. */
    password: z.string().optional(),
    /** OAuth2 access token (XOAUTH2, Microsoft 365 and Gmail), never logged. */
    accessToken: z.string().optional(),
    /** @default 'INBOX' */
    mailbox: z.string().min(1).default('INBOX'),
    /** @default { action: 'flag', keyword: '$SmartOnboardProcessed' } */
    processed: processedActionSchema.default({
      action: 'flag',
      keyword: DEFAULT_PROCESSED_KEYWORD,
    }),
    /** Sender domains (subdomains count) or exact addresses. @default ['cisco.com'] */
    allowSenders: z.array(z.string().min(1).toLowerCase()).min(1).default(['cisco.com']),
    /** Require `Authentication-Results: … dkim=pass header.d=<allowed domain>`. @default false */
    requireDkim: z.boolean().default(false),
    patterns: inboxPatternsSchema.default({}),
    /** TCP/TLS connect and greeting budget. @default 10000 */
    connectTimeoutMs: z.number().int().positive().default(10_000),
    /** Inactivity timeout of an open connection. @default 60000 */
    socketTimeoutMs: z.number().int().positive().default(60_000),
    /** Reconnects within one poll after a transient drop. @default { retries: 2, minDelayMs: 250, maxDelayMs: 4000 } */
    reconnect: z
      .object({
        retries: z.number().int().min(0).default(2),
        minDelayMs: z.number().int().min(0).default(250),
        maxDelayMs: z.number().int().min(0).default(4_000),
      })
      .default({ retries: 2, minDelayMs: 250, maxDelayMs: 4_000 }),
  })
  .refine((c) => !(c.password !== undefined && c.accessToken !== undefined), {
    message: 'give either password or accessToken, not both',
    path: ['accessToken'],
  })
  .refine((c) => c.password !== undefined || c.accessToken !== undefined, {
    message: 'give a password or an OAuth2 accessToken for the IMAP login',
    path: ['password'],
  })
  .transform((c) => ({ ...c, port: c.port ?? (c.secure ? 993 : 143) }));

/** The normalized inbox configuration. */
export type InboxConfig = z.output<typeof inboxConfigSchema>;
/** What a caller writes (defaults filled in by {@link parseInboxConfig}). */
export type InboxConfigInput = z.input<typeof inboxConfigSchema>;

/** Validates and normalizes; throws {@link InboxConfigError} naming each bad field. */
export function parseInboxConfig(input: unknown): InboxConfig {
  const result = inboxConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.length ? issue.path.join('.') : 'inbox'}: ${issue.message}`,
  );
  throw new InboxConfigError(`invalid inbox configuration: ${problems.join('; ')}`);
}

/** `host:port`, safe to print. */
export const serverOf = (config: Pick<InboxConfig, 'host' | 'port'>): string =>
  `${config.host}:${config.port}`;

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new InboxConfigError(`SMART_ONBOARD_IMAP_URL: the ${what} is not valid percent-encoding`);
  }
}

/**
 * Reads `imap://user:pass@host:port/MAILBOX` (`imaps://` for TLS) as in
 * `SMART_ONBOARD_IMAP_URL`; every part is percent-decoded. `extra` overlays the rest
 * (processed action, allow-list, an `accessToken` instead of a password, …).
 * Errors never contain the password.
 */
export function imapConfigFromUrl(url: string, extra: Partial<InboxConfigInput> = {}): InboxConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InboxConfigError(
      'SMART_ONBOARD_IMAP_URL is not a URL; expected imap://user:pass@host:port/MAILBOX',
    );
  }
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
  if (scheme !== 'imap' && scheme !== 'imaps') {
    throw new InboxConfigError(
      `SMART_ONBOARD_IMAP_URL must start with imap:// or imaps://, not ${scheme}://`,
    );
  }
  if (!parsed.hostname) throw new InboxConfigError('SMART_ONBOARD_IMAP_URL has no host');
  const path = parsed.pathname.replace(/^\//, '');
  const fromUrl: Record<string, unknown> = {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    secure: scheme === 'imaps',
    user: decode(parsed.username, 'user name'),
  };
  if (parsed.port) fromUrl.port = Number(parsed.port);
  if (parsed.password) fromUrl.password = decode(parsed.password, 'password');
  if (path) fromUrl.mailbox = decode(path, 'mailbox');
  return parseInboxConfig({ ...fromUrl, ...extra });
}

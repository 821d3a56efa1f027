/**
 * One IMAP connection: a new ImapFlow client each time (a closed client cannot be
 * reused), our logger behind imapflow's, timeouts from the config, and connection or
 * login failures turned into {@link InboxUnavailableError} without the password.
 */
import { ImapFlow } from 'imapflow';
import type { Logger as ImapLogger } from 'imapflow';
import { type InboxConfig, serverOf } from './config.js';
import { InboxUnavailableError, type InboxUnavailableReason } from './errors.js';
import type { InboxLogger } from './types.js';

let connections = 0;

/** Keys of imapflow log records that may hold protocol data or credentials. */
const HIDDEN = /pass|token|auth|data|compiled|payload|raw/i;

/** imapflow logs `{ msg, cid, … }` objects; ours take `(message, meta)`. */
export function imapLoggerAdapter(logger: InboxLogger, connection: string): ImapLogger {
  const forward =
    (level: 'debug' | 'warn' | 'error') =>
    (record: unknown): void => {
      const entry = (typeof record === 'object' && record !== null ? record : {}) as Record<
        string,
        unknown
      >;
      const meta: Record<string, unknown> = { connection };
      for (const [key, value] of Object.entries(entry)) {
        if (key === 'msg' || HIDDEN.test(key)) continue;
        if (value instanceof Error) meta[key] = value.message;
        else if (typeof value !== 'object' || value === null) meta[key] = value;
      }
      // imapflow already masks credentials; a login line is dropped anyway, to be sure.
      const raw = typeof entry.msg === 'string' ? entry.msg : 'imap';
      const secretLine =
        /\b(?:LOGIN|AUTHENTICATE)\b/i.test(raw) ||
        (typeof entry.comment === 'string' && /auth|login|pass|token/i.test(entry.comment));
      const message = secretLine && entry.src === 'c' ? '[login command hidden]' : raw;
      logger[level](`imap: ${message}`, meta);
    };
  // imapflow logs routine session events at info; they are debug detail for us.
  return {
    trace: () => {},
    debug: forward('debug'),
    info: forward('debug'),
    warn: forward('warn'),
    error: forward('error'),
    fatal: forward('error'),
  };
}

/** The error code imapflow or Node put on an error, if any. */
export const errorCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

const TIMEOUT_CODES = new Set([
  'CONNECT_TIMEOUT',
  'GREETING_TIMEOUT',
  'UPGRADE_TIMEOUT',
  'ETIMEOUT',
]);
const DROP_CODES = new Set([
  'NoConnection',
  'EConnectionClosed',
  'ClosedAfterConnectText',
  'ClosedAfterConnectTLS',
  'ECONNRESET',
  'EPIPE',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'StateLogout',
]);

/** Whether an error means the connection failed (worth a reconnect), not a bad command. */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof InboxUnavailableError) return error.reason !== 'auth';
  const code = errorCode(error);
  if (code !== undefined && (TIMEOUT_CODES.has(code) || DROP_CODES.has(code))) return true;
  return /connection (?:not available|closed)|socket|timed? ?out/i.test(
    (error as Error | null)?.message ?? '',
  );
}

/** Wraps a connection failure in an {@link InboxUnavailableError} naming host:port, never the password. */
export function unavailable(
  config: InboxConfig,
  error: unknown,
  stage: 'connect' | 'session',
): InboxUnavailableError {
  if (error instanceof InboxUnavailableError) return error;
  const server = serverOf(config);
  const code = errorCode(error);
  const authFailed =
    (error as { authenticationFailed?: unknown } | null)?.authenticationFailed === true ||
    (error as Error | null)?.name === 'AuthenticationFailure';
  let reason: InboxUnavailableReason;
  let message: string;
  if (authFailed) {
    reason = 'auth';
    message = `IMAP login to ${server} as ${config.user} failed (${config.accessToken !== undefined ? 'OAuth2 token' : 'password'} rejected)`;
  } else if (code !== undefined && TIMEOUT_CODES.has(code)) {
    reason = 'timeout';
    message = `IMAP server ${server} timed out (${code})`;
  } else if (stage === 'connect') {
    reason = 'connect';
    message = `cannot connect to IMAP server ${server}${code ? ` (${code})` : ''}`;
  } else {
    reason = 'dropped';
    message = `IMAP connection to ${server} was lost${code ? ` (${code})` : ''}`;
  }
  const secret = config.password ?? config.accessToken;
  const detail = ((error as Error | null)?.message ?? '').split(secret || '\u0000').join('***');
  return new InboxUnavailableError(detail ? `${message}: ${detail}` : message, server, reason, {
    cause: error,
  });
}

/** A new, connected and logged-in client. Throws {@link InboxUnavailableError}. */
export async function connectClient(
  config: InboxConfig,
  logger: InboxLogger,
  options: { maxIdleMs?: number } = {},
): Promise<ImapFlow> {
  const connection = `imap-${process.pid}-${++connections}`;
  const client = new ImapFlow({
    host: config.host,
    port: config.port,
    secure: config.secure,
    auth:
      config.accessToken !== undefined
        ? { user: config.user, accessToken: config.accessToken }
        : { user: config.user, pass: config.password ?? '' },
    logger: imapLoggerAdapter(logger, connection),
    id: connection,
    connectionTimeout: config.connectTimeoutMs,
    greetingTimeout: config.connectTimeoutMs,
    socketTimeout: config.socketTimeoutMs,
    // We IDLE explicitly in watch mode; a poll must not leave an IDLE to break.
    disableAutoIdle: true,
    // Restart a long IDLE before the inactivity timeout would end the connection.
    ...(options.maxIdleMs !== undefined
      ? { maxIdleTime: Math.min(options.maxIdleMs, Math.floor(config.socketTimeoutMs / 2)) }
      : {}),
    clientInfo: { name: 'smart-onboard' },
  });
  // A late 'error' after close must not crash the process; the awaiting call sees it.
  client.on('error', (error: Error) => {
    logger.warn('imap: connection error', {
      connection,
      error: unavailable(config, error, 'session').message,
    });
  });
  try {
    await client.connect();
  } catch (error) {
    client.close();
    throw unavailable(config, error, 'connect');
  }
  return client;
}

/** Logs out politely, or just closes when the connection is already gone. */
export async function disconnect(client: ImapFlow): Promise<void> {
  if (client.usable) {
    try {
      await client.logout();
      return;
    } catch {
      // fall through to close
    }
  }
  client.close();
}

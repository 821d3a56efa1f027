/** The inbox reader's errors. None of them ever carries a password or an access token. */

/** What went wrong when the mailbox could not be used. */
export type InboxUnavailableReason = 'connect' | 'auth' | 'timeout' | 'dropped' | 'mailbox';

/**
 * The IMAP server could not be reached, refused the login, timed out or dropped the
 * connection (after the retries). The CLI maps it to exit code 3.
 */
export class InboxUnavailableError extends Error {
  override readonly name = 'InboxUnavailableError';
  readonly code = 'inbox_unavailable';
  constructor(
    message: string,
    /** `host:port` of the server, safe to print. */
    readonly server: string,
    readonly reason: InboxUnavailableReason,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** The inbox configuration is invalid (the CLI maps it to exit code 2). */
export class InboxConfigError extends Error {
  override readonly name = 'InboxConfigError';
  readonly code = 'inbox_config';
}

export const isInboxUnavailableError = (error: unknown): error is InboxUnavailableError =>
  error instanceof InboxUnavailableError;
export const isInboxConfigError = (error: unknown): error is InboxConfigError =>
  error instanceof InboxConfigError;

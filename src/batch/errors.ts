/**
 * The batch runner's own small error set. Each maps to an exit code (DESIGN §7):
 * configuration → 2, service unreachable → 3.
 */

/** The configuration or the command line is wrong; the message says what to set. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A service (Smart Account API, SMTP, IMAP, database) could not be reached. */
export class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
  constructor(
    readonly service: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What went wrong with a template. */
export type TemplateErrorCode =
  | 'missing-variable'
  | 'syntax'
  | 'missing-part'
  | 'unknown-template'
  | 'invalid-context'
  | 'render';

/**
 * A template cannot be loaded or rendered. Raised at load and in preview, so a broken
 * template never produces a sent email with a blank in it.
 */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';

  constructor(
    readonly code: TemplateErrorCode,
    message: string,
    readonly details: {
      template?: string;
      locale?: string;
      /** The offending variable path, e.g. `accountNmae` or `failures.reson`. */
      variable?: string;
      file?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}

/** Mail settings are missing or contradictory (exit code 2). The message never holds a secret. */
export class MailConfigError extends Error {
  override readonly name = 'MailConfigError';
}

/**
 * The SMTP server could not be used at all (unreachable after retries, TLS or login
 * failed). Nothing was marked failed: the notice stays `recorded` and a re-run sends it.
 */
export class MailTransportError extends Error {
  override readonly name = 'MailTransportError';

  constructor(
    readonly code: 'unreachable' | 'auth' | 'tls',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Tells whether a value is a {@link TemplateError}. */
export const isTemplateError = (error: unknown): error is TemplateError =>
  error instanceof TemplateError;

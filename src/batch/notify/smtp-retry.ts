/**
 * The one place that decides what an SMTP failure means and whether to try again:
 * 4xx replies and dropped connections are transient (retried with exponential backoff
 * and jitter), 5xx replies are permanent, login and TLS failures are configuration.
 */
import type { RetryOptions } from './mailer-options.js';

export type FailureKind = 'transient' | 'permanent' | 'connection' | 'auth' | 'tls';

/** A classified SMTP failure with the server's words (`550 5.1.1 user unknown`). */
export interface SmtpFailure {
  kind: FailureKind;
  reason: string;
  responseCode?: number;
}

interface NodemailerError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** Classifies an error thrown by nodemailer. */
export function classifySmtpError(error: unknown): SmtpFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as NodemailerError;
  const reason = (e.response ?? e.message ?? String(error)).trim();
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const base = responseCode === undefined ? { reason } : { reason, responseCode };
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH' || e.code === 'EOAUTH2')
    return { kind: 'auth', ...base };
  if (e.code === 'ETLS') return { kind: 'tls', ...base };
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 500)
    return { kind: 'transient', ...base };
  if (responseCode !== undefined && responseCode >= 500) return { kind: 'permanent', ...base };
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return { kind: 'permanent', ...base };
  return { kind: 'connection', ...base };
}

/** Whether a failure of this kind is worth another try. */
export const isRetryable = (kind: FailureKind): boolean =>
  kind === 'transient' || kind === 'connection';

/** Delay before retry number `retry` (1-based): `min · 2^(retry-1)`, capped, with ±25 % jitter. */
export function backoffDelay(retry: number, options: Required<RetryOptions>): number {
  const base = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** (retry - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/** Runs `attempt` until it succeeds, fails non-retryably, or the tries are used up. */
export async function withSmtpRetry<T>(
  attempt: () => Promise<T>,
  options: Required<RetryOptions>,
): Promise<
  { ok: true; value: T; attempts: number } | { ok: false; failure: SmtpFailure; attempts: number }
> {
  for (let tries = 1; ; tries++) {
    try {
      return { ok: true, value: await attempt(), attempts: tries };
    } catch (error) {
      const failure = classifySmtpError(error);
      if (!isRetryable(failure.kind) || tries >= options.attempts)
        return { ok: false, failure, attempts: tries };
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(tries, options)));
    }
  }
}

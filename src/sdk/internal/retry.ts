/**
 * The retry policy, in one place: what is retried and how long to wait.
 */

/** Statuses worth another try. */
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 8_000;

/** Whether an answer with this status may be retried. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
}

/**
 * Whether a call may be sent again at all: reads always; writes only when an
 * idempotency key makes a repeat harmless.
 */
export function isSafeToRepeat(method: string, idempotencyKey: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD' || idempotencyKey !== undefined;
}

/** Seconds from a `Retry-After` header (seconds or an HTTP date), if valid. */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/**
 * Milliseconds to wait before retry number `attempt` (1-based): the server's
 * `Retry-After` when it sent one (capped), else exponential backoff with full jitter.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterSeconds: number | undefined,
  maxRetryAfterSeconds: number,
  random: () => number = Math.random,
): number {
  if (retryAfterSeconds !== undefined) {
    return Math.min(retryAfterSeconds, maxRetryAfterSeconds) * 1000;
  }
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

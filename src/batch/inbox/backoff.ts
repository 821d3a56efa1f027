/** Reconnect policy of the inbox reader: exponential backoff with jitter, abortable sleeps. */

/** Delay before reconnect `attempt` (1-based): min·2^(attempt-1), capped, with ±20 % jitter. */
export function backoffDelay(
  attempt: number,
  policy: { minDelayMs: number; maxDelayMs: number },
): number {
  const base = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

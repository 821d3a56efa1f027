import { z } from 'zod';

/** Faults the sandbox injects into API calls (never into `/_sandbox/` routes). */
export const faultsSchema = z.strictObject({
  /** Added to every API response, in milliseconds. */
  latencyMs: z.number().min(0).max(60_000).default(0),
  /** Random extra latency, uniform in [0, jitterMs]. */
  jitterMs: z.number().min(0).max(60_000).default(0),
  /** Share of API calls answered with `errorStatus` instead of being handled. */
  errorRate: z.number().min(0).max(1).default(0),
  /** The status of injected errors. */
  errorStatus: z.union([z.literal(500), z.literal(502), z.literal(503)]).default(503),
  /** Share of API calls whose connection is reset (half before, half after handling). */
  resetRate: z.number().min(0).max(1).default(0),
  /** Token bucket rate for API calls; 0 disables the limit. */
  rateLimitPerSecond: z.number().min(0).max(100_000).default(0),
  /** The next N API calls are handled but answered only after `slowMs`. */
  slowNext: z.number().int().min(0).max(10_000).default(0),
  /** How long a slow response takes, in milliseconds. */
  slowMs: z.number().min(0).max(120_000).default(5_000),
});

export type Faults = z.output<typeof faultsSchema>;

/** A token bucket; `take()` answers how many seconds to wait when it is empty. */
export class TokenBucket {
  #tokens: number;
  #last = performance.now();

  constructor(private ratePerSecond: number) {
    this.#tokens = Math.max(1, ratePerSecond);
  }

  /** Takes one token; returns 0 on success, else the seconds until one is free. */
  take(): number {
    if (this.ratePerSecond <= 0) return 0;
    const now = performance.now();
    const burst = Math.max(1, this.ratePerSecond);
    this.#tokens = Math.min(burst, this.#tokens + ((now - this.#last) / 1000) * this.ratePerSecond);
    this.#last = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return (1 - this.#tokens) / this.ratePerSecond;
  }
}

/** The fault settings in force plus their rate limiter. */
export class FaultInjector {
  faults: Faults;
  #bucket: TokenBucket;

  constructor(initial: Partial<Faults> = {}) {
    this.faults = faultsSchema.parse(initial);
    this.#bucket = new TokenBucket(this.faults.rateLimitPerSecond);
  }

  set(next: Partial<Faults>): Faults {
    this.faults = faultsSchema.parse(next);
    this.#bucket = new TokenBucket(this.faults.rateLimitPerSecond);
    return this.faults;
  }

  /** Seconds to wait if the call is over the rate limit, else 0. */
  rateLimited(): number {
    return this.#bucket.take();
  }

  delayMs(): number {
    const { latencyMs, jitterMs } = this.faults;
    return latencyMs + (jitterMs > 0 ? Math.random() * jitterMs : 0);
  }

  /** Whether this call is slow; consumes one of `slowNext`. */
  takeSlow(): number {
    if (this.faults.slowNext <= 0) return 0;
    this.faults.slowNext -= 1;
    return this.faults.slowMs;
  }

  /** `'before'`/`'after'` handling when this call's connection is reset, else null. */
  reset(): 'before' | 'after' | null {
    if (Math.random() >= this.faults.resetRate) return null;
    return Math.random() < 0.5 ? 'before' : 'after';
  }

  error(): number | null {
    return Math.random() < this.faults.errorRate ? this.faults.errorStatus : null;
  }
}

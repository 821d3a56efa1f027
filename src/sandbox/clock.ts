/** Milliseconds in one day. */
export const DAY_MS = 86_400_000;

/**
 * The sandbox's clock: real time plus an offset that control routes can move, so a
 * test can jump 90 days ahead without waiting.
 */
export class SandboxClock {
  #offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }

  advanceDays(days: number): Date {
    this.#offsetMs += days * DAY_MS;
    return this.now();
  }

  set(now: Date): Date {
    this.#offsetMs = now.getTime() - Date.now();
    return this.now();
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  set offsetMs(value: number) {
    this.#offsetMs = value;
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import PQueue from 'p-queue';
import type { ServiceSettings } from '../config.js';
import { ConfigError, ServiceUnavailableError } from '../errors.js';
import { serviceClient } from '../service-client.js';
import type { Customer, Status, Store } from '../store/index.js';
import { type RowContext, type RowOutcome, RunAbortedError, processRow } from './process-row.js';
import { releaseDeadClaims, workerId as makeWorkerId } from './stale-claims.js';

/** Rows a submit run works on: new ones and any left mid-flight by an earlier run. */
export const WORK_STATUSES: readonly Status[] = ['queued', 'requested', 'submitting'];

/** Options of {@link runSubmit}. */
export interface SubmitOptions {
  store: Store;
  service: ServiceSettings;
  /** Rows in flight at once. */
  concurrency: number;
  /** Service calls per second at most; 0 = no limit. */
  rate: number;
  /** Stop after this many rows (this run). */
  limit?: number;
  blockOnWarnings: boolean | readonly string[];
  defaultLocale: 'en' | 'de';
  runId: string;
  /** Called after each row's turn. */
  onRow?: (event: RowEvent) => void | Promise<void>;
  /** Called when a row became pending (notices go out from here). */
  onPending?: (customer: Customer) => Promise<void>;
  /** Called when the run slows down or speeds up after 429s. */
  onThrottle?: (event: { concurrency: number; pauseMs: number }) => void;
  signal?: AbortSignal;
}

/** One row's result, as progress and the results file see it. */
export interface RowEvent {
  key: string;
  accountName: string;
  accountDomain: string;
  sourceRow: number | null;
  status: Status | 'retry';
  reason: string | null;
}

/** What a run did. */
export interface SubmitSummary {
  workerId: string;
  /** Rows this run took a turn on. */
  processed: number;
  counts: Partial<Record<Status | 'retry', number>>;
  /** Rows left for a later run because the service could not be reached. */
  unreachable: number;
  /** Stale leases of dead local workers released at start. */
  releasedClaims: number;
}

/**
 * Why rows of this batch that this worker has not tried are out of its reach right now:
 * `leased` — another live worker holds them; `locked` — nobody holds them, so another
 * transaction has them locked (PostgreSQL's claim skips locked rows: another worker
 * loading the same file holds them until its load commits); `undefined` — none are left.
 */
async function whyNotClaimed(
  store: Store,
  workerId: string,
  attempted: Set<string>,
): Promise<'leased' | 'locked' | undefined> {
  const now = Date.now();
  let afterKey: string | undefined;
  let locked = false;
  for (;;) {
    const page = await store.listCustomers({
      status: WORK_STATUSES,
      limit: 1000,
      ...(afterKey ? { afterKey } : {}),
    });
    if (page.length === 0) return locked ? 'locked' : undefined;
    for (const c of page) {
      if (attempted.has(c.key)) continue;
      const leased = c.claimedUntil !== null && Date.parse(c.claimedUntil) > now;
      if (leased && c.claimedBy !== workerId) return 'leased';
      if (!leased) locked = true;
    }
    afterKey = page[page.length - 1]?.key;
  }
}

/** How long rows may stay locked by other transactions before a run gives up on them. */
const LOCKED_PATIENCE_MS = 60_000;

function limiter(rate: number): PQueue {
  if (rate <= 0) return new PQueue();
  // Small windows keep the pace even instead of bursting once a second.
  const intervalCap = Math.max(1, Math.ceil(rate / 50));
  return new PQueue({ intervalCap, interval: (1000 * intervalCap) / rate });
}

/**
 * Works through the store's queued rows with one SDK client: claims rows in chunks
 * (several workers may share one PostgreSQL store), runs each under the concurrency
 * limit, every service call under the rate limit, and backs off when the service
 * answers 429: concurrency halves and calls pause for `Retry-After`, then it recovers.
 */
export async function runSubmit(options: SubmitOptions): Promise<SubmitSummary> {
  const { store, service } = options;
  const workerId = makeWorkerId();
  const rows = new PQueue({ concurrency: options.concurrency });
  const calls = limiter(options.rate);
  let successesSince429 = 0;

  const client = serviceClient(service, {
    beforeRetry: ({ reason, delayMs }) => {
      if (!reason.startsWith('429')) return;
      successesSince429 = 0;
      rows.concurrency = Math.max(1, Math.floor(rows.concurrency / 2));
      if (!calls.isPaused) {
        calls.pause();
        setTimeout(() => calls.start(), delayMs).unref();
      }
      options.onThrottle?.({ concurrency: rows.concurrency, pauseMs: delayMs });
    },
  });

  const ctx: RowContext = {
    store,
    client,
    workerId,
    runId: options.runId,
    call: (fn) => calls.add(fn, { throwOnTimeout: true }),
    blockOnWarnings: options.blockOnWarnings,
    defaultLocale: options.defaultLocale,
  };
  const summary: SubmitSummary = {
    workerId,
    processed: 0,
    counts: {},
    unreachable: 0,
    releasedClaims: await releaseDeadClaims(store, WORK_STATUSES),
  };
  const attempted = new Set<string>();
  let aborted: unknown;

  const work = async (customer: Customer) => {
    let outcome: RowOutcome;
    try {
      outcome = await processRow(ctx, customer);
      if (outcome.status === 'retry')
        outcome = await processRow(ctx, (await store.getCustomer(customer.key)) ?? customer);
    } catch (error) {
      if (error instanceof RunAbortedError) {
        aborted ??= error;
        rows.clear();
      } else if (!(error instanceof Error && error.name === 'StoreConflictError')) {
        aborted ??= error;
        rows.clear();
      }
      await store.release(customer.key, workerId);
      return;
    }
    summary.processed += 1;
    summary.counts[outcome.status] = (summary.counts[outcome.status] ?? 0) + 1;
    if (outcome.status === 'retry') {
      summary.unreachable += 1;
      await store.release(customer.key, workerId);
    } else {
      successesSince429 += 1;
      if (successesSince429 >= 10 && rows.concurrency < options.concurrency) {
        successesSince429 = 0;
        rows.concurrency += 1;
        options.onThrottle?.({ concurrency: rows.concurrency, pauseMs: 0 });
      }
    }
    if (outcome.status === 'pending' && options.onPending) {
      const fresh = await store.getCustomer(customer.key);
      if (fresh) await options.onPending(fresh);
    }
    await options.onRow?.({
      key: customer.key,
      accountName: customer.accountName,
      accountDomain: customer.accountDomain,
      sourceRow: customer.sourceRow,
      status: outcome.status,
      reason: outcome.reason,
    });
  };

  const budget = () => (options.limit ?? Number.POSITIVE_INFINITY) - attempted.size;
  let lockedSince: number | undefined;
  while (!aborted && !options.signal?.aborted && budget() > 0) {
    const want = Math.min(budget(), Math.max(options.concurrency, 4));
    const claimed = await store.claim(workerId, {
      statuses: WORK_STATUSES,
      limit: want,
      leaseMs: 10 * 60_000,
    });
    const fresh = claimed.filter((c) => !attempted.has(c.key));
    if (fresh.length > 0) lockedSince = undefined;
    for (const c of claimed) if (attempted.has(c.key)) await store.release(c.key, workerId);
    if (fresh.length === 0) {
      // Rows other workers hold may still come back (a worker dies, or leaves a row for
      // later): wait while someone else works on this batch, then look again.
      if (rows.size + rows.pending > 0) {
        await rows.onSizeLessThan(1);
        await rows.onIdle();
        continue;
      }
      const why = await whyNotClaimed(store, workerId, attempted);
      if (why === undefined) break;
      if (why === 'locked') {
        lockedSince ??= Date.now();
        if (Date.now() - lockedSince > LOCKED_PATIENCE_MS) break;
        await sleep(100);
      } else await sleep(500);
      continue;
    }
    for (const c of fresh) {
      attempted.add(c.key);
      void rows.add(() => work(c));
    }
    await rows.onSizeLessThan(Math.max(1, options.concurrency));
  }
  await rows.onIdle();

  if (aborted instanceof RunAbortedError) throw new ConfigError(aborted.message);
  if (aborted) throw aborted;
  if (summary.processed > 0 && summary.unreachable === summary.processed) {
    throw new ServiceUnavailableError(
      'smart-account-service',
      `The Smart Account service at ${service.baseUrl} could not be reached for any row; nothing was lost, run again later.`,
    );
  }
  return summary;
}

import type { AccountRequest, SmartAccountClient } from '../../sdk/index.js';
import type { Customer, Store } from '../store/index.js';

/** What a refresh changed. */
export interface RefreshResult {
  checked: number;
  activated: string[];
  expired: string[];
  attention: string[];
}

/**
 * Asks the service about every request changed since `since` (one paged listing, not a
 * call per row) and moves pending rows the service says are active, expired or cancelled.
 */
export async function refreshPending(
  store: Store,
  client: SmartAccountClient,
  options: { since?: Date; runId: string; onExpired?: (c: Customer) => Promise<void> },
): Promise<RefreshResult> {
  const result: RefreshResult = { checked: 0, activated: [], expired: [], attention: [] };
  const filters = options.since
    ? { updatedSince: options.since, pageSize: 200 }
    : { pageSize: 200 };
  for await (const request of client.accountRequests.list(filters)) {
    result.checked += 1;
    if (!request.clientReference || request.status === 'pending' || request.status === 'draft')
      continue;
    const row = await store.getCustomer(request.clientReference);
    if (!row || row.status !== 'pending' || (row.requestId && row.requestId !== request.id))
      continue;
    await apply(store, row, request, options, result);
  }
  return result;
}

async function apply(
  store: Store,
  row: Customer,
  request: AccountRequest,
  options: { runId: string; onExpired?: (c: Customer) => Promise<void> },
  result: RefreshResult,
): Promise<void> {
  const base = { from: 'pending' as const, runId: options.runId };
  if (request.status === 'active') {
    await store.transition(row.key, {
      ...base,
      to: 'active',
      cause: 'refresh: the service says active',
      patch: { activatedAt: request.activatedAt, lastError: null },
    });
    result.activated.push(row.key);
  } else if (request.status === 'expired') {
    const moved = await store.transition(row.key, {
      ...base,
      to: 'expired',
      cause: 'refresh: the service says expired',
    });
    result.expired.push(row.key);
    await options.onExpired?.(moved);
  } else if (request.status === 'cancelled') {
    await store.transition(row.key, {
      ...base,
      to: 'attention',
      cause: 'refresh: cancelled at the service',
      patch: { lastError: `request ${request.id} was cancelled at the service` },
    });
    result.attention.push(row.key);
  }
}

/** Rows still pending after their `expiresAt` (the service was not asked or not reachable). */
export async function expireOverdue(
  store: Store,
  now: Date,
  options: { runId: string; onExpired?: (c: Customer) => Promise<void> },
): Promise<string[]> {
  const overdue = await store.listCustomers({
    status: ['pending'],
    expiresBefore: now.toISOString(),
    limit: 100_000,
  });
  const expired: string[] = [];
  for (const row of overdue) {
    const moved = await store.transition(row.key, {
      from: 'pending',
      to: 'expired',
      cause: 'reconcile: 90 days passed without activation',
      runId: options.runId,
    });
    expired.push(row.key);
    await options.onExpired?.(moved);
  }
  return expired;
}

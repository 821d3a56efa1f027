import {
  APIConnectionError,
  type AccountRequest,
  type AccountRequestDraft,
  AuthenticationError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ResponseValidationError,
  ServerError,
  type SmartAccountClient,
  ValidationError,
} from '../../sdk/index.js';
import type { CustomerRow } from '../ingest/index.js';
import type { Customer, CustomerPatch, Status, Store } from '../store/index.js';

/** How a row's turn ended. */
export type RowOutcome =
  { status: Status; reason: string | null } | { status: 'retry'; reason: string };

/** A failure that ends the whole run (wrong credentials, no permission). */
export class RunAbortedError extends Error {
  override readonly name = 'RunAbortedError';
}

/** What processing a row needs. */
export interface RowContext {
  store: Store;
  client: SmartAccountClient;
  workerId: string;
  runId: string;
  /** Runs one service call under the run's rate limit. */
  call<T>(fn: () => Promise<T>): Promise<T>;
  /** Review warning codes that stop a row; `true` = any warning. */
  blockOnWarnings: boolean | readonly string[];
  defaultLocale: 'en' | 'de';
}

const LIVE = (r: AccountRequest) => r.status !== 'cancelled' && r.status !== 'expired';

/** The request fields of a stored row. */
export function draftOf(row: CustomerRow, defaultLocale: 'en' | 'de'): AccountRequestDraft {
  return {
    accountName: row.accountName,
    customerEmail: row.customerEmail,
    accountDomain: row.accountDomain,
    ...(row.noteToCustomer ? { noteToCustomer: row.noteToCustomer } : {}),
    userEmails: row.userEmails,
    ...(row.noteToUsers ? { noteToUsers: row.noteToUsers } : {}),
    ...(row.noteToCiscoApprover ? { noteToCiscoApprover: row.noteToCiscoApprover } : {}),
    locale: row.locale ?? defaultLocale,
  };
}

const pendingPatch = (r: AccountRequest): CustomerPatch => ({
  requestId: r.id,
  smartAccountId: r.smartAccountId,
  submittedAt: r.submittedAt,
  expiresAt: r.expiresAt,
  activatedAt: r.activatedAt,
  lastError: null,
});

/**
 * Takes one claimed row as far as it goes: pending, skipped, failed or attention.
 * Each step is written to the store before the next call to the service, and an
 * earlier attempt (lost answer, crash) is found through `clientReference` = row key
 * before anything is created, so no customer is ever requested twice.
 */
export async function processRow(ctx: RowContext, customer: Customer): Promise<RowOutcome> {
  const { store, client, call, workerId, runId } = ctx;
  const move = (from: Status, to: Status, cause: string, patch: CustomerPatch = {}, details = {}) =>
    store.transition(customer.key, { from, to, cause, runId, claimedBy: workerId, patch, details });
  let status = customer.status;

  try {
    // 1. Our own earlier attempt, if any.
    let request: AccountRequest | undefined;
    if (customer.requestId) {
      request = await call(() => client.accountRequests.retrieve(customer.requestId ?? '')).catch(
        (error: unknown) => {
          if (error instanceof NotFoundError) return undefined;
          throw error;
        },
      );
      if (request && !LIVE(request)) request = undefined;
    }
    if (!request) {
      // Also for queued rows: a crash between create and its transition leaves a draft.
      const found = await call(() =>
        client.accountRequests.list({ clientReference: customer.key }).toArray(),
      );
      request = found.filter(LIVE).pop();
    }
    if (request && (request.status === 'pending' || request.status === 'active')) {
      await move(
        status,
        request.status,
        'resume: the service already has it',
        pendingPatch(request),
      );
      return { status: request.status, reason: 'resumed: already submitted' };
    }

    // 2. A new request, unless the customer already has an account.
    if (!request) {
      const existing = await call(() => client.accounts.search({ domain: customer.accountDomain }));
      const account = existing[0];
      if (account) {
        const reason = `already has Smart Account ${account.id} (${account.status}) for ${account.domain}`;
        await move(status, 'skipped', 'search: existing account', { lastError: reason });
        return { status: 'skipped', reason };
      }
      const draft = draftOf(customer.data as CustomerRow, ctx.defaultLocale);
      request = await call(() =>
        client.accountRequests.create(draft, { clientReference: customer.key }),
      );
      await move(status, 'requested', 'request: draft created', { requestId: request.id });
      status = 'requested';
    } else if (status !== 'requested') {
      await move(status, 'requested', 'resume: draft found', { requestId: request.id });
      status = 'requested';
    }

    // 3. Review; warnings are recorded, and may stop the row.
    const id = request.id;
    const review = await call(() => client.accountRequests.review(id));
    const codes = review.warnings.map((w) => w.code);
    const block = ctx.blockOnWarnings;
    const blocking =
      block === true ? codes : block === false ? [] : codes.filter((c) => block.includes(c));
    if (blocking.length > 0) {
      const reason = `review warnings block submit: ${review.warnings
        .filter((w) => blocking.includes(w.code))
        .map((w) => w.message)
        .join(' ')}`;
      await move(
        status,
        'attention',
        'review: blocking warnings',
        { lastError: reason },
        { warnings: codes },
      );
      return { status: 'attention', reason };
    }

    // 4. Submit, written ahead so a crash here is resolved through the service.
    await move(status, 'submitting', 'review: ok', {}, { warnings: codes });
    status = 'submitting';
    const submitted = await call(() =>
      client.accountRequests.submit(id, { reviewToken: review.reviewToken }),
    );
    await move(status, 'pending', 'submit: pending', pendingPatch(submitted));
    return { status: 'pending', reason: codes.length ? `warnings: ${codes.join(', ')}` : null };
  } catch (error) {
    return settle(error, status, move);
  }
}

async function settle(
  error: unknown,
  status: Status,
  move: (from: Status, to: Status, cause: string, patch?: CustomerPatch) => Promise<unknown>,
): Promise<RowOutcome> {
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
    throw new RunAbortedError(error.message, { cause: error });
  }
  if (error instanceof ConflictError) {
    if (error.code === 'domain-has-account' || error.code === 'domain-has-pending-request') {
      const reason =
        error.code === 'domain-has-account'
          ? `the domain already has Smart Account ${error.existingAccountId ?? ''}`.trim()
          : `another request for the domain is pending (${error.existingRequestId ?? '?'})`;
      await move(status, 'skipped', `service: ${error.code}`, { lastError: reason });
      return { status: 'skipped', reason };
    }
    if (error.code === 'duplicate-client-reference' || error.code === 'review-stale') {
      return { status: 'retry', reason: error.message };
    }
  }
  if (error instanceof ValidationError) {
    const reason = error.fieldErrors.length
      ? error.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ')
      : error.message;
    await move(status, 'failed', 'service: validation failed', { lastError: reason });
    return { status: 'failed', reason };
  }
  if (
    error instanceof APIConnectionError ||
    error instanceof ServerError ||
    error instanceof RateLimitError
  ) {
    return { status: 'retry', reason: error.message };
  }
  if (error instanceof ResponseValidationError || error instanceof ConflictError) {
    await move(status, 'attention', 'service: unexpected answer', { lastError: error.message });
    return { status: 'attention', reason: error.message };
  }
  throw error;
}

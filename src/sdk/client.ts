import { randomUUID } from 'node:crypto';
import { ConflictError, SubmissionStoppedError } from './errors.js';
import { ClientCredentialsTokens, ProvidedTokens } from './internal/token.js';
import { type TokenSource, Transport } from './internal/transport.js';
import { type ClientOptions, type RequestOptions, resolveOptions } from './options.js';
import {
  type AccountRequest,
  type AccountRequestDraft,
  AccountRequests,
  type Review,
} from './resources/account-requests.js';
import { Accounts } from './resources/accounts.js';

/** Options of {@link SmartAccountClient.requestSmartAccount}. */
export interface RequestSmartAccountOptions extends RequestOptions {
  /**
   * Your own identifier for this customer (a row key, a CRM id). With it, a second
   * call for the same customer continues the first attempt instead of creating
   * another request. Strongly recommended.
   */
  clientReference?: string;
  /**
   * Looks at the review before submitting; return `false` to stop (the draft stays
   * and {@link SubmissionStoppedError} is thrown).
   */
  onReview?: (review: Review) => boolean | void | Promise<boolean | void>;
}

/** Statuses after which nothing is left to do for a request. */
const SETTLED = new Set(['pending', 'active']);

/**
 * A typed client for the Smart Account request service.
 *
 * @example
 * const client = new SmartAccountClient({ baseUrl, clientId, clientSecret });
 * const request = await client.requestSmartAccount(
 *   { accountName: 'Müller GmbH', customerEmail: 'it@mueller.de', accountDomain: 'mueller.de' },
 *   { clientReference: 'crm-4711' },
 * );
 * console.log(request.status, request.expiresAt); // 'pending', 90 days from now
 */
export class SmartAccountClient {
  /** Existing Smart Accounts. */
  readonly accounts: Accounts;
  /** Requests: create, review, submit, retrieve, list, cancel. */
  readonly accountRequests: AccountRequests;
  readonly #tokens: TokenSource;

  constructor(options: ClientOptions = {}) {
    const resolved = resolveOptions(options);
    const tokenTransport = new Transport(resolved);
    const { credentials } = resolved;
    this.#tokens =
      credentials.kind === 'client'
        ? new ClientCredentialsTokens(tokenTransport, { ...resolved, credentials })
        : new ProvidedTokens(credentials.provider);
    const transport = new Transport(resolved, this.#tokens);
    this.accounts = new Accounts(transport);
    this.accountRequests = new AccountRequests(transport);
  }

  /** How many access tokens this client fetched (0 with a provided token). */
  get tokensFetched(): number {
    return this.#tokens instanceof ClientCredentialsTokens ? this.#tokens.fetched : 0;
  }

  /**
   * Request → review → submit, safely: with a `clientReference`, an earlier attempt
   * for the same customer is continued (or returned, if it was already submitted)
   * instead of requesting twice; every write carries an idempotency key, so retries
   * after timeouts and lost answers do no work twice.
   *
   * @returns the request, `pending` (or already `active`)
   * @throws {SubmissionStoppedError} when `onReview` returned `false`
   * @throws {ConflictError} when the domain already has an account or a pending request
   */
  async requestSmartAccount(
    draft: AccountRequestDraft,
    options: RequestSmartAccountOptions = {},
  ): Promise<AccountRequest> {
    const { clientReference, onReview, ...callOptions } = options;
    let request = clientReference ? await this.#existing(clientReference, callOptions) : undefined;
    if (request && SETTLED.has(request.status)) return request;

    if (!request) {
      try {
        request = await this.accountRequests.create(draft, {
          ...callOptions,
          ...(clientReference ? { clientReference } : {}),
          idempotencyKey: randomUUID(),
        });
      } catch (error) {
        // Another process created it between our lookup and our create.
        const existing =
          error instanceof ConflictError && error.code === 'duplicate-client-reference';
        if (!existing || !error.existingRequestId) throw error;
        request = await this.accountRequests.retrieve(error.existingRequestId, callOptions);
        if (SETTLED.has(request.status)) return request;
      }
    }

    for (let reviews = 0; ; reviews += 1) {
      const review = await this.accountRequests.review(request.id, callOptions);
      if (onReview && (await onReview(review)) === false) {
        throw new SubmissionStoppedError(request.id, review.warnings);
      }
      try {
        return await this.accountRequests.submit(
          request.id,
          { reviewToken: review.reviewToken },
          callOptions,
        );
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        if (error.code === 'review-stale' && reviews === 0) continue;
        if (error.code !== 'request-not-draft') throw error;
        // Submitted meanwhile (by an earlier attempt whose answer was lost).
        const current = await this.accountRequests.retrieve(request.id, callOptions);
        if (SETTLED.has(current.status)) return current;
        throw error;
      }
    }
  }

  /** The live request (not cancelled or expired) carrying this client reference. */
  async #existing(
    clientReference: string,
    options: RequestOptions,
  ): Promise<AccountRequest | undefined> {
    let found: AccountRequest | undefined;
    for await (const r of this.accountRequests.list({ clientReference }, options)) {
      if (r.status !== 'cancelled' && r.status !== 'expired') found = r;
    }
    return found;
  }
}

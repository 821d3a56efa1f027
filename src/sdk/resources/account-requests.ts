import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { parseInput } from '../internal/input.js';
import { PagedList } from '../internal/pagination.js';
import type { Transport } from '../internal/transport.js';
import type { RequestOptions } from '../options.js';

const EMAIL = /^[^\s@"(),:;<>[\]\\]{1,64}@[^\s@"(),:;<>[\]\\]+\.[^\s@"(),:;<>[\]\\]+$/;
const email = z
  .string()
  .trim()
  .max(254)
  .regex(EMAIL, 'must be an email address like name@example.com');
const note = z.string().max(2000, 'must be at most 2000 characters');

/** The statuses of a request. */
export const requestStatusSchema = z.enum(['draft', 'pending', 'active', 'expired', 'cancelled']);
export type RequestStatus = z.infer<typeof requestStatusSchema>;

/** What the portal asks for: the fields of a Smart Account request. */
export const accountRequestDraftSchema = z
  .object({
    /** The customer's company name, as the account should be called. */
    accountName: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
    /** The person at the customer who approves (activates) the account. */
    customerEmail: email,
    /** The customer's domain identifier, e.g. `mueller-gmbh.de` (IDN accepted). */
    accountDomain: z
      .string()
      .trim()
      .min(1, 'is required')
      .max(253)
      .regex(/^[^\s/@:]+$/, 'must be a bare domain like example.com'),
    /** Shown to the customer in Cisco's email. */
    noteToCustomer: note.optional(),
    /** People who get access to the account. */
    userEmails: z.array(email).max(50, 'holds more than 50 addresses').optional(),
    /** Shown to the added users. */
    noteToUsers: note.optional(),
    /** Shown to the Cisco approver. */
    noteToCiscoApprover: note.optional(),
    /** Language of Cisco's emails. @default 'en' */
    locale: z.enum(['en', 'de']).optional(),
  })
  .strict();
export type AccountRequestDraft = z.input<typeof accountRequestDraftSchema>;

/** A request as the service returns it. */
export const accountRequestSchema = z.object({
  id: z.string(),
  status: requestStatusSchema,
  accountName: z.string(),
  customerEmail: z.string(),
  accountDomain: z.string(),
  noteToCustomer: z.string().nullable(),
  userEmails: z.array(z.string()),
  noteToUsers: z.string().nullable(),
  noteToCiscoApprover: z.string().nullable(),
  clientReference: z.string().nullable(),
  locale: z.enum(['en', 'de']),
  smartAccountId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  submittedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  activatedAt: z.string().nullable(),
  expiredAt: z.string().nullable(),
});
export type AccountRequest = z.infer<typeof accountRequestSchema>;

/** A remark of the review; it does not block submitting by itself. */
export const reviewWarningSchema = z.object({
  code: z.string(),
  field: z.string().nullable(),
  message: z.string(),
});
export type ReviewWarning = z.infer<typeof reviewWarningSchema>;

/** The review: the normalized request, warnings, and the token that pins it. */
export const reviewSchema = z.object({
  id: z.string(),
  status: requestStatusSchema,
  request: accountRequestSchema.pick({
    accountName: true,
    customerEmail: true,
    accountDomain: true,
    noteToCustomer: true,
    userEmails: true,
    noteToUsers: true,
    noteToCiscoApprover: true,
    clientReference: true,
    locale: true,
  }),
  warnings: z.array(reviewWarningSchema),
  reviewToken: z.string(),
});
export type Review = z.infer<typeof reviewSchema>;

const pageSchema = z.object({
  items: z.array(accountRequestSchema),
  nextCursor: z.string().nullable(),
});

/** Filters for {@link AccountRequests.list}. */
export const listFiltersSchema = z
  .object({
    status: requestStatusSchema.optional(),
    /** Only requests changed at or after this time. */
    updatedSince: z.union([z.date(), z.iso.datetime({ offset: true })]).optional(),
    clientReference: z.string().min(1).optional(),
    /** Page size, 1 to 200. @default 50 */
    pageSize: z.number().int().min(1).max(200).optional(),
  })
  .strict();
export type ListFilters = z.input<typeof listFiltersSchema>;

/** Options of calls that change something. */
export interface WriteOptions extends RequestOptions {
  /**
   * Makes retries safe: the same key never does the work twice.
   * @default generated once per call and reused on each of its retries
   */
  idempotencyKey?: string;
}

const clientReference = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** Account requests: request (create), review, submit, retrieve, list, cancel. */
export class AccountRequests {
  constructor(private readonly transport: Transport) {}

  /**
   * "Send request": creates a draft. Nothing reaches the customer until
   * {@link AccountRequests.submit}.
   *
   * @param draft the portal's fields
   * @param options `clientReference` ties the draft to your own record so a lost
   *   response can be found again with `list({ clientReference })`
   */
  async create(
    draft: AccountRequestDraft,
    options: WriteOptions & { clientReference?: string } = {},
  ): Promise<AccountRequest> {
    const body = parseInput(accountRequestDraftSchema, draft, 'accountRequests.create');
    const ref =
      options.clientReference === undefined
        ? undefined
        : parseInput(
            clientReference,
            options.clientReference,
            'accountRequests.create clientReference',
          );
    return this.transport.call(
      {
        method: 'POST',
        url: '/account-requests',
        json: { ...body, ...(ref ? { clientReference: ref } : {}) },
        idempotencyKey: options.idempotencyKey ?? randomUUID(),
        auth: true,
      },
      accountRequestSchema,
      options,
    );
  }

  /** Gets one request by id. */
  async retrieve(id: string, options?: RequestOptions): Promise<AccountRequest> {
    return this.transport.call(
      { method: 'GET', url: `/account-requests/${encodeURIComponent(id)}`, auth: true },
      accountRequestSchema,
      options,
    );
  }

  /** Changes a draft; earlier review tokens become stale. */
  async update(
    id: string,
    patch: Partial<AccountRequestDraft>,
    options?: RequestOptions,
  ): Promise<AccountRequest> {
    const body = parseInput(accountRequestDraftSchema.partial(), patch, 'accountRequests.update');
    return this.transport.call(
      {
        method: 'PATCH',
        url: `/account-requests/${encodeURIComponent(id)}`,
        json: body,
        auth: true,
      },
      accountRequestSchema,
      options,
    );
  }

  /** The review of a draft: normalized fields, warnings, and the token to submit with. */
  async review(id: string, options?: RequestOptions): Promise<Review> {
    return this.transport.call(
      { method: 'GET', url: `/account-requests/${encodeURIComponent(id)}/review`, auth: true },
      reviewSchema,
      options,
    );
  }

  /**
   * "Submit": turns a reviewed draft into a pending Smart Account request; the
   * customer gets Cisco's activation email and has 90 days to accept.
   */
  async submit(
    id: string,
    params: { reviewToken: string },
    options: WriteOptions = {},
  ): Promise<AccountRequest> {
    const { reviewToken } = parseInput(
      z.object({ reviewToken: z.string().min(1, 'is required') }).strict(),
      params,
      'accountRequests.submit',
    );
    // The same review of the same request is the same submission, in any process.
    const key =
      options.idempotencyKey ??
      `submit-${id}-${createHash('sha256').update(reviewToken).digest('hex').slice(0, 24)}`;
    return this.transport.call(
      {
        method: 'POST',
        url: `/account-requests/${encodeURIComponent(id)}/submit`,
        json: { reviewToken },
        idempotencyKey: key,
        auth: true,
      },
      accountRequestSchema,
      options,
    );
  }

  /** Withdraws a draft or a pending request. */
  async cancel(id: string, options: WriteOptions = {}): Promise<AccountRequest> {
    return this.transport.call(
      {
        method: 'POST',
        url: `/account-requests/${encodeURIComponent(id)}/cancel`,
        idempotencyKey: options.idempotencyKey ?? `cancel-${id}`,
        auth: true,
      },
      accountRequestSchema,
      options,
    );
  }

  /**
   * Lists requests, newest last, page by page as you iterate.
   *
   * @example
   * for await (const request of client.accountRequests.list({ status: 'pending' })) {
   *   console.log(request.accountName, request.expiresAt);
   * }
   */
  list(filters: ListFilters = {}, options?: RequestOptions): PagedList<AccountRequest> {
    const f = parseInput(listFiltersSchema, filters, 'accountRequests.list');
    const since = f.updatedSince instanceof Date ? f.updatedSince.toISOString() : f.updatedSince;
    return new PagedList((cursor) =>
      this.transport.call(
        {
          method: 'GET',
          url: '/account-requests',
          query: {
            status: f.status,
            updatedSince: since,
            clientReference: f.clientReference,
            limit: f.pageSize,
            cursor,
          },
          auth: true,
        },
        pageSchema,
        options,
      ),
    );
  }
}

/**
 * The state store's public contract: record schemas, their inferred types, and the
 * `Store` interface every driver implements (see DESIGN §4 and §6).
 *
 * Timestamps are ISO-8601 strings in UTC (`2025-01-31T12:00:00.000Z`) in both engines.
 */
import { z } from 'zod';

/** Every state a customer row can be in (DESIGN §4). */
export const STATUSES = [
  'invalid',
  'queued',
  'requested',
  'submitting',
  'pending',
  'active',
  'expired',
  'skipped',
  'failed',
  'attention',
] as const;
export const statusSchema = z.enum(STATUSES);
export type Status = z.infer<typeof statusSchema>;

const timestamp = z.string().min(1);
const json = z.record(z.string(), z.unknown());
export type JsonObject = z.infer<typeof json>;

export const customerSchema = z.object({
  /** Identity derived from the normalized account name and domain. */
  key: z.string().min(1),
  accountName: z.string(),
  accountDomain: z.string(),
  customerEmail: z.string(),
  /** The full normalized input row. */
  data: json,
  status: statusSchema,
  requestId: z.string().nullable(),
  smartAccountId: z.string().nullable(),
  submittedAt: timestamp.nullable(),
  expiresAt: timestamp.nullable(),
  activatedAt: timestamp.nullable(),
  lastError: z.string().nullable(),
  sourceFile: z.string().nullable(),
  sourceRow: z.number().int().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  /** Worker holding the row's lease, see `Store.claim`. */
  claimedBy: z.string().nullable(),
  claimedUntil: timestamp.nullable(),
});
export type Customer = z.infer<typeof customerSchema>;

/** What ingest hands to `upsertCustomer`. */
export const customerInputSchema = z.object({
  key: z.string().min(1),
  accountName: z.string(),
  accountDomain: z.string(),
  customerEmail: z.string(),
  data: json,
  /** `invalid` for rows that failed validation (reason in `lastError`). @default 'queued' */
  status: z.enum(['queued', 'invalid']).default('queued'),
  lastError: z.string().nullable().default(null),
  sourceFile: z.string().nullable().default(null),
  sourceRow: z.number().int().nullable().default(null),
});
export type CustomerInput = z.input<typeof customerInputSchema>;

/**
 * - `inserted`: new row (a transition from `null` is written).
 * - `updated`: an unsent row took the new data (and maybe a new status).
 * - `unchanged`: nothing differed, or the row is `skipped`.
 * - `unchanged-sent`: the row was already requested or beyond; data and status kept.
 */
export type UpsertOutcome = 'inserted' | 'updated' | 'unchanged' | 'unchanged-sent';
export interface UpsertResult {
  outcome: UpsertOutcome;
  customer: Customer;
}

/** Customer fields a transition may change besides the status. */
export type CustomerPatch = Partial<Omit<Customer, 'key' | 'status' | 'createdAt' | 'updatedAt'>>;

export interface TransitionInput {
  /** Optimistic guard: the transition fails with `StoreConflictError` unless the row is in one of these. */
  from?: Status | readonly Status[];
  /** Guard: fail unless this worker still holds the row's lease. */
  claimedBy?: string;
  to: Status;
  /** Why, in a few words (`submit: service returned pending`). */
  cause: string;
  runId?: string | null;
  patch?: CustomerPatch;
  details?: JsonObject;
}

export const transitionSchema = z.object({
  id: z.number().int(),
  key: z.string(),
  from: statusSchema.nullable(),
  to: statusSchema,
  at: timestamp,
  cause: z.string(),
  runId: z.string().nullable(),
  details: json.nullable(),
});
export type Transition = z.infer<typeof transitionSchema>;

export const RUN_STATUSES = ['running', 'succeeded', 'partial', 'failed'] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;
export const runSchema = z.object({
  id: z.string(),
  command: z.string(),
  startedAt: timestamp,
  finishedAt: timestamp.nullable(),
  host: z.string(),
  pid: z.number().int(),
  counts: z.record(z.string(), z.number()),
  status: runStatusSchema,
});
export type Run = z.infer<typeof runSchema>;

export const emailStatusSchema = z.enum(['recorded', 'sent', 'failed']);
export type EmailStatus = z.infer<typeof emailStatusSchema>;
export const emailRecordSchema = z.object({
  /** Deterministic Message-ID, so a re-run finds the record again. */
  id: z.string().min(1),
  key: z.string().nullable(),
  kind: z.string().min(1),
  recipients: z.array(z.string()),
  status: emailStatusSchema,
  attempts: z.number().int(),
  error: z.string().nullable(),
  recordedAt: timestamp,
  sentAt: timestamp.nullable(),
});
export type EmailRecord = z.infer<typeof emailRecordSchema>;
export const emailInputSchema = emailRecordSchema
  .pick({ id: true, kind: true, recipients: true })
  .extend({
    key: z.string().nullable().default(null),
  });
export type EmailInput = z.input<typeof emailInputSchema>;

export const mailboxCursorSchema = z.object({
  mailbox: z.string().min(1),
  uidValidity: z.number().int().nonnegative(),
  lastUid: z.number().int().nonnegative(),
  updatedAt: timestamp,
});
export type MailboxCursor = z.infer<typeof mailboxCursorSchema>;
export type MailboxCursorInput = Omit<MailboxCursor, 'updatedAt'>;

export const inboundClassificationSchema = z.enum(['activation', 'expiry', 'other']);
export const inboundOutcomeSchema = z.enum([
  'applied',
  'unchanged',
  'unmatched',
  'suspicious',
  'attention',
  'ignored',
]);
export type InboundOutcome = z.infer<typeof inboundOutcomeSchema>;
export const inboundMailSchema = z.object({
  messageId: z.string().min(1),
  mailbox: z.string(),
  uid: z.number().int().nonnegative(),
  classification: inboundClassificationSchema,
  key: z.string().nullable(),
  outcome: inboundOutcomeSchema,
  reason: z.string().nullable(),
  at: timestamp,
});
export type InboundMail = z.infer<typeof inboundMailSchema>;
export const inboundMailInputSchema = inboundMailSchema.omit({ at: true }).extend({
  key: z.string().nullable().default(null),
  reason: z.string().nullable().default(null),
});
export type InboundMailInput = z.input<typeof inboundMailInputSchema>;

export interface ListCustomersOptions {
  status?: readonly Status[];
  /** Keyset pagination: only rows whose key sorts after this one. */
  afterKey?: string;
  /** Only rows whose `expiresAt` is before this instant. */
  expiresBefore?: string;
  /** @default 1000 */
  limit?: number;
}

export interface ClaimOptions {
  statuses: readonly Status[];
  limit: number;
  /** How long the claim lasts; after it, other workers may claim the row again. */
  leaseMs: number;
}

export interface MigrateResult {
  /** Names of the migrations applied by this call (empty when already current). */
  applied: string[];
  version: number;
}

/**
 * The state store: one interface, two engines (SQLite, PostgreSQL).
 *
 * Every operation that changes a row's status writes a `Transition` in the same
 * database transaction, so callers store the transition before the next side effect.
 */
export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  /** Where the data lives, safe to print (passwords redacted). */
  readonly location: string;

  /** Apply pending migrations (done on open; safe to repeat and to race). */
  migrate(): Promise<MigrateResult>;
  schemaVersion(): Promise<number>;
  close(): Promise<void>;

  /** Insert as queued/invalid, update an unsent row, or leave a sent row alone. */
  upsertCustomer(input: CustomerInput, options?: { runId?: string | null }): Promise<UpsertResult>;
  /** `upsertCustomer` for many rows in one transaction (results in input order). */
  upsertCustomers(
    inputs: readonly CustomerInput[],
    options?: { runId?: string | null },
  ): Promise<UpsertResult[]>;
  getCustomer(key: string): Promise<Customer | undefined>;
  /** Case-insensitive: exact key, exact domain, or account name containing the query. */
  findCustomers(query: string, options?: { limit?: number }): Promise<Customer[]>;
  /** Ordered by key. */
  listCustomers(options?: ListCustomersOptions): Promise<Customer[]>;
  /** Change a row's status (and fields) and write the transition, atomically. */
  transition(key: string, input: TransitionInput): Promise<Customer>;
  /** Every transition of a row, oldest first. */
  history(key: string): Promise<Transition[]>;
  /** Atomically lease up to `limit` unleased rows in `statuses` to `workerId`. */
  claim(workerId: string, options: ClaimOptions): Promise<Customer[]>;
  /** Give a lease back; false when `workerId` did not hold it. */
  release(key: string, workerId: string): Promise<boolean>;

  startRun(input: { command: string; host?: string; pid?: number }): Promise<Run>;
  finishRun(
    id: string,
    input: { status: RunStatus; counts?: Record<string, number> },
  ): Promise<Run>;
  /** Newest first. @default limit 20 */
  listRuns(options?: { limit?: number }): Promise<Run[]>;

  /** Record an email before sending it; `existed` tells a re-run it was seen before. */
  recordEmail(input: EmailInput): Promise<{ existed: boolean; email: EmailRecord }>;
  markEmailSent(id: string): Promise<EmailRecord>;
  markEmailFailed(id: string, error: string): Promise<EmailRecord>;
  listEmails(filter?: {
    key?: string;
    status?: EmailStatus;
    kind?: string;
  }): Promise<EmailRecord[]>;

  getMailboxCursor(mailbox: string): Promise<MailboxCursor | undefined>;
  setMailboxCursor(cursor: MailboxCursorInput): Promise<MailboxCursor>;
  /** Insert-if-absent by Message-ID; `existed` means it was processed before. */
  recordInboundMail(input: InboundMailInput): Promise<{ existed: boolean; mail: InboundMail }>;
  listInboundMail(filter?: { outcome?: InboundOutcome }): Promise<InboundMail[]>;

  /** Every status with its row count (zero included). */
  countByStatus(): Promise<Record<Status, number>>;
  /**
   * Run `fn` while holding the named single-flight lock across processes and hosts
   * sharing this store. Throws `LockHeldError` at once when someone else holds it.
   */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

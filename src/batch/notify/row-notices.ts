/**
 * The notices about one customer row, built from what the store knows about it:
 * customer and users notices when the row became `pending`, expiry reminders, the
 * expired notice to the operations team, and the run summary.
 */
import { z } from 'zod';
import type { Customer, Run } from '../store/index.js';
import type { TemplateContextInput } from './contexts.js';
import {
  type NoticeOutcome,
  type NoticeRequest,
  type NotifyDeps,
  sendNotice,
} from './send-notice.js';

const DAY = 86_400_000;

/** The customer fields the notices use (a `Customer` from the store fits). */
export type NoticeSubject = Pick<
  Customer,
  | 'key'
  | 'accountName'
  | 'accountDomain'
  | 'customerEmail'
  | 'data'
  | 'requestId'
  | 'expiresAt'
  | 'submittedAt'
  | 'sourceFile'
  | 'sourceRow'
>;

/** Who signs the mail (the mailer knows: `mailer.senderName`, `mailer.senderEmail`). */
export interface Sender {
  senderName: string;
  senderEmail: string;
}

/** The parts of the stored row (`Customer.data`, the normalized CSV row) the notices read. */
const rowData = z.object({
  userEmails: z.array(z.string()).catch([]).default([]),
  noteToCustomer: z.string().optional().catch(undefined),
  noteToUsers: z.string().optional().catch(undefined),
  locale: z.string().optional().catch(undefined),
});

/** The row's language cell, if any. */
export const rowLocale = (subject: Pick<Customer, 'data'>): string | undefined =>
  rowData.parse(subject.data).locale;

function need<T>(value: T | null | undefined, what: string, key: string): T {
  if (value === null || value === undefined) {
    throw new TypeError(
      `customer ${key} has no ${what} yet — its notices go out once it is pending`,
    );
  }
  return value;
}

/** Context of the customer-notice. @throws TypeError before the row has a request id and expiry. */
export function customerNoticeContext(
  c: NoticeSubject,
  sender: Sender,
): TemplateContextInput<'customer-notice'> {
  const row = rowData.parse(c.data);
  return {
    ...sender,
    accountName: c.accountName,
    accountDomain: c.accountDomain,
    customerEmail: c.customerEmail,
    userEmails: row.userEmails,
    noteToCustomer: row.noteToCustomer ?? null,
    requestId: need(c.requestId, 'request id', c.key),
    expiresAt: need(c.expiresAt, 'expiry date', c.key),
  };
}

/** Context of the users-notice. */
export function usersNoticeContext(
  c: NoticeSubject,
  sender: Sender,
): TemplateContextInput<'users-notice'> {
  const row = rowData.parse(c.data);
  return {
    ...sender,
    accountName: c.accountName,
    accountDomain: c.accountDomain,
    customerEmail: c.customerEmail,
    userEmails: row.userEmails,
    noteToUsers: row.noteToUsers ?? null,
    expiresAt: need(c.expiresAt, 'expiry date', c.key),
  };
}

/** Context of the expiry-reminder for the `reminderDay` mark. */
export function expiryReminderContext(
  c: NoticeSubject,
  sender: Sender,
  reminderDay: number,
): TemplateContextInput<'expiry-reminder'> {
  return {
    ...sender,
    accountName: c.accountName,
    accountDomain: c.accountDomain,
    customerEmail: c.customerEmail,
    requestId: need(c.requestId, 'request id', c.key),
    expiresAt: need(c.expiresAt, 'expiry date', c.key),
    reminderDay,
  };
}

/** Context of the expired-notice to the operations team. */
export function expiredNoticeContext(
  c: NoticeSubject,
  sender: Sender,
  expiredAt: string,
): TemplateContextInput<'expired-notice'> {
  return {
    ...sender,
    key: c.key,
    accountName: c.accountName,
    accountDomain: c.accountDomain,
    customerEmail: c.customerEmail,
    requestId: need(c.requestId, 'request id', c.key),
    submittedAt: c.submittedAt,
    expiredAt,
    sourceFile: c.sourceFile,
    sourceRow: c.sourceRow,
  };
}

/** Options shared by the row helpers. */
export interface RowNoticeOptions {
  /** Render only. @default false */
  dryRun?: boolean;
}

const sender = (deps: NotifyDeps): Sender => ({
  senderName: deps.mailer.senderName,
  senderEmail: deps.mailer.senderEmail,
});

/**
 * Sends what a row that just became `pending` needs: the customer-notice to the
 * customer and, when the row names users, the users-notice to them. Each is recorded
 * and sent at most once (see `sendNotice`); calling this again after a crash or re-run
 * sends only what is missing. `--no-email` is the caller's business.
 */
export async function sendPendingNotices(
  deps: NotifyDeps,
  customer: NoticeSubject,
  options: RowNoticeOptions = {},
): Promise<NoticeOutcome[]> {
  const locale = rowLocale(customer);
  const dryRun = options.dryRun ?? false;
  const outcomes = [
    await sendNotice(deps, {
      kind: 'customer-notice',
      key: customer.key,
      locale,
      to: [customer.customerEmail],
      context: customerNoticeContext(customer, sender(deps)),
      dryRun,
    }),
  ];
  const users = rowData.parse(customer.data).userEmails;
  if (users.length > 0) {
    outcomes.push(
      await sendNotice(deps, {
        kind: 'users-notice',
        key: customer.key,
        locale,
        to: users,
        context: usersNoticeContext(customer, sender(deps)),
        dryRun,
      }),
    );
  }
  return outcomes;
}

/**
 * The reminder mark due for a request expiring at `expiresAt`: the smallest of `days`
 * (e.g. 30, 14, 3) that the remaining time has reached, or `undefined` when none has
 * or the request already expired. Each mark is its own notice (`d14`), so a run that
 * missed the 30-day mark sends only the current one.
 */
export function dueReminderDay(
  expiresAt: string,
  now: Date,
  days: readonly number[] = [30, 14, 3],
): number | undefined {
  const left = (new Date(expiresAt).getTime() - now.getTime()) / DAY;
  if (!(left > 0)) return undefined;
  const reached = days.filter((d) => left <= d);
  return reached.length === 0 ? undefined : Math.min(...reached);
}

/** Sends the expiry reminder for one mark (see {@link dueReminderDay}) to the customer. */
export function sendExpiryReminder(
  deps: NotifyDeps,
  customer: NoticeSubject,
  reminderDay: number,
  options: RowNoticeOptions = {},
): Promise<NoticeOutcome> {
  return sendNotice(deps, {
    kind: 'expiry-reminder',
    key: customer.key,
    variant: `d${reminderDay}`,
    locale: rowLocale(customer),
    to: [customer.customerEmail],
    context: expiryReminderContext(customer, sender(deps), reminderDay),
    dryRun: options.dryRun ?? false,
  });
}

/** Tells the operations team (`to`) that a row's request expired; in the team's `locale`. */
export function sendExpiredNotice(
  deps: NotifyDeps,
  customer: NoticeSubject,
  options: RowNoticeOptions & { to: string[]; locale?: string; expiredAt?: string },
): Promise<NoticeOutcome> {
  return sendNotice(deps, {
    kind: 'expired-notice',
    key: customer.key,
    locale: options.locale ?? null,
    to: options.to,
    context: expiredNoticeContext(
      customer,
      sender(deps),
      options.expiredAt ?? customer.expiresAt ?? new Date().toISOString(),
    ),
    dryRun: options.dryRun ?? false,
  });
}

/** One row for the run summary's failure table. */
export interface SummaryFailure {
  key: string;
  accountName: string;
  status: string;
  reason: string;
}

/** Sends the run summary for a finished run to the operations team (once per run). */
export function sendRunSummary(
  deps: NotifyDeps,
  run: Pick<Run, 'id' | 'command' | 'status' | 'startedAt' | 'finishedAt'>,
  options: RowNoticeOptions & {
    to: string[];
    locale?: string;
    counts: Record<string, number>;
    failures: SummaryFailure[];
    /** E.g. the report files of the run. */
    attachments?: NoticeRequest['attachments'];
  },
): Promise<NoticeOutcome> {
  const counts = Object.entries(options.counts)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => ({ status, count }));
  return sendNotice(deps, {
    kind: 'run-summary',
    key: run.id,
    rowKey: null,
    locale: options.locale ?? null,
    to: options.to,
    context: {
      ...sender(deps),
      runId: run.id,
      command: run.command,
      status: run.status,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      total: counts.reduce((sum, c) => sum + c.count, 0),
      counts,
      failures: options.failures,
    } satisfies TemplateContextInput<'run-summary'>,
    dryRun: options.dryRun ?? false,
    ...(options.attachments ? { attachments: options.attachments } : {}),
  });
}

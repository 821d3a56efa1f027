import { APIConnectionError, ServerError, type SmartAccountClient } from '../../sdk/index.js';
import {
  type InboxConfig,
  InboxUnavailableError,
  type PollSummary,
  pollInbox,
} from '../inbox/index.js';
import {
  type NotifyDeps,
  dueReminderDay,
  sendExpiredNotice,
  sendExpiryReminder,
  sendRunSummary,
} from '../notify/index.js';
import {
  buildReport,
  type Report,
  type ReportFormat,
  renderReport,
  writeReport,
} from '../report/index.js';
import { type Customer, type Run, STATUSES, type Store } from '../store/index.js';
import { mailHandler } from './confirm-mail.js';
import { expireOverdue, refreshPending } from './refresh.js';

/** Options of {@link runReconcile}. */
export interface ReconcileOptions {
  store: Store;
  client: SmartAccountClient;
  runId: string;
  /** The requester's mailbox; unset skips the inbox step. */
  inbox?: InboxConfig;
  /** Mail for reminders and ops notices; unset sends none. */
  notify?: NotifyDeps;
  /** Who gets expired-notices. */
  opsEmail: string[];
  reminderDays: readonly number[];
  /** Deadlines are judged as of this time. @default now */
  now?: Date;
  /** Only ask the service about requests changed since (the last good run). */
  since?: Date;
  /** Write the report here, one file per format. */
  reports?: Array<{ format: ReportFormat; path: string }>;
  /** Email the run summary, with the HTML report attached, to `opsEmail`. */
  summaryFor?: Pick<Run, 'id' | 'command' | 'startedAt'>;
  log?: (message: string) => void;
}

/** What a reconcile run did; `problems` decides exit code 1, `unreachable` exit 3. */
export interface ReconcileSummary {
  inbox: PollSummary | { skipped: string } | { error: string };
  refresh:
    { checked: number; activated: number; expired: number; attention: number } | { error: string };
  expiredOverdue: number;
  remindersSent: number;
  expiredNoticesSent: number;
  report: Report;
  reportFiles: string[];
  /** Rows failed or needing attention, plus unmatched or suspicious mail. */
  problems: number;
  /** Services that could not be reached (the next run catches up). */
  unreachable: string[];
  /** Whether the run summary went out. */
  summarySent: boolean;
}

const unreachable = (error: unknown) =>
  error instanceof APIConnectionError || error instanceof ServerError;

/**
 * The nightly job: read the inbox, ask the service, expire what ran out, remind, and
 * write the report. Each step stands alone: an unreachable inbox does not stop the
 * service refresh, and everything not done now is done by the next run.
 * The caller holds the single-flight lock.
 */
export async function runReconcile(options: ReconcileOptions): Promise<ReconcileSummary> {
  const { store, client, runId } = options;
  const now = options.now ?? new Date();
  const log = options.log ?? (() => undefined);
  const down: string[] = [];
  let expiredNoticesSent = 0;
  const onExpired = async (customer: Customer) => {
    if (!options.notify || options.opsEmail.length === 0) return;
    const outcome = await sendExpiredNotice(options.notify, customer, { to: options.opsEmail });
    if (outcome.status === 'sent') expiredNoticesSent += 1;
  };

  let inbox: ReconcileSummary['inbox'] = { skipped: 'no mailbox configured' };
  if (options.inbox) {
    try {
      inbox = await pollInbox({
        config: options.inbox,
        store,
        handle: mailHandler({ store, client, runId, onExpired }),
      });
      log(`inbox: ${inbox.fetched} new message(s), ${inbox.processed.length} handled`);
    } catch (error) {
      if (!(error instanceof InboxUnavailableError) && !unreachable(error)) throw error;
      down.push(error instanceof InboxUnavailableError ? 'inbox' : 'smart-account-service');
      inbox = { error: (error as Error).message };
      log(`inbox: ${(error as Error).message}`);
    }
  }

  let refresh: ReconcileSummary['refresh'];
  try {
    const r = await refreshPending(store, client, {
      ...(options.since ? { since: options.since } : {}),
      runId,
      onExpired,
    });
    refresh = {
      checked: r.checked,
      activated: r.activated.length,
      expired: r.expired.length,
      attention: r.attention.length,
    };
    log(
      `service: ${r.checked} request(s) checked, ${r.activated.length} activated, ${r.expired.length} expired`,
    );
  } catch (error) {
    if (!unreachable(error)) throw error;
    down.push('smart-account-service');
    refresh = { error: (error as Error).message };
    log(`service: ${(error as Error).message}`);
  }

  const overdue = await expireOverdue(store, now, { runId, onExpired });

  let remindersSent = 0;
  if (options.notify) {
    const pending = await store.listCustomers({ status: ['pending'], limit: 100_000 });
    for (const customer of pending) {
      if (!customer.expiresAt) continue;
      const day = dueReminderDay(customer.expiresAt, now, options.reminderDays);
      if (day === undefined) continue;
      const outcome = await sendExpiryReminder(options.notify, customer, day);
      if (outcome.status === 'sent') remindersSent += 1;
    }
  }
  if (remindersSent > 0) log(`reminders: ${remindersSent} sent`);

  const report = await buildReport(store, { now });
  const reportFiles: string[] = [];
  for (const { format, path } of options.reports ?? []) {
    await writeReport(report, format, path);
    reportFiles.push(path);
  }
  const s = report.summary;
  const badMail =
    'processed' in inbox
      ? inbox.processed.filter((m) => ['unmatched', 'suspicious', 'attention'].includes(m.outcome))
          .length
      : 0;
  const problems = s.failed + s.attention + badMail;
  let summarySent = false;
  if (options.summaryFor && options.notify && options.opsEmail.length > 0) {
    const failures = report.customers
      .filter((c) => c.status === 'failed' || c.status === 'attention')
      .map((c) => ({
        key: c.key,
        accountName: c.accountName,
        status: c.status,
        reason: c.lastError ?? '',
      }));
    const counts = Object.fromEntries(STATUSES.map((st) => [st, s[st]]));
    const outcome = await sendRunSummary(
      options.notify,
      {
        ...options.summaryFor,
        status: down.length > 0 || problems > 0 ? 'partial' : 'succeeded',
        finishedAt: new Date().toISOString(),
      },
      {
        to: options.opsEmail,
        counts,
        failures,
        attachments: [
          {
            filename: 'report.html',
            content: renderReport(report, 'html'),
            contentType: 'text/html',
          },
        ],
      },
    );
    summarySent = outcome.status === 'sent';
  }
  return {
    summarySent,
    inbox,
    refresh,
    expiredOverdue: overdue.length,
    remindersSent,
    expiredNoticesSent,
    report,
    reportFiles,
    problems,
    unreachable: [...new Set(down)],
  };
}

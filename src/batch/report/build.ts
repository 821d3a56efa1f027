/** Gather a status report from the store. */
import type { Customer, InboundMail, Store } from '../store/types.js';
import { activationRate, countStatuses, daysLeft, medianDaysToActivate } from './metrics.js';
import { REPORTED_MAIL_OUTCOMES, REPORT_VERSION, reportSchema } from './schema.js';
import type { Report, ReportCustomer, ReportMail } from './schema.js';

/** The email kind the reminder step records (see `Store.recordEmail`). */
export const REMINDER_EMAIL_KIND = 'expiry-reminder';

export interface BuildReportOptions {
  /** The report's `generatedAt` and the instant `daysLeft` counts from. @default new Date() */
  now?: Date;
}

const PAGE = 1000;

async function allCustomers(store: Store): Promise<Customer[]> {
  const rows: Customer[] = [];
  let afterKey: string | undefined;
  for (;;) {
    const page = await store.listCustomers({ limit: PAGE, ...(afterKey ? { afterKey } : {}) });
    rows.push(...page);
    const last = page.at(-1);
    if (page.length < PAGE || !last) return rows;
    afterKey = last.key;
  }
}

async function remindersByKey(store: Store): Promise<Map<string, number>> {
  const sent = await store.listEmails({ kind: REMINDER_EMAIL_KIND, status: 'sent' });
  const counts = new Map<string, number>();
  for (const email of sent) {
    if (email.key !== null) counts.set(email.key, (counts.get(email.key) ?? 0) + 1);
  }
  return counts;
}

async function reportedMail(store: Store): Promise<ReportMail[]> {
  const lists = await Promise.all(
    REPORTED_MAIL_OUTCOMES.map((outcome) => store.listInboundMail({ outcome })),
  );
  return lists
    .flat()
    .sort((a, b) => a.at.localeCompare(b.at) || a.messageId.localeCompare(b.messageId))
    .map((mail: InboundMail) => ({
      messageId: mail.messageId,
      mailbox: mail.mailbox,
      uid: mail.uid,
      at: mail.at,
      classification: mail.classification,
      key: mail.key,
      outcome: mail.outcome as ReportMail['outcome'],
      reason: mail.reason,
    }));
}

/**
 * Read every customer, the reminders sent and the mail a human should look at, and
 * derive the summary. Counts come from the rows read, so the report agrees with itself
 * even while another run changes the store.
 *
 * @throws ZodError when the store holds data the report format cannot carry.
 */
export async function buildReport(store: Store, options: BuildReportOptions = {}): Promise<Report> {
  const now = options.now ?? new Date();
  const [rows, reminders, unmatchedMail] = await Promise.all([
    allCustomers(store),
    remindersByKey(store),
    reportedMail(store),
  ]);
  const customers: ReportCustomer[] = rows.map((row) => ({
    key: row.key,
    accountName: row.accountName,
    accountDomain: row.accountDomain,
    customerEmail: row.customerEmail,
    status: row.status,
    requestId: row.requestId,
    smartAccountId: row.smartAccountId,
    submittedAt: row.submittedAt,
    activatedAt: row.activatedAt,
    expiresAt: row.expiresAt,
    daysLeft: daysLeft(row, now),
    remindersSent: reminders.get(row.key) ?? 0,
    lastError: row.lastError,
  }));
  const counts = countStatuses(customers);
  return reportSchema.parse({
    version: REPORT_VERSION,
    generatedAt: now.toISOString(),
    summary: {
      ...counts,
      total: customers.length,
      activationRate: activationRate(counts),
      medianDaysToActivate: medianDaysToActivate(customers),
      remindersSent: customers.reduce((sum, c) => sum + c.remindersSent, 0),
      unmatchedMail: unmatchedMail.length,
    },
    customers,
    unmatchedMail,
  });
}

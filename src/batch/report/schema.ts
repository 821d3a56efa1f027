/**
 * The status report's format: one zod schema, the single source of truth for the JSON
 * output, the `Report` type every renderer reads, and `docs/report.schema.json`.
 *
 * Version policy: `version` changes only when a field is removed, renamed or changes
 * meaning or type. Adding a field is not a breaking change and keeps the version, so
 * readers should ignore fields they do not know.
 */
import { z } from 'zod';
import { STATUSES, inboundClassificationSchema, statusSchema } from '../store/types.js';

/** The report format version written by this code. */
export const REPORT_VERSION = 1;

const timestamp = z.iso
  .datetime({ offset: true })
  .meta({ description: 'ISO-8601 timestamp (UTC, `2025-01-31T12:00:00.000Z`).' });
const optionalTimestamp = timestamp.nullable();

const statusCounts = Object.fromEntries(
  STATUSES.map((status) => [
    status,
    z
      .number()
      .int()
      .nonnegative()
      .meta({ description: `Customers in status \`${status}\`.` }),
  ]),
) as { [S in (typeof STATUSES)[number]]: z.ZodNumber };

export const reportSummarySchema = z
  .object({
    ...statusCounts,
    total: z.number().int().nonnegative().meta({ description: 'All customers in the report.' }),
    activationRate: z.number().min(0).max(1).nullable().meta({
      description:
        'active / (active + pending + expired), rounded to 4 decimals; null when that sum is 0.',
    }),
    medianDaysToActivate: z.number().nonnegative().nullable().meta({
      description:
        'Median of activatedAt − submittedAt in days (1 decimal) over customers with both; null when none.',
    }),
    remindersSent: z
      .number()
      .int()
      .nonnegative()
      .meta({ description: 'Expiry reminders sent, over all customers.' }),
    unmatchedMail: z
      .number()
      .int()
      .nonnegative()
      .meta({ description: 'Length of `unmatchedMail`.' }),
  })
  .meta({ description: 'Counts per status (every status, zero included) and derived figures.' });
export type ReportSummary = z.infer<typeof reportSummarySchema>;

export const reportCustomerSchema = z
  .object({
    key: z.string().min(1).meta({ description: 'Row identity from normalized name and domain.' }),
    accountName: z.string(),
    accountDomain: z.string(),
    customerEmail: z.string().meta({ description: 'Who approves the account at the customer.' }),
    status: statusSchema,
    requestId: z.string().nullable().meta({ description: "The service's account request id." }),
    smartAccountId: z.string().nullable(),
    submittedAt: optionalTimestamp,
    activatedAt: optionalTimestamp,
    expiresAt: optionalTimestamp.meta({ description: 'When a pending request expires.' }),
    daysLeft: z.number().int().nonnegative().nullable().meta({
      description:
        'Pending rows: whole days until expiresAt, rounded up, never below 0; else null.',
    }),
    remindersSent: z
      .number()
      .int()
      .nonnegative()
      .meta({ description: 'Expiry reminders sent to this customer.' }),
    lastError: z.string().nullable().meta({ description: 'Why the row failed or needs a human.' }),
  })
  .meta({ description: 'One customer row.' });
export type ReportCustomer = z.infer<typeof reportCustomerSchema>;

/** Outcomes of inbound mail that a human should look at. */
export const REPORTED_MAIL_OUTCOMES = ['unmatched', 'suspicious', 'attention'] as const;

export const reportMailSchema = z
  .object({
    messageId: z.string().min(1).meta({ description: 'Message-ID header of the email.' }),
    mailbox: z.string().meta({ description: 'Mailbox (folder) it was read from.' }),
    uid: z.number().int().nonnegative().meta({ description: 'IMAP UID in that mailbox.' }),
    at: timestamp.meta({ description: 'When the email was processed.' }),
    classification: inboundClassificationSchema.meta({
      description: 'What the email looked like: activation, expiry or other.',
    }),
    key: z.string().nullable().meta({ description: 'Customer it seemed to refer to, if any.' }),
    outcome: z.enum(REPORTED_MAIL_OUTCOMES),
    reason: z.string().nullable(),
  })
  .meta({ description: 'An email that was not applied to exactly one customer.' });
export type ReportMail = z.infer<typeof reportMailSchema>;

export const reportSchema = z
  .object({
    version: z.literal(REPORT_VERSION).meta({ description: 'Format version, see policy.' }),
    generatedAt: timestamp,
    summary: reportSummarySchema,
    customers: z.array(reportCustomerSchema).meta({ description: 'Ordered by key.' }),
    unmatchedMail: z.array(reportMailSchema).meta({ description: 'Oldest first.' }),
  })
  .meta({ title: 'smart-onboard status report', description: 'See docs/report-schema.md.' });
/** A status report (see `docs/report-schema.md`). */
export type Report = z.infer<typeof reportSchema>;

/**
 * The report's JSON Schema (draft 2020-12), as published in `docs/report.schema.json`.
 * Objects allow unknown properties, so v1 readers accept fields added later.
 */
export function reportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(reportSchema, { target: 'draft-2020-12', io: 'input' }) as Record<
    string,
    unknown
  >;
}

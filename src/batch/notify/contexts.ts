/**
 * The context each built-in template is rendered with: one zod schema per template,
 * the single source of truth for what a template may reference (checked at load) and
 * what a sender must provide (validated before rendering).
 */
import { z } from 'zod';

/** Cisco's sender of activation instructions (what the customer should look for). */
export const CISCO_SENDER = 'smart-acct-pending@cisco.com';

const iso = z.string().min(1).describe('ISO-8601 timestamp');

/** Who sends our mail; every context has it (layout footer and signature). */
const sender = {
  senderName: z.string().min(1),
  senderEmail: z.string().min(1),
};

const account = {
  accountName: z.string().min(1),
  accountDomain: z.string().min(1),
  customerEmail: z.string().min(1),
};

export const customerNoticeContext = z.object({
  ...sender,
  ...account,
  userEmails: z.array(z.string()),
  noteToCustomer: z.string().nullable(),
  requestId: z.string().min(1),
  expiresAt: iso,
  ciscoSender: z.string().default(CISCO_SENDER),
});

export const usersNoticeContext = z.object({
  ...sender,
  ...account,
  userEmails: z.array(z.string()).min(1),
  noteToUsers: z.string().nullable(),
  expiresAt: iso,
});

export const expiryReminderContext = z.object({
  ...sender,
  ...account,
  requestId: z.string().min(1),
  expiresAt: iso,
  /** The schedule mark this reminder is for (30, 14, 3 days before expiry). */
  reminderDay: z.number().int().nonnegative(),
  ciscoSender: z.string().default(CISCO_SENDER),
});

export const expiredNoticeContext = z.object({
  ...sender,
  ...account,
  key: z.string().min(1),
  requestId: z.string().min(1),
  submittedAt: iso.nullable(),
  expiredAt: iso,
  sourceFile: z.string().nullable(),
  sourceRow: z.number().int().nullable(),
});

export const runSummaryContext = z.object({
  ...sender,
  runId: z.string().min(1),
  command: z.string().min(1),
  status: z.string().min(1),
  startedAt: iso,
  finishedAt: iso.nullable(),
  total: z.number().int().nonnegative(),
  counts: z.array(z.object({ status: z.string(), count: z.number().int().nonnegative() })),
  failures: z.array(
    z.object({
      key: z.string(),
      accountName: z.string(),
      status: z.string(),
      reason: z.string(),
    }),
  ),
});

/** Every built-in template with its context schema. */
export const CONTEXT_SCHEMAS = {
  'customer-notice': customerNoticeContext,
  'users-notice': usersNoticeContext,
  'expiry-reminder': expiryReminderContext,
  'expired-notice': expiredNoticeContext,
  'run-summary': runSummaryContext,
} as const;

/** Names of the built-in templates. */
export type TemplateName = keyof typeof CONTEXT_SCHEMAS;
export const TEMPLATE_NAMES = Object.keys(CONTEXT_SCHEMAS) as TemplateName[];

/** The context a built-in template takes (after defaults). */
export type TemplateContext<N extends TemplateName> = z.output<(typeof CONTEXT_SCHEMAS)[N]>;
/** What a caller passes for a built-in template (defaults may be left out). */
export type TemplateContextInput<N extends TemplateName> = z.input<(typeof CONTEXT_SCHEMAS)[N]>;

export const isTemplateName = (name: string): name is TemplateName =>
  Object.hasOwn(CONTEXT_SCHEMAS, name);

/**
 * The schema for a template name. A template added in an override directory under a
 * new name gets the customer-notice context (a row that just became pending).
 */
export function contextSchemaFor(name: string): z.ZodObject {
  return isTemplateName(name) ? CONTEXT_SCHEMAS[name] : customerNoticeContext;
}

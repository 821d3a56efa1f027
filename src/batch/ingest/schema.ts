import { z } from 'zod';
import { EMAIL_PATTERN, normalizeEmail, splitEmails } from './emails.js';
import {
  LIMITS,
  cleanName,
  cleanText,
  domainFix,
  isNormalizedDomain,
  normalizeDomain,
  parseLocale,
} from './normalize.js';
import { quote } from './problem.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;
const count = (n: number) => n.toLocaleString('en-US');

/** What a field check sees: the (normalized) value and the issue list of this parse. */
type Payload<T> = z.core.ParsePayload<T>;

function fail<T>(ctx: Payload<T>, message: string, path?: number): void {
  ctx.issues.push({
    code: 'custom',
    message,
    input: ctx.value,
    ...(path === undefined ? {} : { path: [path] }),
  });
}

function emailIssue(value: string): string | undefined {
  if (value.length > LIMITS.email) {
    return `${quote(value)} has ${count(value.length)} characters; an email address has at most ${LIMITS.email} — check the cell`;
  }
  if (!EMAIL_PATTERN.test(value))
    return `${quote(value)} is not a valid email address — write it like name@example.com`;
  return undefined;
}

const accountName = z.string().check((ctx) => {
  const value = ctx.value;
  if (value === '') fail(ctx, "the account name is empty — enter the customer's company name");
  else if (value.length > LIMITS.accountName) {
    fail(
      ctx,
      `${quote(value)} has ${count(value.length)} characters; at most ${LIMITS.accountName} are allowed — shorten the account name`,
    );
  } else if (CONTROL.test(value))
    fail(ctx, `${quote(value)} contains control characters — remove them`);
});

const customerEmail = z.string().check((ctx) => {
  const message =
    ctx.value === ''
      ? 'the customer email is empty — enter the address of the person at the customer who approves the account'
      : emailIssue(ctx.value);
  if (message !== undefined) fail(ctx, message);
});

/** Holds the punycode domain, or the trimmed cell when it is not a domain (then it fails here). */
const accountDomain = z.string().check((ctx) => {
  const value = ctx.value;
  if (value === '') {
    fail(ctx, "the account domain is empty — enter the customer's domain like mueller-gmbh.de");
  } else if (!isNormalizedDomain(value)) fail(ctx, `${quote(value)} ${domainFix(value)}`);
});

const userEmails = z.array(z.string()).check((ctx) => {
  const emails = ctx.value;
  for (let i = 0; i < emails.length; i++) {
    const message = emailIssue(emails[i] as string);
    if (message !== undefined) fail(ctx, message, i);
  }
  if (emails.length > LIMITS.userEmails) {
    fail(
      ctx,
      `${emails.length} user email addresses; at most ${LIMITS.userEmails} are allowed — remove some (more users can be added in the portal later)`,
    );
  }
});

/** An optional text of at most `max` characters; `plain` also forbids control characters. */
const text = (what: string, max: number, plain = false) =>
  z
    .string()
    .check((ctx) => {
      const value = ctx.value;
      if (value.length > max) {
        fail(
          ctx,
          `the ${what} has ${count(value.length)} characters; at most ${count(max)} are allowed — shorten it`,
        );
      }
      if (plain && CONTROL.test(value))
        fail(ctx, `${quote(value)} contains control characters — remove them`);
    })
    .optional();

/**
 * A validated, normalized customer: the single source of truth for what a row must be
 * before it is stored and requested (limits from the service contract). It validates the
 * output of {@link normalizeCells}; every issue message quotes the value and says what to
 * do; issue paths are field names, `['userEmails', 3]` for one address.
 *
 * Normalizing is plain code before the parse and the rules are zod checks, not
 * transforms: same result, several times faster on 200k-row files (a zod transform
 * costs more per row than all of the normalizing).
 */
export const customerRowSchema = z.object({
  accountName,
  customerEmail,
  accountDomain,
  userEmails,
  noteToCustomer: text('note to the customer', LIMITS.note),
  noteToUsers: text('note to added users', LIMITS.note),
  noteToCiscoApprover: text('note to the Cisco approver', LIMITS.note),
  locale: z.enum(['en', 'de']).optional(),
  customerReference: text('customer reference', LIMITS.customerReference, true),
});

/** A validated, normalized customer row. */
export type CustomerRow = z.output<typeof customerRowSchema>;

const cell = z.string().optional();

/** The raw cells of a row by field; an absent column or a short row gives `undefined`. */
export const customerCellsSchema = z.object({
  accountName: cell,
  customerEmail: cell,
  accountDomain: cell,
  noteToCustomer: cell,
  userEmails: cell,
  noteToUsers: cell,
  noteToCiscoApprover: cell,
  locale: cell,
  customerReference: cell,
});

/** The raw cells of a row by field, as {@link normalizeCells} takes them. */
export type CustomerRowInput = z.output<typeof customerCellsSchema>;

/**
 * Normalizes the cells of a row for {@link customerRowSchema}: trim, Unicode NFC,
 * whitespace runs in names collapsed, emails and domains lower-cased, IDN domains to
 * punycode, the user-email cell split; empty optional cells and unsupported languages
 * are left out (an unsupported language is a warning, see checkRow).
 */
export function normalizeCells(input: CustomerRowInput): z.input<typeof customerRowSchema> {
  const domain = input.accountDomain ?? '';
  const row: z.input<typeof customerRowSchema> = {
    accountName: cleanName(input.accountName ?? ''),
    customerEmail: normalizeEmail(input.customerEmail ?? ''),
    accountDomain: normalizeDomain(domain) ?? domain.trim(),
    userEmails: input.userEmails === undefined ? [] : splitEmails(input.userEmails),
  };
  // Absent optional fields stay absent (not `key: undefined`), so rows compare and serialize cleanly.
  const noteToCustomer = clean(input.noteToCustomer);
  if (noteToCustomer !== '') row.noteToCustomer = noteToCustomer;
  const noteToUsers = clean(input.noteToUsers);
  if (noteToUsers !== '') row.noteToUsers = noteToUsers;
  const noteToCiscoApprover = clean(input.noteToCiscoApprover);
  if (noteToCiscoApprover !== '') row.noteToCiscoApprover = noteToCiscoApprover;
  const locale = input.locale === undefined ? undefined : parseLocale(input.locale);
  if (locale !== undefined && locale !== null) row.locale = locale;
  const reference = clean(input.customerReference);
  if (reference !== '') row.customerReference = reference;
  return row;
}

function clean(value: string | undefined): string {
  return value === undefined ? '' : cleanText(value);
}

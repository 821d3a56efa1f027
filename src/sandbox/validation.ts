import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { type FieldError, Problem, validationFailed } from './problem.js';

/** Limits the service enforces; the same numbers are written in openapi.yaml. */
export const LIMITS = {
  accountName: 100,
  email: 254,
  domain: 253,
  note: 2000,
  userEmails: 50,
  clientReference: 128,
} as const;

const EMAIL = /^[^\s@"(),:;<>[\]\\]{1,64}@[^\s@"(),:;<>[\]\\]+\.[^\s@"(),:;<>[\]\\]+$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const CONTROL = /\p{Cc}/u;

/** Lower-cases and converts an IDN domain to punycode; `null` when it is not a domain. */
export function normalizeDomain(input: string): string | null {
  const trimmed = input.trim().toLowerCase().replace(/\.$/, '');
  if (trimmed === '' || /[/:@\s]/.test(trimmed)) return null;
  const ascii = domainToASCII(trimmed);
  if (ascii === '' || ascii.length > LIMITS.domain) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  const tld = labels[labels.length - 1] ?? '';
  if (!/^[a-z]{2,63}$/.test(tld) && !tld.startsWith('xn--')) return null;
  return ascii;
}

const email = (field: string) =>
  z
    .string({ error: `${field} must be a string holding an email address.` })
    .trim()
    .toLowerCase()
    .max(LIMITS.email, `${field} is longer than ${LIMITS.email} characters.`)
    .regex(EMAIL, `${field} must be a valid email address like name@example.com.`);

const note = (field: string) =>
  z
    .string({ error: `${field} must be a string.` })
    .max(LIMITS.note, `${field} is longer than ${LIMITS.note} characters; shorten it.`)
    .transform((s) => s.trim().normalize('NFC'))
    .nullish();

const domain = z
  .string({ error: 'accountDomain must be a string like example.com.' })
  .transform((value, ctx) => {
    const ascii = normalizeDomain(value);
    if (ascii === null) {
      ctx.addIssue({
        code: 'custom',
        message:
          'accountDomain must be a bare domain like mueller-gmbh.de (no scheme, path or email).',
      });
      return z.NEVER;
    }
    return ascii;
  });

const accountName = z
  .string({ error: 'accountName must be a string.' })
  .transform((s) => s.trim().normalize('NFC').replace(/\s+/g, ' '))
  .pipe(
    z
      .string()
      .min(1, 'accountName is required: the customer company name as it should appear.')
      .max(LIMITS.accountName, `accountName is longer than ${LIMITS.accountName} characters.`)
      .refine((s) => !CONTROL.test(s), 'accountName must not contain control characters.'),
  );

/** The fields of an account request, as the service accepts them. */
export const accountRequestInput = z.strictObject({
  accountName,
  customerEmail: email('customerEmail'),
  accountDomain: domain,
  noteToCustomer: note('noteToCustomer'),
  userEmails: z
    .array(email('userEmails'), { error: 'userEmails must be an array of email addresses.' })
    .max(
      LIMITS.userEmails,
      `userEmails holds more than ${LIMITS.userEmails} addresses; split them.`,
    )
    .default([]),
  noteToUsers: note('noteToUsers'),
  noteToCiscoApprover: note('noteToCiscoApprover'),
  clientReference: z
    .string({ error: 'clientReference must be a string.' })
    .min(1, 'clientReference must not be empty; omit it instead.')
    .max(LIMITS.clientReference, `clientReference is longer than ${LIMITS.clientReference}.`)
    .regex(/^[\x21-\x7e]+$/, 'clientReference must be printable ASCII without spaces.')
    .nullish(),
  locale: z.enum(['en', 'de'], { error: 'locale must be "en" or "de".' }).default('en'),
});

/** A draft update: any subset of the fields, except the client reference. */
export const accountRequestPatch = accountRequestInput
  .omit({ clientReference: true })
  .partial()
  .strict();

export type AccountRequestInput = z.output<typeof accountRequestInput>;
export type AccountRequestPatch = z.output<typeof accountRequestPatch>;

/** Turns zod issues into one field error per bad field (`userEmails[3]`). */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          field: key,
          code: 'unknown-field',
          message: `${key} is not a field of an account request; remove it.`,
        });
      }
      continue;
    }
    const field = issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`))
      .join('');
    if (seen.has(field)) continue;
    seen.add(field);
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    out.push({
      field: field || '(body)',
      code: missing ? 'required' : issue.code === 'too_big' ? 'too-long' : 'invalid',
      message: missing ? `${field} is required.` : issue.message,
    });
  }
  return out;
}

/** Parses a body with a schema, or throws a 422 problem naming every bad field. */
export function parseInput<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new Problem(400, 'malformed-json', 'Bad request', 'The body must be a JSON object.');
  }
  const result = schema.safeParse(body);
  if (!result.success) throw validationFailed(toFieldErrors(result.error));
  return result.data;
}

/** One remark the review shows; it does not block submitting. */
export interface ReviewWarning {
  code: string;
  field: string | null;
  message: string;
}

const FREE_MAIL = new Set(['gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'gmx.de']);

/** What a reviewer should look at twice before submitting. */
export function reviewWarnings(input: AccountRequestInput, rawDomain: string): ReviewWarning[] {
  const warnings: ReviewWarning[] = [];
  const emailDomain = (e: string) => e.slice(e.lastIndexOf('@') + 1);
  const matches = (e: string) =>
    emailDomain(e) === input.accountDomain || emailDomain(e).endsWith(`.${input.accountDomain}`);
  if (rawDomain.trim().toLowerCase() !== input.accountDomain) {
    warnings.push({
      code: 'domain-normalized',
      field: 'accountDomain',
      message: `The domain was normalized to ${input.accountDomain}.`,
    });
  }
  if (FREE_MAIL.has(emailDomain(input.customerEmail))) {
    warnings.push({
      code: 'customer-email-free-mail',
      field: 'customerEmail',
      message: 'The customer email is a free-mail address; prefer a company address.',
    });
  } else if (!matches(input.customerEmail)) {
    warnings.push({
      code: 'customer-email-domain-mismatch',
      field: 'customerEmail',
      message: `The customer email is not in the account domain ${input.accountDomain}.`,
    });
  }
  input.userEmails.forEach((e, i) => {
    if (input.userEmails.indexOf(e) !== i) {
      warnings.push({
        code: 'duplicate-user-email',
        field: `userEmails[${i}]`,
        message: `${e} is listed twice; it will be added once.`,
      });
    }
  });
  if (!input.noteToCustomer) {
    warnings.push({
      code: 'note-missing',
      field: 'noteToCustomer',
      message: 'No note to the customer: Cisco will send its email without your explanation.',
    });
  }
  return warnings;
}

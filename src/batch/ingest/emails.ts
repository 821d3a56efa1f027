const SEPARATORS = /[;,\s]+/;

/**
 * Splits a cell holding several email addresses, separated by `;`, `,`, whitespace or
 * line breaks, into trimmed, NFC-normalized, lower-cased addresses without repeats.
 *
 * @example splitEmails('a@x.de; B@x.de,\nc@x.de a@x.de') // ['a@x.de', 'b@x.de', 'c@x.de']
 */
export function splitEmails(cell: string): string[] {
  const text = (ASCII.test(cell) ? cell : cell.normalize('NFC')).toLowerCase();
  const out: string[] = [];
  for (const email of text.split(SEPARATORS)) {
    if (email !== '' && !out.includes(email)) out.push(email);
  }
  return out;
}

/** Trims, NFC-normalizes and lower-cases one email address. */
export function normalizeEmail(value: string): string {
  const trimmed = value.trim();
  return (ASCII.test(trimmed) ? trimmed : trimmed.normalize('NFC')).toLowerCase();
}

const ASCII = /^[\x20-\x7e]*$/;

/** Syntax the service accepts (kept identical to the contract's check). */
export const EMAIL_PATTERN =
  /^[^\s@"(),:;<>[\]\\]{1,64}@[^\s@"(),:;<>[\]\\]+\.[^\s@"(),:;<>[\]\\]+$/;

// Control characters (C0, DEL, C1), line and paragraph separators, and bidi overrides.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/**
 * Makes a value safe for a mail header (subject, display name): CR, LF and every other
 * control character become a space, runs of spaces collapse, ends are trimmed. A row's
 * account name can therefore never start a new header line.
 *
 * @example headerSafe('ACME\r\nBcc: x@evil.example') === 'ACME Bcc: x@evil.example'
 */
export function headerSafe(value: string): string {
  return value.replace(UNSAFE, ' ').replace(/ {2,}/g, ' ').trim();
}

import { domainToASCII } from 'node:url';

/** Limits of the service (see docs/CONTRACT-NOTES.md). */
export const LIMITS = {
  accountName: 100,
  email: 254,
  domain: 253,
  note: 2000,
  userEmails: 50,
  customerReference: 128,
} as const;

/** Trims and NFC-normalizes a cell; line breaks become `\n`. */
export function cleanText(value: string): string {
  const trimmed = value.trim();
  return isPlainAscii(trimmed) ? trimmed : trimmed.normalize('NFC').replace(/\r\n?/g, '\n');
}

/** {@link cleanText}, and runs of whitespace (line breaks too) become one space. */
export function cleanName(value: string): string {
  const text = cleanText(value);
  return SPACES.test(text) ? text.replace(/\s+/g, ' ') : text;
}

const SPACES = /\s\s|[^\S ]/;

const NOT_PLAIN = /[^\x20-\x7e]/;
function isPlainAscii(s: string): boolean {
  return !NOT_PLAIN.test(s);
}

const PLAIN_DOMAIN = /^(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Lower-cases a domain and converts an IDN to punycode (`münchen-ag.de` →
 * `xn--mnchen-ag-q9a.de`). Returns `null` when the value is not a bare domain.
 */
export function normalizeDomain(value: string): string | null {
  const lower = value.trim().toLowerCase();
  if (lower.length <= LIMITS.domain && PLAIN_DOMAIN.test(lower)) return lower; // the usual case, fast
  return normalizeIdn(value);
}

/** Whether `value` is a domain exactly as {@link normalizeDomain} writes it. */
export function isNormalizedDomain(value: string): boolean {
  if (value.length <= LIMITS.domain && PLAIN_DOMAIN.test(value)) return true; // the usual case, fast
  return normalizeIdn(value) === value;
}

function normalizeIdn(value: string): string | null {
  const trimmed = value.trim().normalize('NFC').toLowerCase().replace(/\.$/, '');
  if (trimmed === '' || /[/:@\s]/.test(trimmed)) return null;
  const ascii = isPlainAscii(trimmed) ? trimmed : domainToASCII(trimmed);
  if (ascii === '' || ascii.length > LIMITS.domain) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  const tld = labels[labels.length - 1] ?? '';
  if (!/^[a-z]{2,63}$/.test(tld) && !tld.startsWith('xn--')) return null;
  return ascii;
}

/**
 * Says how to fix a value that {@link normalizeDomain} rejected: a pasted URL, an email
 * address, or just a bad domain.
 */
export function domainFix(value: string): string {
  const v = value.trim();
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s]+)/i.exec(v);
  if (url?.[1] !== undefined && normalizeDomain(url[1]) !== null) {
    return `is a web address, not a domain — write just ${url[1].toLowerCase()}`;
  }
  const at = v.lastIndexOf('@');
  if (at >= 0 && normalizeDomain(v.slice(at + 1)) !== null) {
    return `is an email address, not a domain — write just the part after @: ${v.slice(at + 1).toLowerCase()}`;
  }
  const path = /^([^/\s]+)\/.*$/.exec(v);
  if (path?.[1] !== undefined && normalizeDomain(path[1]) !== null) {
    return `has a path after the domain — write just ${path[1].toLowerCase()}`;
  }
  return "is not a valid domain — write the customer's domain like mueller-gmbh.de";
}

/** Languages the service writes mail in. */
export type Locale = 'en' | 'de';

const LOCALES = new Map<string, Locale>([
  ['de', 'de'],
  ['deu', 'de'],
  ['ger', 'de'],
  ['deutsch', 'de'],
  ['german', 'de'],
  ['germany', 'de'],
  ['en', 'en'],
  ['eng', 'en'],
  ['english', 'en'],
  ['englisch', 'en'],
]);

/**
 * Reads a locale cell: `de`, `deutsch`, `German`, `de-DE`, `de_AT` … → `de`; `en`,
 * `English`, `en-GB` … → `en`; empty → `undefined` (a configured default applies later);
 * anything else → `null` (unsupported).
 */
export function parseLocale(value: string): Locale | undefined | null {
  const v = value.trim().toLowerCase();
  if (v === '') return undefined;
  return LOCALES.get(v) ?? LOCALES.get(v.split(/[-_]/)[0] ?? '') ?? null;
}

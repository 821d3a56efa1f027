import { InputError } from './errors.js';
import type { Notice } from './events.js';
import { FIELDS, type Field, REQUIRED_FIELDS } from './fields.js';

/**
 * Header names recognized per field, portal names first (English, then German), then
 * common aliases. Matching ignores case, spacing, punctuation and umlaut spelling.
 */
export const HEADER_NAMES: Readonly<Record<Field, readonly string[]>> = {
  accountName: [
    'Account Name',
    'Kontoname',
    'Smart Account Name',
    'Company',
    'Company Name',
    'Customer Name',
    'Customer',
    'Firma',
    'Firmenname',
    'Unternehmen',
    'Kundenname',
    'Kunde',
  ],
  customerEmail: [
    'Customer Email',
    'Kunden-E-Mail',
    'Customer E-Mail Address',
    'Contact Email',
    'Approver Email',
    'Email',
    'E-Mail',
    'E-Mail-Adresse',
    'Kontakt-E-Mail',
    'Kunden-E-Mail-Adresse',
  ],
  accountDomain: [
    'Account Domain',
    'Kontodomäne',
    'Account Domain Identifier',
    'Domain',
    'Domäne',
    'Domain Identifier',
    'Customer Domain',
    'Kundendomäne',
  ],
  noteToCustomer: [
    'Note to Customer',
    'Hinweis für den Kunden',
    'Customer Note',
    'Message to Customer',
    'Hinweis an den Kunden',
    'Nachricht an den Kunden',
    'Kundenhinweis',
  ],
  userEmails: [
    'User Emails',
    'Benutzer-E-Mails',
    'User Email',
    'Users',
    'Added Users',
    'Additional Users',
    'Benutzer',
    'Benutzer-E-Mail',
    'Weitere Benutzer',
  ],
  noteToUsers: [
    'Note to Added Users',
    'Hinweis für hinzugefügte Benutzer',
    'Note to Users',
    'Message to Users',
    'Hinweis an Benutzer',
    'Hinweis für Benutzer',
    'Hinweis an die Benutzer',
  ],
  noteToCiscoApprover: [
    'Note to Cisco Approver',
    'Hinweis für den Cisco-Genehmiger',
    'Cisco Approver Note',
    'Note to Approver',
    'Hinweis an den Cisco-Genehmiger',
    'Hinweis für den Genehmiger',
  ],
  locale: ['Locale', 'Sprache', 'Language', 'Lang', 'Gebietsschema'],
  customerReference: [
    'Customer Reference',
    'Kundenreferenz',
    'Reference',
    'Referenz',
    'Customer ID',
    'Kundennummer',
    'Customer Number',
    'Client Reference',
  ],
};

/**
 * Reduces a header to the letters and digits that matter: lower case, no accents, no
 * spaces or punctuation, umlauts and their `ae`/`oe`/`ue` spellings alike, `ß` as `ss`.
 *
 * @example normalizeHeader('Kunden-E-Mail') === normalizeHeader('kunden e mail') // true
 */
export function normalizeHeader(header: string): string {
  return header
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/([aou])e/g, '$1')
    .normalize('NFKD')
    .replace(/[^a-z0-9]/g, '');
}

const LOOKUP = new Map<string, { field: Field; rank: number }>();
for (const field of FIELDS) {
  HEADER_NAMES[field].forEach((name, rank) => {
    const norm = normalizeHeader(name);
    if (!LOOKUP.has(norm)) LOOKUP.set(norm, { field, rank });
  });
}

/** Which column holds which field. */
export interface ColumnMapping {
  /** Column index per field present in the file. */
  index: Partial<Record<Field, number>>;
  /** Header text per column index, made unique (`"Email (2)"`) for `raw`. */
  names: string[];
  /** Header text as written in the file, per column index. */
  headers: string[];
}

/**
 * Matches a header row against the known names, with `map` (field → header text in the
 * file) taking precedence. Unknown and ignored columns come back as notices.
 *
 * @throws InputError `missing-column` when a required field has no column, naming the
 * field and listing the headers found; `bad-mapping` when `map` names a missing header.
 */
export function matchHeaders(
  file: string,
  headers: readonly string[],
  map: Partial<Record<Field, string>> = {},
): { mapping: ColumnMapping; notices: Notice[] } {
  const notices: Notice[] = [];
  const index: Partial<Record<Field, number>> = {};
  const claimed = new Set<number>();
  const norms = headers.map(normalizeHeader);
  const found = listHeaders(headers);

  for (const field of FIELDS) {
    const wanted = map[field];
    if (wanted === undefined) continue;
    let at = headers.indexOf(wanted);
    if (at < 0) at = headers.findIndex((h) => h.trim() === wanted.trim());
    if (at < 0) at = norms.indexOf(normalizeHeader(wanted));
    if (at < 0 || normalizeHeader(wanted) === '') {
      throw new InputError(
        'bad-mapping',
        file,
        `${file}: the mapping ${field}=${wanted} names no column of this file; headers found: ${found} — fix the mapping.`,
      );
    }
    index[field] = at;
    claimed.add(at);
    notices.push({
      code: 'mapped-column',
      file,
      column: headers[at] ?? wanted,
      field,
      message: `column "${headers[at] ?? wanted}" is read as ${field} (mapping)`,
    });
  }

  const best = new Map<Field, { at: number; rank: number }>();
  norms.forEach((norm, at) => {
    if (claimed.has(at) || norm === '') return;
    const hit = LOOKUP.get(norm);
    if (hit === undefined || map[hit.field] !== undefined) return;
    const current = best.get(hit.field);
    if (current === undefined || hit.rank < current.rank)
      best.set(hit.field, { at, rank: hit.rank });
  });
  for (const [field, { at }] of best) {
    index[field] = at;
    claimed.add(at);
  }

  headers.forEach((header, at) => {
    if (claimed.has(at) || header.trim() === '') return;
    const hit = LOOKUP.get(norms[at] ?? '');
    if (hit !== undefined) {
      notices.push({
        code: 'ignored-column',
        file,
        column: header,
        field: hit.field,
        message: `column "${header}" is ignored: "${headers[index[hit.field] ?? 0]}" is already read as ${hit.field} — use --map ${hit.field}="${header}" to choose this one`,
      });
    } else {
      notices.push({
        code: 'unknown-column',
        file,
        column: header,
        message: `column "${header}" is not a known field and is ignored — rename it or map it with --map <field>="${header}" if it holds customer data`,
      });
    }
  });

  const missing = REQUIRED_FIELDS.filter((f) => index[f] === undefined);
  if (missing.length > 0) {
    const names = missing
      .map((f) => `"${HEADER_NAMES[f][0]}" (or "${HEADER_NAMES[f][1]}")`)
      .join(', ');
    const example = missing.map((f) => `${f}=<header>`).join(',');
    throw new InputError(
      'missing-column',
      file,
      `${file}: required column ${names} is missing; headers found: ${found} — rename the column or pass --map ${example}.`,
      { row: 1 },
    );
  }

  const seen = new Map<string, number>();
  const names = headers.map((h) => {
    const n = (seen.get(h) ?? 0) + 1;
    seen.set(h, n);
    return n === 1 ? h : `${h} (${n})`;
  });
  return { mapping: { index, names, headers: [...headers] }, notices };
}

function listHeaders(headers: readonly string[]): string {
  const shown = headers.filter((h) => h.trim() !== '').map((h) => `"${h}"`);
  return shown.length === 0 ? '(none)' : shown.join(', ');
}

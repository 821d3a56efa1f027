import { hash } from 'node:crypto';
import { cleanName, normalizeDomain } from './normalize.js';

/**
 * A customer's identity: `c_` + the first 20 hex digits of the SHA-256 of the normalized
 * account name (NFC, trimmed, whitespace collapsed, lower case) and the normalized domain
 * (lower case, punycode). Re-running the same or an edited spreadsheet yields the same key,
 * which is why it is used as the request's `clientReference` and idempotency basis.
 *
 * @example customerKey('Müller  GmbH', 'MÜLLER.de') === customerKey('müller gmbh', 'xn--mller-kva.de')
 */
export function customerKey(accountName: string, accountDomain: string): string {
  const domain = normalizeDomain(accountDomain) ?? accountDomain.trim().toLowerCase();
  return keyOfDigest(keyDigest(cleanName(accountName), domain));
}

/**
 * The SHA-256 (hex) a {@link customerKey} is cut from, for values already normalized by
 * the row schema (name cleaned, domain punycode): the hot path skips normalizing again.
 * Internal to ingest.
 */
export function keyDigest(cleanedName: string, asciiDomain: string): string {
  return hash('sha256', `${cleanedName.toLowerCase()}\n${asciiDomain}`);
}

/** The customer key of a {@link keyDigest}: `c_` + its first 20 hex digits. */
export function keyOfDigest(digest: string): string {
  return `c_${digest.slice(0, 20)}`;
}

/**
 * Reads one email with mailparser and says what it is: an activation confirmation, an
 * expiry notice or something else; extracts request id, account, Smart Account id and
 * dates; and judges whether the sender can be trusted.
 */
import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import type { AddressObject, EmailAddress } from 'mailparser';
import type { InboxConfig } from './config.js';
import { type PatternSet, firstMatch, firstValue, patternSet } from './patterns.js';
import { checkTrust } from './trust.js';
import type { MailClassification, MailKind } from './types.js';

/** What classification needs from the configuration. */
export interface ClassifyRules {
  allowSenders: readonly string[];
  requireDkim: boolean;
  patterns: PatternSet;
}

/** Rules from an inbox configuration (built-in patterns plus the configured ones). */
export function classifyRules(
  config: Pick<InboxConfig, 'allowSenders' | 'requireDkim' | 'patterns'>,
): ClassifyRules {
  return {
    allowSenders: config.allowSenders,
    requireDkim: config.requireDkim,
    patterns: patternSet(config.patterns),
  };
}

/** Default rules: Cisco's domain, DKIM not required, built-in patterns only. */
export const DEFAULT_CLASSIFY_RULES: ClassifyRules = {
  allowSenders: ['cisco.com'],
  requireDkim: false,
  patterns: patternSet(),
};

const REQUEST_ID_HEADER = 'x-smart-account-request-id';

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const flat = (list: EmailAddress[]): string[] =>
    list.flatMap((a) => (a.group ? flat(a.group) : a.address ? [a.address.toLowerCase()] : []));
  return objects.flatMap((o) => flat(o.value));
}

/** `2025-03-01 14:05 UTC`, `01.03.2025 14:05 UTC` or anything Date understands → ISO. */
export function parseMailDate(text: string): string | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?\s*(?:UTC|Z|GMT)?$/i.exec(
    text.trim(),
  );
  const de = /^(\d{2})\.(\d{2})\.(\d{4})[ ,]+(\d{2}):(\d{2})(?::(\d{2}))?\s*(?:UTC|Z|GMT)?$/i.exec(
    text.trim(),
  );
  let date: Date;
  if (iso) {
    const [, y, m, d, h, min, s] = iso;
    date = new Date(`${y}-${m}-${d}T${h}:${min}:${s ?? '00'}Z`);
  } else if (de) {
    const [, d, m, y, h, min, s] = de;
    date = new Date(`${y}-${m}-${d}T${h}:${min}:${s ?? '00'}Z`);
  } else {
    date = new Date(text);
  }
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Text of the body: the plain part, else the HTML with tags removed. */
function bodyText(text: string | undefined, html: string | false | undefined): string {
  if (text) return text;
  if (!html) return '';
  return html
    .replace(/<(?:br|\/p|\/tr|\/div)[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

function kindOf(patterns: PatternSet, subject: string, body: string): MailKind {
  if (firstMatch(patterns.activationSubject, subject)) return 'activation';
  if (firstMatch(patterns.expirySubject, subject)) return 'expiry';
  if (firstMatch(patterns.activationBody, body)) return 'activation';
  if (firstMatch(patterns.expiryBody, body)) return 'expiry';
  return 'other';
}

/** Parses and classifies one raw RFC 822 message. */
export async function classifyMail(
  source: Buffer | string,
  rules: ClassifyRules = DEFAULT_CLASSIFY_RULES,
): Promise<MailClassification> {
  const parsed = await simpleParser(source, {
    skipImageLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
  });
  const subject = (parsed.subject ?? '').replace(/\s+/g, ' ').trim();
  const body = bodyText(parsed.text, parsed.html);
  const { patterns } = rules;
  const kind = kindOf(patterns, subject, body);

  const header = (name: string): string[] =>
    parsed.headerLines
      .filter((h) => h.key === name)
      .map((h) =>
        h.line
          .replace(/^[^:]*:/, '')
          .replace(/\r?\n[ \t]+/g, ' ')
          .trim(),
      );

  const subjectMatch =
    firstMatch(patterns.activationSubject, subject) ?? firstMatch(patterns.expirySubject, subject);
  const requestId =
    header(REQUEST_ID_HEADER)[0]?.trim() || firstValue(patterns.requestId, body) || null;
  const accountName =
    firstValue(patterns.accountName, body) ?? subjectMatch?.groups?.name?.trim() ?? null;
  const accountDomain = (
    firstValue(patterns.accountDomain, body) ??
    subjectMatch?.groups?.domain?.trim() ??
    null
  )?.toLowerCase();
  const eventText = firstValue(patterns.eventDate, body);

  const from = addresses(parsed.from);
  const trust = checkTrust({
    from,
    authResults: header('authentication-results'),
    allowSenders: rules.allowSenders,
    requireDkim: rules.requireDkim,
  });

  const raw = typeof source === 'string' ? Buffer.from(source) : source;
  const messageId =
    parsed.messageId?.trim() ||
    `<sha256:${createHash('sha256').update(raw).digest('hex')}@no-message-id.invalid>`;

  return {
    kind,
    messageId,
    subject,
    from: from[0] ?? null,
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : null,
    requestId,
    accountName,
    accountDomain: accountDomain ?? null,
    smartAccountId: firstValue(patterns.smartAccountId, body),
    eventAt: eventText ? parseMailDate(eventText) : null,
    trusted: trust.trusted,
    trustReason: trust.reason,
    dkim: trust.dkim,
  };
}

/**
 * Built-in patterns for Cisco's Smart Account emails, English and German (as the
 * sandbox composes them), merged with the configured extras (tried first).
 */
import type { InboxPatterns } from './config.js';

/** The compiled pattern set classification and extraction use. */
export interface PatternSet {
  activationSubject: RegExp[];
  expirySubject: RegExp[];
  /** Body sentences that classify when the subject was rewritten (e.g. `[EXT]` tags). */
  activationBody: RegExp[];
  expiryBody: RegExp[];
  requestId: RegExp[];
  accountName: RegExp[];
  accountDomain: RegExp[];
  smartAccountId: RegExp[];
  /** The activation or expiry instant in the body. */
  eventDate: RegExp[];
}

/** `Name (domain)` at the end of a subject. */
const ACCOUNT = String.raw`\s*:\s*(?<name>.+?)\s*\((?<domain>[^()\s]+)\)\s*$`;

const BUILT_IN: PatternSet = {
  activationSubject: [
    new RegExp(String.raw`Smart Account (?:activated|aktiviert)${ACCOUNT}`, 'iu'),
  ],
  expirySubject: [
    new RegExp(
      String.raw`(?:Smart Account request expired|Smart-Account-Anfrage abgelaufen)${ACCOUNT}`,
      'iu',
    ),
  ],
  activationBody: [/The Smart Account is now active/iu, /Der Smart Account ist jetzt aktiv/iu],
  expiryBody: [/The request has expired/iu, /Die Anfrage ist abgelaufen/iu],
  requestId: [/^[ \t]*(?:Request ID|Anfrage-ID)[ \t]*:[ \t]*(?<value>\S+)/imu],
  accountName: [/^[ \t]*(?:Account name|Kontoname)[ \t]*:[ \t]*(?<value>.+?)[ \t]*$/imu],
  accountDomain: [
    /^[ \t]*(?:Account domain|Kontodom(?:ä|ae)ne)[ \t]*:[ \t]*(?<value>\S+?)[ \t]*$/imu,
  ],
  smartAccountId: [/^[ \t]*Smart Account ID[ \t]*:[ \t]*(?<value>\S+)/imu],
  eventDate: [
    /^[ \t]*(?:Activated|Aktiviert am|Expired|Abgelaufen am)[ \t]*:[ \t]*(?<value>.+?)[ \t]*$/imu,
  ],
};

const compile = (sources: readonly string[] | undefined): RegExp[] =>
  (sources ?? []).map((source) => new RegExp(source, 'imu'));

/** The built-ins with the configured patterns in front. */
export function patternSet(extra: InboxPatterns = {}): PatternSet {
  return {
    ...BUILT_IN,
    activationSubject: [...compile(extra.activationSubject), ...BUILT_IN.activationSubject],
    expirySubject: [...compile(extra.expirySubject), ...BUILT_IN.expirySubject],
    requestId: [...compile(extra.requestId), ...BUILT_IN.requestId],
    accountName: [...compile(extra.accountName), ...BUILT_IN.accountName],
    accountDomain: [...compile(extra.accountDomain), ...BUILT_IN.accountDomain],
    smartAccountId: [...compile(extra.smartAccountId), ...BUILT_IN.smartAccountId],
  };
}

/** The first pattern that matches, with its groups. */
export function firstMatch(patterns: readonly RegExp[], text: string): RegExpExecArray | null {
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match) return match;
  }
  return null;
}

/** The group named `value`, else the first capture group, trimmed; null when absent. */
export function firstValue(patterns: readonly RegExp[], text: string): string | null {
  const match = firstMatch(patterns, text);
  const value = match?.groups?.value ?? match?.[1];
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** Whether a subject looks like a Cisco confirmation or expiry notice (cheap pre-filter). */
export function subjectLooksRelevant(patterns: PatternSet, subject: string): boolean {
  return (
    firstMatch(patterns.activationSubject, subject) !== null ||
    firstMatch(patterns.expirySubject, subject) !== null
  );
}

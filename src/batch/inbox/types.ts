/** The shapes the inbox reader hands to its caller and returns. */
import type { Logger } from '../../sdk/options.js';
import type { InboundOutcome } from '../store/index.js';

/** Logger with the four usual levels (pino, winston and `console` fit). */
export type InboxLogger = Logger;

/** What an email is about. */
export type MailKind = 'activation' | 'expiry' | 'other';

/** Everything read from one email, independent of where it was stored. */
export interface MailClassification {
  kind: MailKind;
  /** `Message-ID` with angle brackets, or `<sha256:…>` of the source when it has none. */
  messageId: string;
  subject: string;
  /** The (first) From address, lower case; null when there is none. */
  from: string | null;
  /** The Date header as ISO-8601; null when missing or unreadable. */
  date: string | null;
  requestId: string | null;
  accountName: string | null;
  accountDomain: string | null;
  smartAccountId: string | null;
  /** When Cisco says the account was activated or the request expired (ISO-8601), if stated. */
  eventAt: string | null;
  /** Sender on the allow-list (and DKIM, when required). An email is a signal, not proof. */
  trusted: boolean;
  /** Why it is (not) trusted, in a sentence. */
  trustReason: string;
  dkim: 'pass' | 'fail' | 'none';
}

/** A classified email and where it was found. */
export interface ClassifiedMail extends MailClassification {
  mailbox: string;
  uid: number;
  uidValidity: number;
}

/** The caller's decision about one email (reconcile looks up the row, asks the SDK, writes the transition). */
export interface HandleOutcome {
  /** `applied | unchanged | unmatched | suspicious | attention | ignored`. */
  outcome: InboundOutcome;
  reason?: string | null;
  /** The customer row the email concerned, when one was found. */
  key?: string | null;
}

/** Decides what one email means; called once per new email, in UID order. */
export type HandleMail = (mail: ClassifiedMail) => Promise<HandleOutcome>;

/** One email accounted for by a poll. */
export interface ProcessedMail {
  uid: number;
  messageId: string;
  kind: MailKind;
  trusted: boolean;
  outcome: InboundOutcome;
  reason: string | null;
  key: string | null;
}

/** What one poll did. */
export interface PollSummary {
  mailbox: string;
  /** Envelopes fetched (0 when nothing new arrived since the cursor). */
  fetched: number;
  /** Emails that looked like Cisco's and were downloaded in full. */
  candidates: number;
  /** Emails handed to `handle`, in UID order. */
  processed: ProcessedMail[];
  /** Emails whose Message-ID was seen before (delivered twice, or found again after a resync). */
  skippedDuplicates: number;
  /** True when the stored UIDVALIDITY differed (or none was stored) and the whole mailbox was read. */
  uidValidityChanged: boolean;
  /** The cursor after the poll. */
  cursor: { uidValidity: number; lastUid: number };
  /** Connections opened (1 unless a drop forced a reconnect). */
  connections: number;
}

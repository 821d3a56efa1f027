/**
 * The cheap first pass over a mailbox: from envelopes alone, which messages might be
 * Cisco's (sender on the allow-list, or a subject that looks like a confirmation or
 * expiry notice, so spoofs are seen and reported too). Only these are downloaded.
 */
import type { ImapFlow } from 'imapflow';
import type { PatternSet } from './patterns.js';
import { subjectLooksRelevant } from './patterns.js';
import { senderAllowed } from './trust.js';

/** One message as the envelope pass sees it. */
export interface EnvelopeEntry {
  uid: number;
  /** `Message-ID` from the envelope ('' when absent). */
  messageId: string;
  candidate: boolean;
}

/** Whether a message is worth downloading, by sender and subject. */
export function isCandidate(
  envelope: { from?: { address?: string | undefined }[] | undefined; subject?: string | undefined },
  rules: { allowSenders: readonly string[]; patterns: PatternSet },
): boolean {
  const senders = (envelope.from ?? []).map((a) => (a.address ?? '').toLowerCase());
  if (senders.some((s) => senderAllowed(s, rules.allowSenders))) return true;
  return subjectLooksRelevant(rules.patterns, (envelope.subject ?? '').replace(/\s+/g, ' '));
}

/**
 * Envelopes of every message with a UID above `afterUid`, in UID order. The range ends
 * at 4294967295, not `*`: `UID n:*` always returns the highest UID even below `n`, so
 * the result is filtered too.
 */
export async function listEnvelopes(
  client: ImapFlow,
  afterUid: number,
  rules: { allowSenders: readonly string[]; patterns: PatternSet },
): Promise<EnvelopeEntry[]> {
  const entries: EnvelopeEntry[] = [];
  const range = `${afterUid + 1}:4294967295`;
  for await (const msg of client.fetch(range, { uid: true, envelope: true }, { uid: true })) {
    if (msg.uid <= afterUid) continue;
    entries.push({
      uid: msg.uid,
      messageId: msg.envelope?.messageId?.trim() ?? '',
      candidate: msg.envelope ? isCandidate(msg.envelope, rules) : true,
    });
  }
  return entries.sort((a, b) => a.uid - b.uid);
}

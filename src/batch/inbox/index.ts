/**
 * Reading Cisco's emails from the requester's IMAP mailbox (DESIGN §5): configuration,
 * classification, incremental polling and watching with IDLE.
 */
export * from './config.js';
export * from './errors.js';
export * from './types.js';
export { classifyMail, classifyRules, parseMailDate, DEFAULT_CLASSIFY_RULES } from './classify.js';
export type { ClassifyRules } from './classify.js';
export { patternSet } from './patterns.js';
export type { PatternSet } from './patterns.js';
export { checkTrust, senderAllowed, domainAllowed } from './trust.js';
export type { TrustVerdict } from './trust.js';
export { pollInbox, mailboxKey } from './poll.js';
export type { PollInboxOptions } from './poll.js';
export { watchInbox } from './watch.js';
export type { WatchInboxOptions, WatchSummary } from './watch.js';

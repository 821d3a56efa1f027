/**
 * The one-command demo (`smart-onboard demo`): the whole job against the bundled
 * sandbox, an SMTP sink and an in-process IMAP mailbox. See {@link runDemo}.
 */
export { DEMO_FILE, runDemo } from './run.js';
export { DemoError, EXISTING_ACCOUNT } from './steps.js';
export type { DemoOptions } from './run.js';
export { MAILBOX_KINDS } from './mailbox.js';
export type { MailboxKind } from './mailbox.js';
export { cliRunner } from './cli-runner.js';
export type { CliResult, CliRunner } from './cli-runner.js';

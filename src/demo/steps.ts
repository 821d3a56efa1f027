/**
 * The demo's story, step by step: validate, one early request, the whole spreadsheet,
 * activations, time passing, the nightly reconcile, and the final table.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import { validateFile } from '../batch/ingest/index.js';
import { type Report, reportSchema } from '../batch/report/index.js';
import type { CliRunner } from './cli-runner.js';
import { SandboxControl } from './control.js';
import { commandOutput, customerTable, day, heading, plural, say, table } from './output.js';
import type { Write } from './output.js';
import { type DemoServices, MAIL_FROM, OPS_EMAIL, REQUESTER_EMAIL } from './services.js';

/** The customer the demo seeds in the sandbox first: it already has a Smart Account. */
export const EXISTING_ACCOUNT = {
  name: 'Stuttgarter Autoteile GmbH',
  domain: 'stuttgarter-autoteile.de',
} as const;

/** Days between the first request (row 2, alone) and the whole spreadsheet. */
const EARLY_DAYS = 20;
/** Days from the whole spreadsheet until about half of the customers activate. */
const ACTIVATE_DAYS = 6;
/** Days from the activations to the nightly run: the first request is then 91 days old. */
const LATER_DAYS = 65;

/** A path as the user would type it: relative to the working directory when inside it. */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** A problem with the demo itself (a step failed in a way it should not). */
export class DemoError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'DemoError';
  }
}

/** The spreadsheet's cells by row number (header = row 1), for naming rejected rows. */
function readRows(file: string): string[][] {
  const records = parse(readFileSync(file), { bom: true, relax_column_count: true }) as string[][];
  return [[], ...records];
}

/** What the steps need besides the services. */
export interface StepContext {
  write: Write;
  outDir: string;
  mailDir: string;
  file: string;
  cli: CliRunner;
}

/** Runs the steps against running services; resolves with the exit code. */
export async function runSteps(services: DemoServices, ctx: StepContext): Promise<number> {
  const { write, outDir, mailDir, file, cli } = ctx;
  const { sandbox, smtp, mailbox } = services;
  const control = new SandboxControl(sandbox.controlUrl);
  const hideTmp = (text: string) => text.split(services.tmpDir).join('$DEMO_TMP');
  /** Runs one CLI command; exit codes above `okUpTo` end the demo. */
  const command = async (args: string[], okUpTo: number) => {
    // Paths as a user would type them: relative to the working directory where possible.
    const real = args.map((a) => (isAbsolute(a) && !a.startsWith(services.tmpDir) ? shown(a) : a));
    const display = hideTmp(`smart-onboard ${real.join(' ')}`);
    const result = await cli.run(real);
    commandOutput(write, display, {
      ...result,
      stdout: hideTmp(result.stdout),
      stderr: hideTmp(result.stderr),
    });
    if (result.code > okUpTo) {
      throw new DemoError(`"${display}" ended with exit code ${result.code}`, result.code);
    }
    return result;
  };
  const mailSince = (from: number) => smtp.messages.slice(from);
  const ours = (list: { from: string }[]) =>
    list.filter((m) => MAIL_FROM.includes(`<${m.from}>`)).length;

  // Step 0: the embedded services.
  heading(write, 'Step 0', 'Start the embedded services (127.0.0.1, free ports, temporary state)');
  await control.seedAccount(EXISTING_ACCOUNT.name, EXISTING_ACCOUNT.domain);
  const dayZero = await control.now();
  const imapLine =
    mailbox.kind === 'builtin'
      ? `imap://127.0.0.1:${mailbox.port}  (built-in IMAP server, hoodiecrow-imap)`
      : mailbox.kind === 'dovecot'
        ? `imap://127.0.0.1:${mailbox.port}  (Dovecot, generated config)`
        : `none (${mailbox.notes.join('; ')}): no inbox step; the service is asked instead`;
  write(
    `${table(
      ['Service', 'Where'],
      [
        ['Smart Account sandbox', `${sandbox.baseUrl}  (clock ${dayZero.toISOString()})`],
        ['SMTP sink (all mail)', `${smtp.url}  → ${shown(mailDir)}/*.eml`],
        [`Mailbox ${REQUESTER_EMAIL}`, imapLine],
        ['State (SQLite)', '$DEMO_TMP/state.db'],
      ],
    )
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n')}\n`,
  );
  if (mailbox.kind !== 'none' && mailbox.notes.length > 0) say(write, mailbox.notes.join('; '));
  say(write, `$DEMO_TMP is ${services.tmpDir}`);
  say(
    write,
    `seeded in the sandbox: "${EXISTING_ACCOUNT.name}" (${EXISTING_ACCOUNT.domain}) already has a Smart Account.`,
  );

  // Step 1: validate.
  heading(write, 'Step 1', 'Check the spreadsheet (nothing is sent)');
  await command(['validate', file], 1);
  const checked = await validateFile(file);
  const rows = readRows(file);
  say(
    write,
    `${plural(checked.rows, 'row')}: ${checked.valid} valid, ${checked.invalid} invalid (never sent), ${plural(checked.duplicates, 'duplicate')} (skipped). Exit 1 means: some rows are invalid.`,
  );

  // Step 2: one customer, three weeks earlier.
  const header = rows[1] ?? [];
  const nameAt = Math.max(0, header.indexOf('Account Name'));
  const earlyName = rows[2]?.[nameAt] ?? 'the first customer';
  heading(
    write,
    'Step 2',
    `Day 0 (${day(dayZero.toISOString())}): request one customer on its own, "${earlyName}"`,
  );
  const earlyFile = join(services.tmpDir, 'first-customer.csv');
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  writeFileSync(earlyFile, `${lines[0]}\n${lines[1]}\n`);
  say(write, `row 2 of ${shown(file)}, saved alone as $DEMO_TMP/first-customer.csv`);
  let mark = smtp.messages.length;
  await command(['submit', earlyFile, '--state', services.stateFile], 1);
  await control.flushMail();
  const earlyIds = new Set(
    (await control.state()).requests.filter((r) => r.status === 'pending').map((r) => r.id),
  );
  let sent = mailSince(mark);
  say(
    write,
    `${plural(earlyIds.size, 'request')} pending; mail: ${ours(sent)} notice(s) from us (customer and added users), ${sent.length - ours(sent)} activation email(s) from Cisco.`,
  );
  let now = await control.advanceDays(EARLY_DAYS);
  say(write, `sandbox clock +${EARLY_DAYS} days → ${day(now.toISOString())}`);

  // Step 3: the whole spreadsheet.
  heading(
    write,
    'Step 3',
    `Day ${EARLY_DAYS} (${day(now.toISOString())}): submit the whole spreadsheet`,
  );
  mark = smtp.messages.length;
  const results = join(outDir, 'submit-results.csv');
  await command(['submit', file, '--state', services.stateFile, '--out', results], 1);
  await control.flushMail();
  let sandboxState = await control.state();
  const fresh = sandboxState.requests.filter((r) => r.status === 'pending' && !earlyIds.has(r.id));
  sent = mailSince(mark);
  say(
    write,
    `${plural(fresh.length, 'new request')} pending; "${earlyName}" was requested before and is not requested twice; "${EXISTING_ACCOUNT.name}" is skipped (it already has a Smart Account); ${checked.invalid} invalid and ${checked.duplicates} duplicate row(s) are not sent.`,
  );
  say(
    write,
    `mail: ${ours(sent)} notices from us (to customers and added users), ${sent.length - ours(sent)} activation emails from Cisco to the customers. Per-row results: ${shown(results)}`,
  );

  // Step 4: about half of the customers activate.
  now = await control.advanceDays(ACTIVATE_DAYS);
  heading(
    write,
    'Step 4',
    `Day ${EARLY_DAYS + ACTIVATE_DAYS} (${day(now.toISOString())}): about half of the new customers activate`,
  );
  const byName = [...fresh].sort((a, b) => a.accountName.localeCompare(b.accountName, 'de'));
  const activating = byName.filter((_, i) => i % 2 === 0);
  mark = smtp.messages.length;
  for (const r of activating) await control.activate(r.id);
  await control.flushMail();
  sandboxState = await control.state();
  const confirmations = sandboxState.mail.filter((m) => m.kind === 'activation-confirmation');
  const where =
    mailbox.kind === 'none'
      ? `sent through the SMTP sink (no mailbox to put them in)`
      : `in ${REQUESTER_EMAIL}'s mailbox`;
  say(
    write,
    `${activating.length} of ${fresh.length} customers clicked the link in Cisco's email; ${plural(confirmations.filter((m) => m.status === 'delivered').length, 'confirmation')} ${where}.`,
  );
  for (const failed of confirmations.filter((m) => m.status === 'failed')) {
    say(
      write,
      `warning: a confirmation could not be delivered: ${failed.error ?? 'unknown error'}`,
    );
  }

  // Step 5: time passes.
  heading(write, 'Step 5', `Time passes: ${LATER_DAYS} days without news from the others`);
  now = await control.advanceDays(LATER_DAYS);
  await control.flushMail();
  sandboxState = await control.state();
  const expired = sandboxState.requests.filter((r) => r.status === 'expired');
  const stillPending = sandboxState.requests.filter((r) => r.status === 'pending');
  say(
    write,
    `sandbox clock +${LATER_DAYS} days → ${day(now.toISOString())} (day ${EARLY_DAYS + ACTIVATE_DAYS + LATER_DAYS}).`,
  );
  say(
    write,
    `${expired.map((r) => `"${r.accountName}"`).join(', ') || 'no request'} passed 90 days and expired (Cisco says so by email); ${stillPending.length} request(s) are still pending with ${90 - ACTIVATE_DAYS - LATER_DAYS} days left, so the 30-day reminder is due.`,
  );

  // Step 6: the nightly job.
  heading(write, 'Step 6', 'The nightly job: reconcile as of the sandbox clock');
  mark = smtp.messages.length;
  const reconciled = await command(
    [
      'reconcile',
      '--state',
      services.stateFile,
      '--now',
      now.toISOString(),
      '--report-dir',
      outDir,
    ],
    1,
  );
  const reportFile = join(outDir, 'report.json');
  const report: Report = reportSchema.parse(JSON.parse(readFileSync(reportFile, 'utf8')));
  sent = mailSince(mark);
  const reminders = sent.filter((m) => !m.to.includes(OPS_EMAIL)).length;
  const opsNotices = sent.filter((m) => m.to.includes(OPS_EMAIL)).length;
  const s = report.summary;
  say(
    write,
    mailbox.kind === 'none'
      ? 'no mailbox: the confirmations were not read; the service was asked about every pending request instead.'
      : `the mailbox's Cisco emails were read, checked with the service and marked as processed.`,
  );
  say(
    write,
    `now ${s.active} active, ${s.pending} pending, ${s.expired} expired, ${s.skipped} skipped; ${plural(reminders, 'reminder')} to customers, ${plural(opsNotices, 'expiry notice')} to ${OPS_EMAIL}.`,
  );
  say(
    write,
    `report: ${['html', 'csv', 'json'].map((f) => shown(join(outDir, `report.${f}`))).join(', ')}`,
  );

  // The result.
  heading(write, 'Result', `${plural(report.customers.length, 'customer')} followed`);
  write(
    `${customerTable(report)
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n')}\n`,
  );
  const rejected = checked.problems.filter(
    (p) => p.severity === 'error' || /duplicate/i.test(p.message),
  );
  if (rejected.length > 0) {
    write('\n  Not requested (fix the spreadsheet and run submit again):\n');
    const rejectedRows = rejected.map((p) => [
      `row ${p.row}`,
      rows[p.row]?.[nameAt] ?? '',
      `${p.column}: ${p.message}`,
    ]);
    write(
      `${table(['Row', 'Customer', 'Problem'], rejectedRows)
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n')}\n`,
    );
  }
  write(
    `\n  ${plural(smtp.messages.length, 'email')} written to ${shown(mailDir)}/ (open them in any mail program); open ${shown(join(outDir, 'report.html'))} in a browser.\n`,
  );
  if (reconciled.code !== 0) {
    write('\n  The nightly run reported problems (exit 1); see the report.\n');
  }
  return reconciled.code;
}

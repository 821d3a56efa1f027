/**
 * `smart-onboard demo`: the whole job on the embedded default. Starts the sandbox, an
 * SMTP sink and the requester's mailbox; runs the real CLI (validate, submit, reconcile)
 * against them; plays the customers and the calendar through the sandbox's control
 * routes; writes the report and every email; prints what happened, step by step.
 */
import { existsSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type CliRunner, cliRunner } from './cli-runner.js';
import type { MailboxKind } from './mailbox.js';
import type { Write } from './output.js';
import { startDemoServices } from './services.js';
import { packageRoot } from '../internal/package-root.js';
import { DemoError, runSteps } from './steps.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Where the report, the submit results and the `.eml` files go. @default 'demo-output' */
  out?: string;
  /** Keep the temporary state directory (SQLite file) and say where it is. @default false */
  keep?: boolean;
  /** Which IMAP server holds the requester's mailbox. @default 'auto' */
  imap?: MailboxKind;
  /** @default process.stdout */
  write?: Write;
  /**
   * How the CLI commands run. @default each as a child process of this Node
   * (`process.argv[1]`), as a user would run them
   */
  cli?: (options: { env: NodeJS.ProcessEnv; cwd: string }) => CliRunner;
}

/** `fixtures/customers.csv` of this package, from `src/` and from any `dist/` chunk. */
export const DEMO_FILE = join(packageRoot(), 'fixtures', 'customers.csv');

/**
 * Runs the demo; resolves with the exit code (0 when every step did what it should).
 * Every server is stopped and the temporary directory removed before it resolves.
 */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const write: Write = options.write ?? ((text) => process.stdout.write(text));
  const started = Date.now();
  const outDir = resolve(options.out ?? 'demo-output');
  const mailDir = join(outDir, 'mail');
  const file = DEMO_FILE;
  if (!existsSync(file)) throw new DemoError(`the demo spreadsheet ${file} is missing`, 2);
  await mkdir(outDir, { recursive: true });
  // Only what an earlier demo wrote is removed; anything else in --out stays.
  rmSync(mailDir, { recursive: true, force: true });
  for (const name of ['report.html', 'report.csv', 'report.json', 'submit-results.csv']) {
    rmSync(join(outDir, name), { force: true });
  }
  rmSync(join(outDir, 'submit-results.errors.csv'), { force: true });

  write('smart-onboard demo: the whole job against the bundled sandbox, on this machine.\n');
  const services = await startDemoServices({ mailDir, imap: options.imap ?? 'auto' });
  const cli = (options.cli ?? cliRunner)({ env: services.env, cwd: process.cwd() });
  const onSignal = () => {
    write('\nInterrupted: stopping the servers and removing the temporary state.\n');
    cli.abort();
    void services.close().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let code: number;
  try {
    code = await runSteps(services, { write, outDir, mailDir, file, cli });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    const errors = await services.close({ keep: options.keep ?? false });
    for (const e of errors) write(`warning: while stopping the demo's servers: ${e}\n`);
  }
  write(
    `\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. Every server is stopped; ${
      options.keep ? `the state is kept in ${services.stateFile}` : 'the temporary state is removed'
    }.\n`,
  );
  return code;
}

import { Command, CommanderError, Option } from 'commander';
import type { CliResult, CliRunner, MailboxKind } from '../../demo/index.js';
import { EXIT } from '../exit-codes.js';
import { registerReconcileCommand } from './reconcile.js';
import { registerSubmitCommand } from './submit.js';
import { registerValidateCommand } from './validate.js';

interface DemoFlags {
  out: string;
  keep?: boolean;
  imap: MailboxKind;
  spawn?: boolean;
}

type Write = typeof process.stdout.write;

/** A stream `write` that appends to `sink` instead (callbacks still fire). */
function captureWrite(sink: (text: string) => void): Write {
  return ((chunk: string | Uint8Array, encodingOrDone?: unknown, done?: unknown) => {
    sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
    if (typeof callback === 'function') process.nextTick(callback as () => void);
    return true;
  }) as Write;
}

/** Replaces process.env by `env` until the returned function restores it. */
function swapEnv(env: NodeJS.ProcessEnv): () => void {
  const saved = { ...process.env };
  const assign = (from: NodeJS.ProcessEnv) => {
    for (const name of Object.keys(process.env)) if (!(name in from)) delete process.env[name];
    for (const [name, value] of Object.entries(from)) {
      if (value !== undefined) process.env[name] = value;
    }
  };
  assign(env);
  return () => assign(saved);
}

/**
 * Runs validate, submit and reconcile inside this process: the very same command
 * code, without starting Node for every step. Output is captured; the commands see
 * the demo's environment and a non-terminal stderr (log lines, not a progress bar).
 */
function inProcessCli(options: { env: NodeJS.ProcessEnv }): CliRunner {
  return {
    async run(args: string[]): Promise<CliResult> {
      const started = Date.now();
      let stdout = '';
      let stderr = '';
      const program = new Command()
        .name('smart-onboard')
        .exitOverride()
        .configureOutput({
          writeOut: (text) => (stdout += text),
          writeErr: (text) => (stderr += text),
        });
      registerValidateCommand(program);
      registerSubmitCommand(program);
      registerReconcileCommand(program);
      const writes = { out: process.stdout.write, err: process.stderr.write };
      const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
      const exitCode = process.exitCode;
      const restoreEnv = swapEnv(options.env);
      process.stdout.write = captureWrite((t) => (stdout += t));
      process.stderr.write = captureWrite((t) => (stderr += t));
      Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
      process.exitCode = undefined;
      let code: number;
      try {
        await program.parseAsync(args, { from: 'user' });
        code = Number(process.exitCode ?? EXIT.ok);
      } catch (error) {
        if (!(error instanceof CommanderError)) throw error;
        code = EXIT.usage;
      } finally {
        process.stdout.write = writes.out;
        process.stderr.write = writes.err;
        if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
        else delete (process.stderr as { isTTY?: boolean }).isTTY;
        process.exitCode = exitCode;
        restoreEnv();
      }
      return { code, stdout, stderr, ms: Date.now() - started };
    },
    abort() {
      // The commands run in this process; they end with it.
    },
  };
}

/** `smart-onboard demo`: the whole job on the embedded default, in one command. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Show the whole job on this machine: start the bundled sandbox, an SMTP sink and an IMAP mailbox on free ports; validate, submit and reconcile fixtures/customers.csv; let time pass on the sandbox clock; write the report and every email; print what happened. Leaves no process behind. Exit 0 when every step did what it should.',
    )
    .option(
      '--out <dir>',
      'where the report, the submit results and the .eml files go',
      'demo-output',
    )
    .option('--keep', 'keep the temporary state directory (the SQLite file) for a closer look')
    .addOption(
      new Option('--imap <server>', "the requester's mailbox: built-in, Dovecot, or none")
        .choices(['auto', 'builtin', 'dovecot', 'none'] satisfies MailboxKind[])
        .default('auto'),
    )
    .option('--spawn', 'run every step as its own smart-onboard process (slower)')
    .action(async (flags: DemoFlags) => {
      // The demo's servers load only when it runs, not with every other command.
      const { DemoError, cliRunner, runDemo } = await import('../../demo/index.js');
      try {
        process.exitCode = await runDemo({
          out: flags.out,
          keep: flags.keep ?? false,
          imap: flags.imap,
          cli: flags.spawn ? cliRunner : inProcessCli,
        });
      } catch (error) {
        process.stderr.write(`smart-onboard demo: ${(error as Error).message}\n`);
        if (process.env.SMART_ONBOARD_DEBUG && error instanceof Error) {
          process.stderr.write(`${error.stack ?? ''}\n`);
        }
        process.exitCode = error instanceof DemoError ? error.exitCode : EXIT.rowsFailed;
      }
    });
}

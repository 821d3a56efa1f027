import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { REPORT_FORMATS, buildReport, writeReport } from '../../batch/report/index.js';
import type { ReportFormat } from '../../batch/report/index.js';
import { DEFAULT_SQLITE_FILE, isStoreError, openStore } from '../../batch/store/index.js';
import type { Store } from '../../batch/store/index.js';
import { EXIT } from '../exit-codes.js';

interface ReportFlags {
  format: ReportFormat;
  out?: string;
  state?: string;
  databaseUrl?: string;
}

const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//i.test(url);

/**
 * Which store to read: `--state` wins over a `DATABASE_URL` from the environment; both
 * given on the command line, or a URL that is not PostgreSQL, is a usage error.
 */
function storeTarget(command: Command, flags: ReportFlags): { url?: string; file?: string } {
  const urlFromCli = command.getOptionValueSource('databaseUrl') === 'cli';
  if (flags.state !== undefined) {
    if (urlFromCli) {
      command.error('error: pass either --state or --database-url, not both.', {
        exitCode: EXIT.usage,
      });
    }
    return { file: flags.state };
  }
  if (flags.databaseUrl !== undefined) {
    if (!isPostgresUrl(flags.databaseUrl)) {
      command.error(
        `error: ${urlFromCli ? '--database-url' : 'DATABASE_URL'} must be a postgres:// or postgresql:// URL; use --state <file> for SQLite.`,
        { exitCode: EXIT.usage },
      );
    }
    return { url: flags.databaseUrl };
  }
  return { file: DEFAULT_SQLITE_FILE };
}

/**
 * `smart-onboard report`: write the status report from the store, to a file or stdout.
 * Exit codes: 0 written, 2 usage (unknown format, no state file), 3 database unreachable.
 */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('Write the status report (one row per customer, summary, unmatched mail).')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(REPORT_FORMATS).default('md'),
    )
    .option('-o, --out <path>', 'write to this file (directories created) instead of stdout')
    .option('--state <file>', `SQLite state file (default ${DEFAULT_SQLITE_FILE})`)
    .addOption(
      new Option('--database-url <url>', 'PostgreSQL store, postgres://…').env('DATABASE_URL'),
    )
    .action(async function (this: Command, flags: ReportFlags) {
      const target = storeTarget(this, flags);
      if (target.file !== undefined && !existsSync(resolve(target.file))) {
        // Opening a missing SQLite file would create an empty store and report nothing.
        this.error(
          `error: no state store at ${resolve(target.file)}. Run "smart-onboard submit" first, or pass --state <file> or --database-url <url>.`,
          { exitCode: EXIT.usage, code: 'smart-onboard.noState' },
        );
      }
      let store: Store;
      try {
        store = await openStore(target);
      } catch (error) {
        if (!isStoreError(error)) throw error;
        process.stderr.write(`error: ${error.message}\n`);
        process.exitCode = EXIT.unreachable;
        return;
      }
      try {
        const report = await buildReport(store);
        const written = await writeReport(report, flags.format, flags.out);
        if (written.path !== undefined) {
          process.stderr.write(
            `Wrote the ${flags.format} report (${report.summary.total} customers) to ${written.path}\n`,
          );
        }
      } finally {
        await store.close();
      }
    });
}

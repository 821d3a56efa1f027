import { basename } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../batch/errors.js';
import { parseMapOption, readCustomers } from '../../batch/ingest/index.js';
import {
  createMailer,
  loadTemplates,
  sendPendingNotices,
  smtpOptionsFromEnv,
  type NotifyDeps,
} from '../../batch/notify/index.js';
import type { Customer, Store } from '../../batch/store/index.js';
import { loadFile } from '../../batch/submit/load.js';
import { collectResults, writeResults } from '../../batch/submit/results.js';
import { WORK_STATUSES, runSubmit } from '../../batch/submit/run.js';
import { serviceClient } from '../../batch/service-client.js';
import { EXIT } from '../exit-codes.js';
import { createProgress } from '../progress.js';
import { configFrom, positiveInt, runCommand, storeFrom } from '../shared.js';

interface SubmitFlags {
  state?: string;
  databaseUrl?: string;
  config?: string;
  dryRun?: boolean;
  concurrency?: number;
  rate?: number;
  limit?: number;
  email: boolean;
  map?: string[];
  out?: string;
  json?: boolean;
}

/** What a dry run would do with each row, without calling anything. */
async function dryRun(store: Store, file: string, map: Record<string, string>, json: boolean) {
  const plan = { new: 0, update: 0, unchanged: 0, alreadySent: 0, invalid: 0, duplicate: 0 };
  for await (const event of readCustomers(file, { map })) {
    if (event.type === 'invalid') plan.invalid += 1;
    if (event.type === 'duplicate') plan.duplicate += 1;
    if (event.type !== 'row') continue;
    const known = await store.getCustomer(event.key);
    if (!known) plan.new += 1;
    else if (!WORK_STATUSES.includes(known.status) && known.status !== 'invalid') {
      plan.alreadySent += 1;
    } else if (JSON.stringify(known.data) !== JSON.stringify(event.data)) plan.update += 1;
    else plan.unchanged += 1;
  }
  if (json) process.stdout.write(`${JSON.stringify({ dryRun: true, plan })}\n`);
  else {
    process.stdout.write(
      [
        `Dry run of ${file} (nothing sent, nothing stored):`,
        `  would request   ${plan.new + plan.update + plan.unchanged}  (${plan.new} new, ${plan.update} changed since the last run)`,
        `  already handled ${plan.alreadySent}  (requested before; never requested twice)`,
        `  invalid rows    ${plan.invalid}  (see: smart-onboard validate ${file})`,
        `  duplicates      ${plan.duplicate}`,
        '',
      ].join('\n'),
    );
  }
  return plan.invalid > 0 ? EXIT.rowsFailed : EXIT.ok;
}

/** Sends notices for pending rows whose notices are missing or were cut off by a crash. */
async function catchUpNotices(deps: NotifyDeps, keys: Iterable<string>): Promise<number> {
  let sent = 0;
  for (const key of new Set(keys)) {
    const customer: Customer | undefined = await deps.store.getCustomer(key);
    if (customer?.status !== 'pending') continue;
    const outcomes = await sendPendingNotices(deps, customer);
    sent += outcomes.filter((o) => o.status === 'sent').length;
  }
  return sent;
}

function table(counts: Record<string, number>): string {
  const rows = Object.entries(counts).filter(([, n]) => n > 0);
  const width = Math.max(6, ...rows.map(([s]) => s.length));
  return [
    `${'status'.padEnd(width)}  rows`,
    `${'-'.repeat(width)}  ----`,
    ...rows.map(([s, n]) => `${s.padEnd(width)}  ${n}`),
  ].join('\n');
}

/** `smart-onboard submit <file>`: one Smart Account request per customer, resumably. */
export function registerSubmitCommand(program: Command): void {
  program
    .command('submit')
    .description(
      'Request a Smart Account for every valid customer in a CSV: exactly once per customer, resumable after any crash. Exit 0 all done, 1 some rows failed or need attention, 2 usage/config error, 3 service unreachable.',
    )
    .argument('<file>', 'customer spreadsheet saved as CSV')
    .option('--state <file>', 'SQLite state file (default .smart-onboard/state.db)')
    .option('--database-url <url>', 'PostgreSQL state instead of SQLite (or DATABASE_URL)')
    .option('--config <file>', 'config file (default: smart-onboard.config.{json,yaml} here)')
    .option('--dry-run', 'read and check the file, show what would be requested; send nothing')
    .option('--concurrency <n>', 'rows in flight at once (default 8)', positiveInt('--concurrency'))
    .option(
      '--rate <n>',
      'service calls per second at most (default: no limit)',
      positiveInt('--rate'),
    )
    .option('--limit <n>', 'request at most this many rows in this run', positiveInt('--limit'))
    .option('--no-email', 'do not send the customer and user notices')
    .option('--map <field=header...>', 'column mapping, e.g. accountName=Firma')
    .option('--out <file.csv>', 'write per-row results here (and failures to <file>.errors.csv)')
    .option('--json', 'log JSON lines (pino) instead of a progress bar')
    .action((file: string, flags: SubmitFlags) =>
      runCommand(async () => {
        const loaded = configFrom(flags);
        const cfg = loaded.config.submit;
        const map = { ...cfg.map, ...(flags.map ? parseMapOption(flags.map) : {}) };
        const store = await storeFrom(flags, loaded);
        try {
          if (flags.dryRun) return await dryRun(store, file, map, flags.json ?? false);

          let notify: NotifyDeps | undefined;
          if (flags.email) {
            try {
              const mailer = createMailer(smtpOptionsFromEnv(process.env, loaded.config.mail));
              const templates = await loadTemplates({
                ...(loaded.config.mail.templatesDir
                  ? { overrideDir: loaded.config.mail.templatesDir }
                  : {}),
                defaultLocale: cfg.defaultLocale,
              });
              notify = { store, mailer, templates };
            } catch (error) {
              throw new ConfigError(
                `${(error as Error).message}; or pass --no-email to submit without notices.`,
              );
            }
          }

          serviceClient(loaded.service); // settings complete? (throws a ConfigError naming what is missing)
          const run = await store.startRun({ command: `submit ${basename(file)}` });
          const failRun = async (error: unknown): Promise<never> => {
            await store.finishRun(run.id, { status: 'failed', counts: {} }).catch(() => undefined);
            throw error;
          };
          const loadedFile = await loadFile(store, file, {
            map,
            defaultLocale: cfg.defaultLocale,
            runId: run.id,
          }).catch(failRun);
          const waiting = await store.countByStatus();
          const total = Math.min(
            WORK_STATUSES.reduce((n, s) => n + (waiting[s] ?? 0), 0),
            flags.limit ?? Number.POSITIVE_INFINITY,
          );
          const progress = createProgress(total, { json: flags.json ?? false, label: 'submit' });
          for (const notice of loadedFile.notices) progress.log(`${file}: ${notice}`);
          if (loadedFile.rejected.length > 0) {
            progress.log(
              `${file}: ${loadedFile.rejected.length} row(s) not requested (invalid or duplicate); details in --out or: smart-onboard validate ${file}`,
            );
          }
          const pendingKeys: string[] = [];
          let summary;
          try {
            summary = await runSubmit({
              store,
              service: loaded.service,
              concurrency: flags.concurrency ?? cfg.concurrency,
              rate: flags.rate ?? cfg.rate,
              ...(flags.limit ? { limit: flags.limit } : {}),
              blockOnWarnings: cfg.blockOnWarnings,
              defaultLocale: cfg.defaultLocale,
              runId: run.id,
              onRow: (e) => {
                progress.tick(e.status);
                if (flags.json) progress.log('row', { ...e });
              },
              onPending: async (customer) => {
                pendingKeys.push(customer.key);
                if (notify) await sendPendingNotices(notify, customer);
              },
              onThrottle: ({ concurrency, pauseMs }) =>
                progress.log(
                  pauseMs > 0
                    ? `service asked to slow down: pausing ${Math.round(pauseMs)} ms, concurrency ${concurrency}`
                    : `speeding up again: concurrency ${concurrency}`,
                ),
            });
            if (notify) {
              const recorded = await store.listEmails({ status: 'recorded' });
              await catchUpNotices(
                notify,
                recorded.flatMap((e) => (e.key ? [e.key] : [])),
              );
            }
          } catch (error) {
            return await failRun(error);
          } finally {
            progress.stop();
            await notify?.mailer.close();
          }

          const counts = await store.countByStatus();
          const fileCounts: Record<string, number> = {};
          const lines = await collectResults(store, basename(file), loadedFile.rejected);
          for (const l of lines) fileCounts[l.status] = (fileCounts[l.status] ?? 0) + 1;
          const problems =
            (fileCounts.invalid ?? 0) + (fileCounts.failed ?? 0) + (fileCounts.attention ?? 0);
          const unfinished = WORK_STATUSES.reduce((n, s) => n + (fileCounts[s] ?? 0), 0);
          await store.finishRun(run.id, {
            status: problems + summary.unreachable > 0 ? 'partial' : 'succeeded',
            counts: { ...summary.counts, processed: summary.processed },
          });
          if (flags.out) {
            const written = writeResults(flags.out, lines);
            process.stderr.write(`results: ${written.all}, failures: ${written.errors}\n`);
          }
          if (flags.json) {
            process.stdout.write(
              `${JSON.stringify({ file, rows: fileCounts, store: counts, summary })}\n`,
            );
          } else {
            process.stdout.write(`\n${file}: ${lines.length} rows\n${table(fileCounts)}\n`);
            if (unfinished > 0) {
              process.stdout.write(
                `${unfinished} row(s) not finished; run the same command again to continue.\n`,
              );
            }
          }
          return problems > 0 || unfinished > 0 ? EXIT.rowsFailed : EXIT.ok;
        } finally {
          await store.close();
        }
      }),
    );
}

import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { STATUSES } from '../../batch/store/index.js';
import { REPORT_FORMATS, type ReportFormat } from '../../batch/report/formats.js';
import { EXIT } from '../exit-codes.js';
import { configFrom, runCommand, storeFrom } from '../shared.js';

interface ReconcileFlags {
  state?: string;
  databaseUrl?: string;
  config?: string;
  email: boolean;
  inbox: boolean;
  reportDir: string;
  formats: ReportFormat[];
  now?: Date;
  json?: boolean;
  summary?: boolean;
}

const formats = (value: string): ReportFormat[] => {
  const list = value.split(',').map((f) => f.trim());
  const bad = list.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (bad.length > 0) {
    throw new InvalidArgumentError(
      `unknown format ${bad.join(', ')}; use ${REPORT_FORMATS.join(', ')}.`,
    );
  }
  return list as ReportFormat[];
};

const instant = (value: string): Date => {
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new InvalidArgumentError('use an ISO date-time like 2027-03-01T00:00:00Z.');
  return d;
};

/** `smart-onboard reconcile`: the nightly job. */
export function registerReconcileCommand(program: Command): void {
  program
    .command('reconcile')
    .description(
      'The nightly job: read confirmations from the inbox, ask the service about pending requests, expire what ran out, send due reminders, write the report. One run at a time. Exit 0 all good, 1 rows failed/need attention/suspicious mail or another run holds the lock, 2 config error, 3 a service unreachable.',
    )
    .option('--state <file>', 'SQLite state file (default .smart-onboard/state.db)')
    .option('--database-url <url>', 'PostgreSQL state instead of SQLite (or DATABASE_URL)')
    .option('--config <file>', 'config file')
    .option('--no-email', 'send no reminders or ops notices')
    .option('--no-inbox', 'skip reading the mailbox')
    .option('--report-dir <dir>', 'where to write the report', '.smart-onboard/reports')
    .option('--formats <list>', 'report formats, comma-separated', formats, [
      'html',
      'csv',
      'json',
    ] as ReportFormat[])
    .option('--now <iso>', 'judge deadlines as of this time (tests and demos)', instant)
    .option(
      '--summary',
      'email the run summary with the HTML report attached to SMART_ONBOARD_OPS_EMAIL',
    )
    .option('--json', 'print the summary as JSON')
    .action((flags: ReconcileFlags) =>
      runCommand(async () => {
        const [{ runReconcile }, { serviceClient }, { inboxFrom, notifyFrom }] = await Promise.all([
          import('../../batch/reconcile/run.js'),
          import('../../batch/service-client.js'),
          import('../mail-setup.js'),
        ]);
        const loaded = configFrom(flags);
        const client = serviceClient(loaded.service);
        const inbox = flags.inbox ? inboxFrom(loaded) : undefined;
        const store = await storeFrom(flags, loaded);
        const mail = flags.email ? await notifyFrom(loaded, store, { required: false }) : undefined;
        try {
          return await store.withLock('reconcile', async () => {
            const previous = (await store.listRuns({ limit: 50 })).find(
              (r) => r.command === 'reconcile' && r.status === 'succeeded',
            );
            const run = await store.startRun({ command: 'reconcile' });
            const summary = await runReconcile({
              store,
              client,
              runId: run.id,
              ...(inbox ? { inbox } : {}),
              ...(mail ? { notify: mail.deps } : {}),
              opsEmail: mail?.opsEmail ?? [],
              reminderDays: mail?.reminderDays ?? [30, 14, 3],
              ...(flags.now ? { now: flags.now } : {}),
              // A little overlap, so a change made during the last run is not missed.
              ...(previous ? { since: new Date(Date.parse(previous.startedAt) - 60_000) } : {}),
              ...(flags.summary ? { summaryFor: run } : {}),
              reports: flags.formats.map((format) => ({
                format,
                path: join(flags.reportDir, `report.${format}`),
              })),
              log: (m) => {
                if (!flags.json) process.stderr.write(`${m}\n`);
              },
            });
            const status =
              summary.unreachable.length > 0
                ? 'partial'
                : summary.problems > 0
                  ? 'partial'
                  : 'succeeded';
            await store.finishRun(run.id, {
              status: summary.unreachable.length > 0 ? 'failed' : status,
              counts: {
                remindersSent: summary.remindersSent,
                expiredOverdue: summary.expiredOverdue,
                problems: summary.problems,
              },
            });
            const { report, ...rest } = summary;
            if (flags.json)
              process.stdout.write(`${JSON.stringify({ ...rest, summary: report.summary })}\n`);
            else {
              const counts = STATUSES.filter((st) => report.summary[st] > 0)
                .map((st) => `${st} ${report.summary[st]}`)
                .join(', ');
              process.stdout.write(`reconcile: ${counts || 'no customers'}\n`);
              for (const f of summary.reportFiles) process.stdout.write(`report: ${f}\n`);
            }
            for (const s of summary.unreachable) {
              process.stderr.write(
                `smart-onboard: ${s} could not be reached; the next run catches up.\n`,
              );
            }
            await mail?.deps.mailer.close();
            if (summary.unreachable.length > 0) return EXIT.unreachable;
            return summary.problems > 0 ? EXIT.rowsFailed : EXIT.ok;
          });
        } finally {
          await store.close();
        }
      }),
    );
}

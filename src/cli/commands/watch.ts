import type { Command } from 'commander';
import { ConfigError } from '../../batch/errors.js';
import { EXIT } from '../exit-codes.js';
import { configFrom, positiveInt, runCommand, storeFrom } from '../shared.js';

interface WatchFlags {
  state?: string;
  databaseUrl?: string;
  config?: string;
  sweep: number;
}

/** `smart-onboard watch`: apply confirmations as they arrive, until stopped. */
export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description(
      'Watch the inbox (IMAP IDLE plus a periodic sweep) and apply confirmations as they arrive, until Ctrl-C or SIGTERM.',
    )
    .option('--state <file>', 'SQLite state file (default .smart-onboard/state.db)')
    .option('--database-url <url>', 'PostgreSQL state instead of SQLite (or DATABASE_URL)')
    .option('--config <file>', 'config file')
    .option(
      '--sweep <seconds>',
      'full incremental poll this often, in case IDLE died',
      positiveInt('--sweep'),
      300,
    )
    .action((flags: WatchFlags) =>
      runCommand(async () => {
        const [{ watchInbox }, { mailHandler }, { serviceClient }, { inboxFrom }] =
          await Promise.all([
            import('../../batch/inbox/index.js'),
            import('../../batch/reconcile/confirm-mail.js'),
            import('../../batch/service-client.js'),
            import('../mail-setup.js'),
          ]);
        const loaded = configFrom(flags);
        const inbox = inboxFrom(loaded);
        if (!inbox)
          throw new ConfigError(
            'No mailbox configured: set SMART_ONBOARD_IMAP_URL=imap://user:pass@host:143/INBOX.',
          );
        const client = serviceClient(loaded.service);
        const store = await storeFrom(flags, loaded);
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          const run = await store.startRun({ command: 'watch' });
          process.stderr.write(
            `watching ${inbox.user}@${inbox.host}/${inbox.mailbox}; Ctrl-C stops\n`,
          );
          const summary = await watchInbox({
            config: inbox,
            store,
            handle: mailHandler({ store, client, runId: run.id }),
            signal: controller.signal,
            sweepIntervalMs: flags.sweep * 1000,
            onPoll: (p) => {
              for (const m of p.processed) {
                process.stderr.write(
                  `${m.kind} ${m.messageId}: ${m.outcome}${m.reason ? ` (${m.reason})` : ''}\n`,
                );
              }
            },
            onError: (e) => process.stderr.write(`watch: ${(e as Error).message}; retrying\n`),
          });
          await store.finishRun(run.id, { status: 'succeeded', counts: { polls: summary.polls } });
          process.stderr.write(`stopped after ${summary.polls} poll(s)\n`);
          return EXIT.ok;
        } finally {
          await store.close();
        }
      }),
    );
}

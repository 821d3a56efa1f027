import type { Command } from 'commander';
import { EXIT } from '../exit-codes.js';
import { configFrom, runCommand, storeFrom } from '../shared.js';

interface StatusFlags {
  state?: string;
  databaseUrl?: string;
  config?: string;
  json?: boolean;
}

/** `smart-onboard status <key|domain|name>`: one customer's history. */
export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description(
      "Show a customer's status and every transition (time, cause), found by row key, domain or account name.",
    )
    .argument('<query>', 'row key (c_…), account domain, or part of the account name')
    .option('--state <file>', 'SQLite state file (default .smart-onboard/state.db)')
    .option('--database-url <url>', 'PostgreSQL state instead of SQLite (or DATABASE_URL)')
    .option('--config <file>', 'config file')
    .option('--json', 'print JSON')
    .action((query: string, flags: StatusFlags) =>
      runCommand(async () => {
        const store = await storeFrom(flags, configFrom(flags));
        try {
          const found = await store.findCustomers(query, { limit: 20 });
          if (found.length === 0) {
            process.stderr.write(
              `No customer matches "${query}". Try the domain or the row key.\n`,
            );
            return EXIT.rowsFailed;
          }
          const out = await Promise.all(
            found.map(async (c) => ({ customer: c, history: await store.history(c.key) })),
          );
          if (flags.json) {
            process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
            return EXIT.ok;
          }
          for (const { customer: c, history } of out) {
            process.stdout.write(
              [
                `${c.accountName} (${c.accountDomain})  key ${c.key}`,
                `  status ${c.status}${c.lastError ? ` — ${c.lastError}` : ''}`,
                `  customer ${c.customerEmail}${c.requestId ? `, request ${c.requestId}` : ''}${c.smartAccountId ? `, Smart Account ${c.smartAccountId}` : ''}`,
                ...(c.expiresAt ? [`  expires ${c.expiresAt}`] : []),
                ...(c.activatedAt ? [`  activated ${c.activatedAt}`] : []),
                `  source ${c.sourceFile ?? '?'} row ${c.sourceRow ?? '?'}`,
                '  history:',
                ...history.map((t) => `    ${t.at}  ${t.from ?? '(new)'} → ${t.to}  ${t.cause}`),
                '',
              ].join('\n'),
            );
          }
          return EXIT.ok;
        } finally {
          await store.close();
        }
      }),
    );
}

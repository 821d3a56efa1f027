import type { Command } from 'commander';
import { formatProblems, parseMapOption, validateFile } from '../../batch/ingest/index.js';
import { EXIT } from '../exit-codes.js';
import { configFrom, runCommand } from '../shared.js';

interface ValidateFlags {
  json?: boolean;
  map?: string[];
  config?: string;
  verbose?: boolean;
}

/** `smart-onboard validate <file>`: check a customer spreadsheet without sending anything. */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description(
      'Check a customer CSV: every problem with its row, column, value and fix, then a summary. Exit 1 if any row is invalid.',
    )
    .argument('<file>', 'customer spreadsheet saved as CSV (any Excel encoding, , ; or tab)')
    .option('--json', 'print the result as JSON for machines')
    .option(
      '--map <field=header...>',
      'column mapping that overrides header recognition, e.g. accountName=Firma',
    )
    .option('--config <file>', 'config file (default: smart-onboard.config.{json,yaml} here)')
    .option('--verbose', 'also print informational notices')
    .action((file: string, flags: ValidateFlags) =>
      runCommand(async () => {
        const loaded = configFrom(flags);
        const map = {
          ...loaded.config.submit.map,
          ...(flags.map ? parseMapOption(flags.map) : {}),
        };
        const result = await validateFile(file, {
          map,
          defaultLocale: loaded.config.submit.defaultLocale,
        });
        if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else
          process.stdout.write(`${formatProblems(result, { verbose: flags.verbose ?? false })}\n`);
        if (result.fatal) return EXIT.usage;
        return result.invalid > 0 ? EXIT.rowsFailed : EXIT.ok;
      }),
    );
}

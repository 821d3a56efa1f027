import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { isInputError, readCustomers } from '../../batch/ingest/index.js';
import {
  MailConfigError,
  type PreviewSubject,
  type RenderedMail,
  type TemplateSet,
  composeEml,
  isTemplateError,
  loadTemplates,
  notifySettingsFromEnv,
  parseSender,
  previewContext,
} from '../../batch/notify/index.js';
import { openStore } from '../../batch/store/index.js';

interface CommonFlags {
  templates?: string;
}

interface PreviewFlags extends CommonFlags {
  locale?: string;
  row?: string;
  file?: string;
  line?: number;
  out?: string;
  state?: string;
  databaseUrl?: string;
}

/** What `templates preview` produced. */
export interface TemplatePreview {
  mail: RenderedMail;
  to: string[];
  from: string;
  key: string;
  notes: string[];
}

/** A usage problem: the command prints it and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const line = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2)
    throw new InvalidArgumentError(
      `--line must be a spreadsheet row number ≥ 2 (the header is row 1), not "${value}"`,
    );
  return n;
};

async function subjectFromStore(flags: PreviewFlags, key: string): Promise<PreviewSubject> {
  const url = flags.databaseUrl ?? (flags.state ? undefined : process.env['DATABASE_URL']);
  const store = await openStore({
    ...(url ? { url } : {}),
    ...(flags.state ? { file: flags.state } : {}),
  });
  try {
    const customer =
      (await store.getCustomer(key)) ??
      (await store.findCustomers(key, { limit: 2 })).find((_, i, all) => all.length === 1);
    if (customer === undefined)
      throw new UsageError(
        `no customer "${key}" in ${store.location} — use a row key (c_…), a domain or a unique part of the account name`,
      );
    return {
      type: 'customer',
      customer,
      pending: customer.requestId !== null && customer.expiresAt !== null,
    };
  } finally {
    await store.close();
  }
}

async function subjectFromFile(
  file: string,
  row: number,
  defaultLocale: string,
): Promise<PreviewSubject> {
  for await (const event of readCustomers(file, {
    defaultLocale: defaultLocale === 'de' ? 'de' : 'en',
  })) {
    if (event.type === 'notice' || event.row !== row) continue;
    if (event.type === 'invalid') {
      throw new UsageError(
        `${file}: row ${row} is invalid and would not be requested: ${event.problems.map((p) => `column "${p.column}": ${p.message}`).join('; ')}`,
      );
    }
    if (event.type === 'duplicate')
      throw new UsageError(`${file}: row ${row} ${event.problem.message}`);
    const d = event.data;
    return {
      type: 'customer',
      pending: false,
      customer: {
        key: event.key,
        accountName: d.accountName,
        accountDomain: d.accountDomain,
        customerEmail: d.customerEmail,
        data: { ...d },
        requestId: null,
        expiresAt: null,
        submittedAt: null,
        sourceFile: file,
        sourceRow: row,
      },
    };
  }
  throw new UsageError(`${file} has no data in row ${row} — data rows start at row 2`);
}

/**
 * Renders template `name` as `templates preview` does (the code path the command and
 * its test share). Throws `UsageError`, `TemplateError` or `InputError`.
 */
export async function previewTemplate(
  name: string,
  flags: PreviewFlags,
  templates?: TemplateSet,
): Promise<TemplatePreview> {
  const settings = notifySettingsFromEnv(process.env);
  const set =
    templates ??
    (await loadTemplates({
      ...((flags.templates ?? settings.templatesDir)
        ? { overrideDir: flags.templates ?? settings.templatesDir }
        : {}),
      defaultLocale: settings.defaultLocale,
      timeZone: settings.timeZone,
    }));
  const locales = set.locales(name);
  if (locales.length === 0)
    throw new UsageError(
      `no template named "${name}" — known: ${set
        .list()
        .map((t) => t.name)
        .join(', ')}`,
    );
  if (flags.locale !== undefined && !locales.includes(flags.locale))
    throw new UsageError(
      `template "${name}" has no locale "${flags.locale}" — it has ${locales.join(', ')}`,
    );
  if (flags.row !== undefined && flags.file !== undefined)
    throw new UsageError('give either --row <key> or --file <csv> --line <n>, not both');
  if ((flags.file === undefined) !== (flags.line === undefined))
    throw new UsageError('--file and --line go together: --file customers.csv --line 2');
  const subject: PreviewSubject =
    flags.row !== undefined
      ? await subjectFromStore(flags, flags.row)
      : flags.file !== undefined && flags.line !== undefined
        ? await subjectFromFile(flags.file, flags.line, settings.defaultLocale)
        : { type: 'sample' };
  const from =
    process.env['SMART_ONBOARD_MAIL_FROM'] ||
    'Beispiel Distribution GmbH <ops@distributor.example>';
  const sender = parseSender(from);
  const pc = previewContext(name, subject, {
    ...(sender ? { sender } : {}),
    opsEmail: settings.opsEmail,
  });
  const locale = flags.locale ?? set.resolveLocale(name, pc.rowLocale);
  return {
    mail: set.render(name, locale, pc.context),
    to: pc.to,
    from,
    key: pc.key,
    notes: pc.notes,
  };
}

function fail(command: Command, error: unknown): never {
  if (
    error instanceof UsageError ||
    isTemplateError(error) ||
    isInputError(error) ||
    error instanceof MailConfigError
  ) {
    command.error(`error: ${error.message}`, { exitCode: 2, code: 'smart-onboard.usage' });
  }
  throw error;
}

/** `smart-onboard templates list|preview`: see what the notification emails will look like. */
export function registerTemplatesCommand(program: Command): void {
  const templates = program
    .command('templates')
    .description('List and preview the notification email templates.');

  templates
    .command('list')
    .description(
      'List the templates with their locales and where they come from (built-in or your override directory).',
    )
    .option('--templates <dir>', 'your template directory (same names win, new names are added)')
    .action(async (flags: CommonFlags, command: Command) => {
      try {
        const settings = notifySettingsFromEnv(process.env);
        const dir = flags.templates ?? settings.templatesDir;
        const set = await loadTemplates({
          ...(dir ? { overrideDir: dir } : {}),
          defaultLocale: settings.defaultLocale,
        });
        const rows = set.list().map((t) => [t.name, t.locales.join(','), t.source]);
        const head = ['template', 'locales', 'source'];
        const widths = head.map((h, i) =>
          Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)),
        );
        const format = (cells: string[]) =>
          cells
            .map((c, i) => c.padEnd(widths[i] ?? 0))
            .join('  ')
            .trimEnd();
        console.log([format(head), ...rows.map(format)].join('\n'));
      } catch (error) {
        fail(command, error);
      }
    });

  templates
    .command('preview <name>')
    .description(
      'Render a template exactly as it would be sent: subject and text, or a full .eml / .html file.',
    )
    .option(
      '--locale <locale>',
      "language (default: the row's, then SMART_ONBOARD_LOCALE, then en)",
    )
    .option(
      '--row <key>',
      'a customer from the state store (key, domain or unique part of the name)',
    )
    .option('--file <csv>', 'a spreadsheet to take the row from (with --line)')
    .option('--line <n>', 'spreadsheet row number in --file (header = 1)', line)
    .option(
      '--out <file>',
      'write the full message (.eml) or the HTML part (.html) instead of printing',
    )
    .option('--templates <dir>', 'your template directory (same names win, new names are added)')
    .option('--state <file>', 'SQLite state file for --row (default .smart-onboard/state.db)')
    .option('--database-url <url>', 'PostgreSQL store for --row (default DATABASE_URL)')
    .action(async (name: string, flags: PreviewFlags, command: Command) => {
      try {
        const ext = flags.out === undefined ? undefined : extname(flags.out).toLowerCase();
        if (ext !== undefined && ext !== '.eml' && ext !== '.html')
          throw new UsageError(`--out must end in .eml or .html, not "${flags.out}"`);
        const preview = await previewTemplate(name, flags);
        for (const note of preview.notes) console.error(`note: ${note}`);
        if (flags.out !== undefined && ext === '.eml') {
          await writeFile(
            flags.out,
            await composeEml(preview.mail, {
              from: preview.from,
              to: preview.to,
              key: preview.key,
            }),
          );
          console.error(`wrote ${flags.out}`);
        } else if (flags.out !== undefined) {
          await writeFile(flags.out, preview.mail.html);
          console.error(`wrote ${flags.out}`);
        } else {
          console.log(
            `Template: ${preview.mail.name} (${preview.mail.locale})\nTo: ${preview.to.join(', ')}\nSubject: ${preview.mail.subject}\n\n${preview.mail.text}`,
          );
        }
      } catch (error) {
        fail(command, error);
      }
    });
}

import { checkRow } from './check-row.js';
import type { EncodingInfo } from './decode.js';
import type { IngestEvent, Notice } from './events.js';
import type { Field } from './fields.js';
import { type ColumnMapping, matchHeaders } from './headers.js';
import { keyOfNormalized } from './key.js';
import type { Locale } from './normalize.js';
import { readRecords } from './records.js';

/** Options of {@link readCustomers} and `validateFile`. */
export interface ReadOptions {
  /**
   * Explicit columns: field → header text in the file. Overrides recognition of the
   * portal's English and German names for the fields it names.
   * @example { accountName: 'Firma', customerEmail: 'Mail' }
   */
  map?: Partial<Record<Field, string>>;
  /**
   * Language for rows whose locale cell is empty, absent or unsupported.
   * @default undefined (the row's `locale` stays undefined; a later default applies)
   */
  defaultLocale?: Locale;
}

const ENCODING_NAMES: Record<EncodingInfo['encoding'], string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  'windows-1252': 'Windows-1252',
};
const DELIMITER_NAMES = { ',': 'commas', ';': 'semicolons', '\t': 'tabs' } as const;

/**
 * Streams the customers of a spreadsheet file as events: notices first (encoding,
 * delimiter, columns), then one event per non-blank data row, in file order — `row`
 * (valid, with its key), `invalid` (with problems) or `duplicate` (same key as an earlier
 * valid row, which wins). Rows carry spreadsheet row numbers (header = row 1).
 *
 * Memory does not grow with the file: only the keys seen so far are kept.
 *
 * @throws InputError when the file as a whole cannot be read (missing, empty, binary,
 * malformed CSV, a required column missing); events before the failure were delivered.
 * @example
 * for await (const event of readCustomers('customers.csv', { defaultLocale: 'de' })) {
 *   if (event.type === 'row') await store.upsert(event.key, event.data);
 * }
 */
export async function* readCustomers(
  file: string,
  opts: ReadOptions = {},
): AsyncGenerator<IngestEvent, void, undefined> {
  const pending: Notice[] = [];
  const records = readRecords(file, {
    onEncoding: ({ encoding, bom, reason }) =>
      pending.push({
        code: 'encoding',
        file,
        message: `read as ${ENCODING_NAMES[encoding]}${bom ? ' with byte order mark' : ''} (${reason})`,
      }),
    onInvalidBytes: (offset) =>
      pending.push({
        code: 'invalid-bytes',
        file,
        message: `bytes that are not valid UTF-8 (near byte ${offset}) were replaced by "�" — save the file as "CSV UTF-8" and check the names`,
      }),
    onDelimiter: (delimiter, reason) =>
      pending.push({
        code: 'delimiter',
        file,
        message: `columns are separated by ${DELIMITER_NAMES[delimiter]}${reason === 'sep-line' ? ' (sep= line)' : ''}`,
      }),
  });
  let mapping: ColumnMapping | undefined;
  const seen = new Map<string, number>();

  for await (const batch of records)
    for (const { row, cells } of batch) {
      while (pending.length > 0) yield { type: 'notice', ...(pending.shift() as Notice) };
      if (mapping === undefined) {
        const matched = matchHeaders(
          file,
          cells.map((c) => c.trim()),
          opts.map,
        );
        mapping = matched.mapping;
        for (const notice of matched.notices) yield { type: 'notice', ...notice };
        continue;
      }
      const check = checkRow(file, row, cells, mapping);
      if (check.kind === 'blank') continue;
      if (check.kind === 'invalid') {
        const cell = (i: number | undefined) => (i === undefined ? '' : (cells[i] ?? '').trim());
        yield {
          type: 'invalid',
          row,
          problems: check.problems,
          accountName: cell(mapping.index.accountName),
          accountDomain: cell(mapping.index.accountDomain),
        };
        continue;
      }
      const { data } = check;
      const key = keyOfNormalized(data.accountName, data.accountDomain);
      const firstRow = seen.get(key);
      if (firstRow !== undefined) {
        const at = mapping.index.accountName ?? 0;
        yield {
          type: 'duplicate',
          row,
          key,
          firstRow,
          accountName: data.accountName,
          accountDomain: data.accountDomain,
          problem: {
            file,
            row,
            column: mapping.headers[at] ?? 'accountName',
            field: 'accountName',
            value: cells[at] ?? '',
            message: `duplicate of row ${firstRow} (same account name and domain) — row ${firstRow} is used and this row is skipped; delete one of them`,
            severity: 'warning',
          },
        };
        continue;
      }
      seen.set(key, row);
      if (data.locale === undefined && opts.defaultLocale !== undefined)
        data.locale = opts.defaultLocale;
      const raw: Record<string, string> = {};
      for (let i = 0; i < mapping.names.length; i++) {
        const name = mapping.names[i] as string;
        if (name !== '') raw[name] = cells[i] ?? '';
      }
      yield { type: 'row', row, key, data, raw, warnings: check.warnings };
    }
  while (pending.length > 0) yield { type: 'notice', ...(pending.shift() as Notice) };
}

import { checkRow } from './check-row.js';
import type { EncodingInfo } from './decode.js';
import type { IngestEvent, Notice } from './events.js';
import type { Field } from './fields.js';
import { type ColumnMapping, matchHeaders } from './headers.js';
import { keyDigest, keyOfDigest } from './key.js';
import type { Locale } from './normalize.js';
import { readRecords } from './records.js';
import { SeenKeys } from './seen-keys.js';

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
 *   if (event.type === 'row') console.log(event.row, event.key);
 * }
 */
export async function* readCustomers(
  file: string,
  opts: ReadOptions = {},
): AsyncGenerator<IngestEvent, void, undefined> {
  for await (const events of readCustomerBatches(file, opts)) yield* events;
}

/**
 * {@link readCustomers} in batches: the same events in the same order, handed over a
 * file chunk at a time (about 64 KiB of text) instead of one at a time. Bulk consumers
 * (loading into the store, `validate`) use this: one await per batch instead of per row.
 */
export async function* readCustomerBatches(
  file: string,
  opts: ReadOptions = {},
): AsyncGenerator<IngestEvent[], void, undefined> {
  let out: IngestEvent[] = [];
  const notice = (n: Notice) => out.push({ type: 'notice', ...n });
  const records = readRecords(file, {
    onEncoding: ({ encoding, bom, reason }) =>
      notice({
        code: 'encoding',
        file,
        message: `read as ${ENCODING_NAMES[encoding]}${bom ? ' with byte order mark' : ''} (${reason})`,
      }),
    onInvalidBytes: (offset) =>
      notice({
        code: 'invalid-bytes',
        file,
        message: `bytes that are not valid UTF-8 (near byte ${offset}) were replaced by "�" — save the file as "CSV UTF-8" and check the names`,
      }),
    onDelimiter: (delimiter, reason) =>
      notice({
        code: 'delimiter',
        file,
        message: `columns are separated by ${DELIMITER_NAMES[delimiter]}${reason === 'sep-line' ? ' (sep= line)' : ''}`,
      }),
  });
  let mapping: ColumnMapping | undefined;
  const seen = new SeenKeys();

  for await (const { firstRow, records: batch } of records) {
    for (let i = 0; i < batch.length; i++) {
      const cells = batch[i] as string[];
      const row = firstRow + i;
      if (mapping === undefined) {
        const matched = matchHeaders(
          file,
          cells.map((c) => c.trim()),
          opts.map,
        );
        mapping = matched.mapping;
        for (const n of matched.notices) notice(n);
        continue;
      }
      const event = toEvent(file, row, cells, mapping, seen, opts);
      if (event !== undefined) out.push(event);
    }
    if (out.length > 0) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

/** One data record → its event (undefined for a blank row); remembers valid keys in `seen`. */
function toEvent(
  file: string,
  row: number,
  cells: string[],
  mapping: ColumnMapping,
  seen: SeenKeys,
  opts: ReadOptions,
): IngestEvent | undefined {
  const check = checkRow(file, row, cells, mapping);
  if (check.kind === 'blank') return undefined;
  if (check.kind === 'invalid') {
    const cell = (i: number | undefined) => (i === undefined ? '' : (cells[i] ?? '').trim());
    return {
      type: 'invalid',
      row,
      problems: check.problems,
      accountName: cell(mapping.index.accountName),
      accountDomain: cell(mapping.index.accountDomain),
    };
  }
  const { data } = check;
  const digest = keyDigest(data.accountName, data.accountDomain);
  const key = keyOfDigest(digest);
  const firstRow = seen.firstRow(digest, row);
  if (firstRow !== undefined) {
    const at = mapping.index.accountName ?? 0;
    return {
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
  }
  if (data.locale === undefined && opts.defaultLocale !== undefined)
    data.locale = opts.defaultLocale;
  return { type: 'row', row, key, data, warnings: check.warnings };
}

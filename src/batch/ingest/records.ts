import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { createDecoder, type EncodingInfo } from './decode.js';
import { type Delimiter, detectDelimiter, endOfFirstLine, separatorHint } from './delimiter.js';
import { InputError } from './errors.js';

/** One CSV record with its spreadsheet row number (header = row 1). */
export interface CsvRecord {
  row: number;
  cells: string[];
}

/** Callbacks through which {@link readRecords} tells what it found out about the file. */
export interface RecordHooks {
  onEncoding?: (info: EncodingInfo) => void;
  onInvalidBytes?: (byteOffset: number) => void;
  onDelimiter?: (delimiter: Delimiter, reason: 'header' | 'sep-line') => void;
}

const CHUNK = 64 * 1024;
/** A record this large is not a spreadsheet row but a missing quote; stop instead of buffering. */
const MAX_RECORD_CHARS = 1_000_000;
const MAX_HEADER_CHARS = 1_000_000;

/**
 * Streams the records of a CSV file in batches (whatever is parsed so far), header first: decodes (see `createDecoder`), detects
 * the delimiter from the header line, and parses with csv-parse.
 *
 * Every record counts as a spreadsheet row, blank lines included, because that is how a
 * spreadsheet shows the file; a quoted cell spanning several lines stays one row. Memory
 * stays bounded by the chunk size and the longest record.
 *
 * @throws InputError for unreadable, empty, binary or malformed files.
 */
export async function* readRecords(
  file: string,
  hooks: RecordHooks = {},
): AsyncGenerator<CsvRecord[]> {
  const source = createReadStream(file, { highWaterMark: CHUNK });
  const decoder = createDecoder({
    file,
    onEncoding: hooks.onEncoding,
    onInvalidBytes: hooks.onInvalidBytes,
  });
  source.once('error', (error) => decoder.destroy(error));
  source.pipe(decoder);
  const chunks = decoder[Symbol.asyncIterator]() as AsyncIterator<string>;
  let head = '';
  const parser = parse({
    delimiter: await readHead(),
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false, // blank lines are rows in a spreadsheet; the caller skips them
    trim: false,
    max_record_size: MAX_RECORD_CHARS,
  });

  async function readHead(): Promise<Delimiter> {
    try {
      for (;;) {
        let end = endOfFirstLine(head);
        if (end >= 0 && head.trim() !== '') {
          const hint = separatorHint(head.slice(0, end));
          if (hint === undefined) {
            const delimiter = detectDelimiter(head.slice(0, end));
            hooks.onDelimiter?.(delimiter, 'header');
            return delimiter;
          }
          if (head[end] === '\r' && head[end + 1] === '\n') end++;
          head = head.slice(end + 1);
          hooks.onDelimiter?.(hint, 'sep-line');
          return hint;
        }
        if (head.length > MAX_HEADER_CHARS) {
          throw new InputError(
            'malformed-csv',
            file,
            `${file}: row 1: no line break in the first ${MAX_HEADER_CHARS} characters — this is not a CSV file.`,
            { row: 1 },
          );
        }
        const next = await chunks.next();
        if (next.done) break;
        head += next.value;
      }
    } catch (error) {
      source.destroy();
      throw toInputError(error, file);
    }
    if (head.trim() === '') {
      throw new InputError(
        'empty-file',
        file,
        `${file}: the file is empty — expected a header row such as "Account Name,Customer Email,Account Domain".`,
      );
    }
    const delimiter = detectDelimiter(head);
    hooks.onDelimiter?.(delimiter, 'header');
    return delimiter;
  }

  async function* text(): AsyncGenerator<string> {
    if (head !== '') yield head;
    head = '';
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value;
    }
  }

  const feeding = pipeline(Readable.from(text(), { objectMode: true }), parser).catch(() => {
    // the same error reaches the loop below through the parser
  });
  let index = 0;
  try {
    for await (const records of batches(parser)) {
      const batch: CsvRecord[] = new Array<CsvRecord>(records.length);
      for (let i = 0; i < records.length; i++)
        batch[i] = { row: ++index, cells: records[i] as string[] };
      yield batch;
    }
  } catch (error) {
    throw toInputError(error, file, index + 1);
  } finally {
    source.destroy();
    decoder.destroy();
    parser.destroy();
  }
  await feeding;
}

/** Reads an object stream in batches of what is buffered: one await per batch, not per record. */
async function* batches(stream: Readable): AsyncGenerator<string[][]> {
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const signal = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  stream.on('readable', signal);
  stream.once('end', () => {
    ended = true;
    signal();
  });
  stream.once('error', (error) => {
    failure = error;
    signal();
  });
  stream.once('close', () => {
    ended = true;
    signal();
  });
  for (;;) {
    const batch: string[][] = [];
    let record: string[] | null;
    while ((record = stream.read() as string[] | null) !== null) batch.push(record);
    if (batch.length > 0) yield batch;
    else if (failure !== undefined) throw failure;
    else if (ended) return;
    else await new Promise<void>((resolve) => (wake = resolve));
  }
}

function toInputError(error: unknown, file: string, fallbackRow?: number): InputError {
  if (error instanceof InputError) return error;
  if (error instanceof CsvError) {
    const records = typeof error['records'] === 'number' ? error['records'] : undefined;
    const row = records === undefined ? fallbackRow : records + 1;
    const where = row === undefined ? file : `${file}: row ${row}`;
    const hint =
      error.code === 'CSV_QUOTE_NOT_CLOSED' || error.code === 'CSV_MAX_RECORD_SIZE'
        ? 'a quoted cell starts here but its closing quote is missing, so the rest of the file reads as one cell — add the missing " or save the file again from the spreadsheet'
        : `the CSV cannot be parsed (${error.message}) — save the file again from the spreadsheet`;
    return new InputError('malformed-csv', file, `${where}: ${hint}.`, { row, cause: error });
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return new InputError('file-not-found', file, `${file}: no such file — check the path.`, {
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new InputError('file-unreadable', file, `${file}: cannot be read (${reason}).`, {
    cause: error,
  });
}

import { createReadStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { CsvError, type Parser, parse } from 'csv-parse';
import { createDecoder, type EncodingInfo } from './decode.js';
import { type Delimiter, detectDelimiter, endOfFirstLine, separatorHint } from './delimiter.js';
import { InputError } from './errors.js';

/**
 * CSV records in file order: `records[i]` is spreadsheet row `firstRow + i` (header = row 1).
 */
export interface RecordBatch {
  firstRow: number;
  records: string[][];
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
 * Streams the records of a CSV file in batches (what one chunk of the file holds), header
 * first: decodes (see `createDecoder`), detects the delimiter from the header line, and
 * parses with csv-parse.
 *
 * Every record counts as a spreadsheet row, blank lines included, because that is how a
 * spreadsheet shows the file; a quoted cell spanning several lines stays one row. Memory
 * stays bounded by the chunk size and the longest record.
 *
 * The file is read and decoded chunk by chunk and written straight into csv-parse, whose
 * records are drained synchronously after each chunk: one await per 64 KiB chunk, not
 * per record and not per stream stage.
 *
 * @throws InputError for unreadable, empty, binary or malformed files.
 */
export async function* readRecords(
  file: string,
  hooks: RecordHooks = {},
): AsyncGenerator<RecordBatch> {
  const source = createReadStream(file, { highWaterMark: CHUNK });
  const decoder = createDecoder({
    file,
    onEncoding: hooks.onEncoding,
    onInvalidBytes: hooks.onInvalidBytes,
  });
  let parser: Parser | undefined;
  let head = '';
  let parsed: string[][] = [];
  let nextRow = 1;

  const take = (): RecordBatch => {
    const batch = { firstRow: nextRow, records: parsed };
    nextRow += parsed.length;
    parsed = [];
    return batch;
  };
  let failure: Error | undefined;
  const start = (delimiter: Delimiter): Parser =>
    parse({
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false, // blank lines are rows in a spreadsheet; the caller skips them
      trim: false,
      max_record_size: MAX_RECORD_CHARS,
    }).on('error', (error) => (failure ??= error));
  /** Moves what csv-parse has parsed so far into `parsed` (synchronous: no await per record). */
  const drain = (p: Parser): void => {
    let record: string[] | null;
    while ((record = p.read() as string[] | null) !== null) parsed.push(record);
    if (failure !== undefined) throw failure;
  };
  /** Looks for the header line in what was read so far; starts the parser once it is there. */
  const findHeader = (final: boolean): void => {
    let end = endOfFirstLine(head);
    if (end >= 0 && head.trim() !== '') {
      const hint = separatorHint(head.slice(0, end));
      if (hint === undefined) {
        const delimiter = detectDelimiter(head.slice(0, end));
        hooks.onDelimiter?.(delimiter, 'header');
        parser = start(delimiter);
      } else {
        if (head[end] === '\r' && head[end + 1] === '\n') end++;
        head = head.slice(end + 1);
        hooks.onDelimiter?.(hint, 'sep-line');
        parser = start(hint);
      }
    } else if (head.length > MAX_HEADER_CHARS) {
      throw new InputError(
        'malformed-csv',
        file,
        `${file}: row 1: no line break in the first ${MAX_HEADER_CHARS} characters — this is not a CSV file.`,
        { row: 1 },
      );
    } else if (final) {
      if (head.trim() === '') {
        throw new InputError(
          'empty-file',
          file,
          `${file}: the file is empty — expected a header row such as "Account Name,Customer Email,Account Domain".`,
        );
      }
      const delimiter = detectDelimiter(head);
      hooks.onDelimiter?.(delimiter, 'header');
      parser = start(delimiter);
    }
  };
  /** Parses text: before the header is complete it is kept, after it goes to csv-parse. */
  const feed = async (text: string, final: boolean): Promise<void> => {
    if (parser === undefined) {
      head += text;
      findHeader(final);
      if (parser === undefined) return;
      text = head;
      head = '';
    }
    const p: Parser = parser;
    // csv-parse parses a written chunk synchronously; its records wait in the stream's
    // buffer until drained, which also lets it take the next chunk.
    if (text !== '') p.write(text);
    drain(p);
    if (final) {
      p.end();
      await finished(p, { readable: false });
      drain(p);
    }
  };

  try {
    for await (const chunk of source) {
      await feed(decoder.write(chunk as Buffer), false);
      if (parsed.length > 0) yield take();
    }
    await feed(decoder.end(), true);
    if (parsed.length > 0) yield take();
  } catch (error) {
    const failed = toInputError(error, file, nextRow + parsed.length);
    if (parsed.length > 0) yield take(); // the rows before the failure still count
    throw failed;
  } finally {
    source.destroy();
    parser?.destroy();
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

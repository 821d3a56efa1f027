import { isAscii, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { InputError } from './errors.js';

/** The text encodings a spreadsheet export arrives in. */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** What the decoder found out about the bytes; reported once, again if it changes its mind. */
export interface EncodingInfo {
  encoding: TextEncoding;
  /** Whether the file started with a byte order mark (which is not passed on). */
  bom: boolean;
  /** Why this encoding was chosen, for a notice. */
  reason: string;
}

/** Options of {@link createDecoder}. */
export interface DecoderOptions {
  /** The file name, for error messages. */
  file: string;
  /** Called when the encoding is decided, and again if later bytes change the decision. */
  onEncoding?: (info: EncodingInfo) => void;
  /** Called once when bytes that are invalid in the chosen encoding were replaced by U+FFFD. */
  onInvalidBytes?: (byteOffset: number) => void;
}

type Decoder = { write(buf: Buffer): string; end(): string | undefined };

const SIGNATURES: ReadonlyArray<[bytes: number[], what: string]> = [
  [[0x50, 0x4b, 0x03, 0x04], 'an Excel workbook (.xlsx) or another ZIP archive'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Excel workbook (.xls)'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
];
const SAVE_AS_CSV = 'in Excel use File › Save As › "CSV UTF-8 (comma delimited)" and try again';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b\x0e-\x1f]/g;

/** Turns the bytes of a file, chunk by chunk, into text. */
export interface ChunkDecoder {
  /** Decodes the next chunk; bytes of a character cut at the end are kept for the next call. */
  write(chunk: Buffer): string;
  /** Decodes what is left at the end of the file. */
  end(): string;
}

/**
 * Creates a decoder from raw file bytes to text, one chunk at a time (synchronous, so a
 * reader pays no stream hand-over per chunk).
 *
 * Detects UTF-8 with or without BOM, UTF-16 LE/BE (BOM, or NUL-byte pattern), and
 * Windows-1252: a file that is not valid UTF-8 is read as Windows-1252 as long as every
 * byte before the first invalid one was ASCII, so the switch never changes text already
 * passed on. Binary files (workbooks, PDFs, NUL bytes) fail with an {@link InputError}.
 */
export function createDecoder(options: DecoderOptions): ChunkDecoder {
  const { file, onEncoding, onInvalidBytes } = options;
  let decoder: Decoder | undefined; // set for every encoding except progressive UTF-8
  let utf8 = false;
  let sawNonAscii = false;
  let reportedInvalid = false;
  let pending: Buffer = Buffer.alloc(0);
  let offset = 0;
  let firstText = true;

  const binary = (what: string) =>
    new InputError(
      'binary-file',
      file,
      `${file}: this is not a CSV text file but ${what} — ${SAVE_AS_CSV}.`,
    );

  function decide(head: Buffer): number {
    for (const [sig, what] of SIGNATURES) {
      if (sig.every((b, i) => head[i] === b)) throw binary(what);
    }
    const report = (encoding: TextEncoding, bom: boolean, reason: string) =>
      onEncoding?.({ encoding, bom, reason });
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
      utf8 = true;
      sawNonAscii = true; // a BOM means the writer meant UTF-8: never switch to Windows-1252
      report('utf-8', true, 'UTF-8 byte order mark');
      return 3;
    }
    const utf16 = (enc: 'utf-16le' | 'utf-16be', bom: boolean, reason: string) => {
      decoder = iconv.getDecoder(enc, { stripBOM: false });
      report(enc, bom, reason);
      return bom ? 2 : 0;
    };
    if (head[0] === 0xff && head[1] === 0xfe)
      return utf16('utf-16le', true, 'UTF-16 byte order mark');
    if (head[0] === 0xfe && head[1] === 0xff)
      return utf16('utf-16be', true, 'UTF-16 byte order mark');
    if (head.includes(0)) {
      const pattern = nulPattern(head);
      if (pattern === 'odd') return utf16('utf-16le', false, 'NUL byte pattern of UTF-16');
      if (pattern === 'even') return utf16('utf-16be', false, 'NUL byte pattern of UTF-16');
      throw binary('a binary file (it contains NUL bytes)');
    }
    utf8 = true; // announced once non-ASCII text proves it (or at the end: plain ASCII)
    return 0;
  }

  function checkText(text: string): void {
    if (!firstText || text === '') return;
    firstText = false;
    const controls = text.match(CONTROL)?.length ?? 0;
    if (controls > Math.max(8, text.length / 100))
      throw binary('a binary file (it is full of control characters)');
  }

  function decodeUtf8(data: Buffer, final: boolean): string {
    const cut = final ? data.length : completeUtf8Length(data);
    const part = data.subarray(0, cut);
    pending = data.subarray(cut);
    if (!sawNonAscii && isAscii(part)) return part.toString('latin1');
    if (isUtf8(part)) {
      if (!sawNonAscii) onEncoding?.({ encoding: 'utf-8', bom: false, reason: 'valid UTF-8' });
      sawNonAscii = true;
      return part.toString('utf8');
    }
    if (!sawNonAscii && !mostlyUtf8(part)) {
      // Everything before was ASCII, which Windows-1252 decodes identically: switch now.
      utf8 = false;
      decoder = iconv.getDecoder('windows-1252');
      onEncoding?.({
        encoding: 'windows-1252',
        bom: false,
        reason: 'bytes that are not valid UTF-8',
      });
      const text = decoder.write(data);
      pending = Buffer.alloc(0);
      return text;
    }
    sawNonAscii = true;
    if (!reportedInvalid) {
      reportedInvalid = true;
      onInvalidBytes?.(offset);
    }
    return part.toString('utf8');
  }

  function convert(chunk: Buffer, final: boolean): string {
    let data = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    if (decoder === undefined && !utf8) {
      if (data.length < 4 && !final) {
        pending = data;
        return '';
      }
      data = data.subarray(decide(data));
      pending = Buffer.alloc(0);
    }
    let text: string;
    if (utf8) text = decodeUtf8(data, final);
    else {
      pending = Buffer.alloc(0);
      text = (decoder as Decoder).write(data);
      if (final) text += (decoder as Decoder).end() ?? '';
    }
    if (final && utf8 && !sawNonAscii)
      onEncoding?.({ encoding: 'utf-8', bom: false, reason: 'plain ASCII' });
    offset += chunk.length;
    checkText(text);
    return text;
  }

  return {
    write: (chunk) => convert(chunk, false),
    end: () => convert(Buffer.alloc(0), true),
  };
}

/** Length of `buf` without a multi-byte UTF-8 sequence cut off at its end. */
function completeUtf8Length(buf: Buffer): number {
  const n = buf.length;
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = buf[i] as number;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return n - i < need ? i : n;
  }
  return n;
}

/**
 * Whether invalid text looks like UTF-8 with a few bad bytes (at least as many valid
 * multi-byte sequences as invalid bytes) rather than a single-byte encoding, where valid
 * multi-byte sequences are rare.
 */
function mostlyUtf8(buf: Buffer): boolean {
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i] as number;
    if (b < 0x80) continue;
    const need =
      b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    let ok = need > 0 && i + need < buf.length;
    for (let k = 1; ok && k <= need; k++) ok = ((buf[i + k] as number) & 0xc0) === 0x80;
    if (ok) {
      valid++;
      i += need;
    } else invalid++;
  }
  return valid > 0 && valid >= invalid;
}

/** Where NUL bytes sit: mostly at odd offsets (UTF-16LE ASCII), even (BE), or neither. */
function nulPattern(head: Buffer): 'odd' | 'even' | 'none' {
  const n = Math.min(head.length, 4096) & ~1;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) even++;
    if (head[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  if (odd > pairs * 0.6 && even < pairs * 0.05) return 'odd';
  if (even > pairs * 0.6 && odd < pairs * 0.05) return 'even';
  return 'none';
}

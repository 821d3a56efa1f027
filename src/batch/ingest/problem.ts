import type { Field } from './fields.js';

/** One thing wrong (or worth a look) in one cell of one row. */
export interface Problem {
  /** The file as given by the caller. */
  file: string;
  /** Spreadsheet row number: the header is row 1, the first data row is row 2. */
  row: number;
  /** The column's header text as written in the file. */
  column: string;
  /** The customer field the column maps to. */
  field: Field;
  /** The offending value (the whole cell, or one address of a user-email cell). */
  value: string;
  /** A sentence that quotes the value and says what to do. */
  message: string;
  /** `error` rejects the row; `warning` keeps it. */
  severity: 'error' | 'warning';
}

const MAX_QUOTED = 60;

/** Quotes a cell value for a message, shortened so one giant cell cannot flood the output. */
export function quote(value: string): string {
  const flat = value.replace(/\r?\n/g, '↵');
  const short = flat.length > MAX_QUOTED ? `${flat.slice(0, MAX_QUOTED - 1)}…` : flat;
  return `"${short}"`;
}

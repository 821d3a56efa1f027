import type { Field } from './fields.js';
import type { Problem } from './problem.js';
import type { CustomerRow } from './schema.js';

/** Kinds of file-level notices: informative, never fatal. */
export type NoticeCode =
  | 'encoding'
  | 'invalid-bytes'
  | 'delimiter'
  | 'mapped-column'
  | 'unknown-column'
  | 'ignored-column';

/** Something about the file as a whole that the user may want to know. */
export interface Notice {
  code: NoticeCode;
  /** The file as given by the caller. */
  file: string;
  /** A sentence for a human. */
  message: string;
  /** The header text of the column concerned, if any. */
  column?: string;
  /** The field the column was recognized as, if any. */
  field?: Field;
}

/** A valid row: ready to be stored and requested. */
export interface RowEvent {
  type: 'row';
  /** Spreadsheet row number (header = 1). */
  row: number;
  /** The customer's identity, see `customerKey`. */
  key: string;
  data: CustomerRow;
  /** Warnings that did not reject the row (may be empty). */
  warnings: Problem[];
}

/** A row that cannot be requested; `problems` holds at least one error. */
export interface InvalidEvent {
  type: 'invalid';
  row: number;
  problems: Problem[];
  /** The account name and domain cells as written (for reports), empty when absent. */
  accountName: string;
  accountDomain: string;
}

/** A valid row whose customer already appeared earlier in the file; the first row wins. */
export interface DuplicateEvent {
  type: 'duplicate';
  row: number;
  key: string;
  /** Row number of the first occurrence. */
  firstRow: number;
  accountName: string;
  accountDomain: string;
  /** The duplicate reported as a warning, ready to print. */
  problem: Problem;
}

/** A file-level notice. */
export interface NoticeEvent extends Notice {
  type: 'notice';
}

/** What `readCustomers` streams. */
export type IngestEvent = RowEvent | InvalidEvent | DuplicateEvent | NoticeEvent;

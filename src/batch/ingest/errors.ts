/** Why a whole file could not be read. */
export type InputErrorCode =
  | 'file-not-found'
  | 'file-unreadable'
  | 'empty-file'
  | 'binary-file'
  | 'malformed-csv'
  | 'missing-column'
  | 'bad-mapping';

/**
 * A file-level input problem: the file as a whole cannot be read (as opposed to a row
 * problem, which only rejects that row). The message names the file and, where known,
 * the row, and says what to do.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  /** Machine-readable reason. */
  readonly code: InputErrorCode;
  /** The file as given by the caller. */
  readonly file: string;
  /** Spreadsheet row (header = 1) where reading stopped, when known. */
  readonly row: number | undefined;

  constructor(
    code: InputErrorCode,
    file: string,
    message: string,
    options?: { row?: number; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.file = file;
    this.row = options?.row;
  }
}

/** Type guard for {@link InputError}. */
export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}

import { type InputErrorCode, isInputError } from './errors.js';
import type { Notice } from './events.js';
import type { Problem } from './problem.js';
import { type ReadOptions, readCustomerBatches } from './read-customers.js';

/** Options of {@link validateFile}. */
export interface ValidateOptions extends ReadOptions {
  /**
   * Stop collecting problems after this many (counting goes on), so a hopeless file
   * cannot fill memory.
   * @default 10000
   */
  maxProblems?: number;
}

/** What {@link validateFile} found; serializable as JSON for `validate --json`. */
export interface ValidationResult {
  file: string;
  /** Non-blank data rows read. */
  rows: number;
  valid: number;
  invalid: number;
  /** Valid rows skipped because an earlier row has the same customer. */
  duplicates: number;
  /** Errors and warnings in row order (duplicates as warnings). */
  problems: Problem[];
  /** Problems not collected because of `maxProblems`. */
  problemsOmitted: number;
  notices: Notice[];
  /** Why the file could not be read to its end, or null. */
  fatal: { code: InputErrorCode; message: string; row?: number } | null;
  /** True when the whole file was read and no row is invalid. */
  ok: boolean;
}

/**
 * Reads a whole file with {@link readCustomers} and counts and collects its problems, for
 * `smart-onboard validate`. Never throws for bad input: a file that cannot be read ends
 * up in `fatal` (other errors, e.g. a bug, still throw).
 */
export async function validateFile(
  file: string,
  opts: ValidateOptions = {},
): Promise<ValidationResult> {
  const { maxProblems = 10_000, ...readOpts } = opts;
  const result: ValidationResult = {
    file,
    rows: 0,
    valid: 0,
    invalid: 0,
    duplicates: 0,
    problems: [],
    problemsOmitted: 0,
    notices: [],
    fatal: null,
    ok: false,
  };
  const add = (problems: readonly Problem[]) => {
    for (const p of problems) {
      if (result.problems.length < maxProblems) result.problems.push(p);
      else result.problemsOmitted++;
    }
  };
  try {
    for await (const events of readCustomerBatches(file, readOpts))
      for (const event of events) {
        switch (event.type) {
          case 'notice': {
            const { type: _type, ...notice } = event;
            result.notices.push(notice);
            break;
          }
          case 'row':
            result.rows++;
            result.valid++;
            add(event.warnings);
            break;
          case 'invalid':
            result.rows++;
            result.invalid++;
            add(event.problems);
            break;
          case 'duplicate':
            result.rows++;
            result.duplicates++;
            add([event.problem]);
            break;
        }
      }
  } catch (error) {
    if (!isInputError(error)) throw error;
    result.fatal = {
      code: error.code,
      message: error.message,
      ...(error.row === undefined ? {} : { row: error.row }),
    };
  }
  result.ok = result.fatal === null && result.invalid === 0;
  return result;
}

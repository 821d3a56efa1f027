import type { Problem } from './problem.js';
import type { ValidationResult } from './validate-file.js';

/** Options of {@link formatProblems}. */
export interface FormatOptions {
  /**
   * Also print informational notices (encoding, delimiter, mapped columns).
   * @default false
   */
  verbose?: boolean;
}

const SHOWN_NOTICES = new Set(['unknown-column', 'ignored-column', 'invalid-bytes']);

/**
 * One line per problem (`customers.csv:7 column "Kunden-E-Mail": "max@@x.de" is not a
 * valid email address — write it like name@example.com`), then the column notices, then
 * a summary line. Plain text, no colours, ends without a newline.
 */
export function formatProblems(result: ValidationResult, opts: FormatOptions = {}): string {
  const lines = result.problems.map(formatProblem);
  if (result.problemsOmitted > 0)
    lines.push(`${result.file}: … and ${result.problemsOmitted} more problems`);
  for (const notice of result.notices) {
    if (opts.verbose === true || SHOWN_NOTICES.has(notice.code))
      lines.push(`${notice.file}: ${notice.message}`);
  }
  if (result.fatal !== null) lines.push(`${result.fatal.message}`);
  lines.push(summary(result));
  return lines.join('\n');
}

/** One problem as a line: `file:row column "Header": message`, warnings marked. */
export function formatProblem(p: Problem): string {
  const level = p.severity === 'warning' ? 'warning: ' : '';
  return `${p.file}:${p.row} column "${p.column}": ${level}${p.message}`;
}

function summary(r: ValidationResult): string {
  const rows = `${r.rows} ${r.rows === 1 ? 'row' : 'rows'}`;
  const parts = [`${r.valid} valid`, `${r.invalid} invalid`];
  if (r.duplicates > 0)
    parts.push(`${r.duplicates} ${r.duplicates === 1 ? 'duplicate' : 'duplicates'} skipped`);
  const stopped =
    r.fatal === null
      ? ''
      : r.fatal.row === undefined
        ? ' — file not read'
        : ` — reading stopped at row ${r.fatal.row}`;
  return `${r.file}: ${rows}: ${parts.join(', ')}${stopped}`;
}

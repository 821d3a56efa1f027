import type { z } from 'zod';
import { splitEmails } from './emails.js';
import { FIELDS, type Field, MAX_CELL_LENGTH } from './fields.js';
import type { ColumnMapping } from './headers.js';
import { parseLocale } from './normalize.js';
import { type Problem, quote } from './problem.js';
import {
  type CustomerRow,
  type CustomerRowInput,
  customerRowSchema,
  normalizeCells,
} from './schema.js';

/** Outcome of checking one record. */
export type RowCheck =
  | { kind: 'blank' }
  | { kind: 'valid'; data: CustomerRow; warnings: Problem[] }
  | { kind: 'invalid'; problems: Problem[] };

/**
 * Normalizes one record, validates it against {@link customerRowSchema}, and turns every
 * issue into a {@link Problem} naming file, row, column header, field and value. Rows whose
 * cells are all blank are reported as `blank` (skipped, not an error).
 */
export function checkRow(
  file: string,
  row: number,
  cells: readonly string[],
  mapping: ColumnMapping,
): RowCheck {
  if (isBlank(cells)) return { kind: 'blank' };
  const input = cellsByField(cells, mapping);
  let problems: Problem[] | undefined;
  let oversized: Set<Field> | undefined;
  if (cells.some((cell) => cell.length > MAX_CELL_LENGTH)) {
    for (const field of FIELDS) {
      const cell = input[field];
      if (cell === undefined || cell.length <= MAX_CELL_LENGTH) continue;
      (oversized ??= new Set()).add(field);
      (problems ??= []).push(
        problem(
          file,
          row,
          mapping,
          field,
          cell,
          `the cell has ${cell.length.toLocaleString('en-US')} characters; at most ${MAX_CELL_LENGTH.toLocaleString('en-US')} are read — shorten it (or look for a missing closing quote before it)`,
          'error',
        ),
      );
    }
  }
  const result = customerRowSchema.safeParse(normalizeCells(input));
  if (!result.success) {
    problems ??= [];
    for (const issue of result.error.issues) {
      const found = fromIssue(file, row, mapping, input, issue);
      if (oversized?.has(found.field) !== true) problems.push(found); // already reported as oversized
    }
  }
  if (problems !== undefined || !result.success)
    return { kind: 'invalid', problems: problems ?? [] };
  // A recognized language needs no second look; only a filled, unrecognized cell warns.
  const warned =
    result.data.locale === undefined ? warnings(file, row, mapping, input) : NO_WARNINGS;
  return { kind: 'valid', data: result.data, warnings: warned };
}

/** The cells of a record by field (absent columns and short rows give `undefined`). */
function cellsByField(cells: readonly string[], mapping: ColumnMapping): CustomerRowInput {
  const at = mapping.index;
  return {
    accountName: cellAt(cells, at.accountName),
    customerEmail: cellAt(cells, at.customerEmail),
    accountDomain: cellAt(cells, at.accountDomain),
    noteToCustomer: cellAt(cells, at.noteToCustomer),
    userEmails: cellAt(cells, at.userEmails),
    noteToUsers: cellAt(cells, at.noteToUsers),
    noteToCiscoApprover: cellAt(cells, at.noteToCiscoApprover),
    locale: cellAt(cells, at.locale),
    customerReference: cellAt(cells, at.customerReference),
  };
}

function cellAt(cells: readonly string[], index: number | undefined): string | undefined {
  return index === undefined ? undefined : cells[index];
}

const NO_WARNINGS = Object.freeze([]) as unknown as Problem[];

function isBlank(cells: readonly string[]): boolean {
  for (const cell of cells) if (cell !== '' && cell.trim() !== '') return false;
  return true;
}

function warnings(
  file: string,
  row: number,
  mapping: ColumnMapping,
  input: CustomerRowInput,
): Problem[] {
  const locale = input.locale;
  if (locale === undefined || parseLocale(locale) !== null) return NO_WARNINGS;
  return [
    problem(
      file,
      row,
      mapping,
      'locale',
      locale,
      `${quote(locale.trim())} is not a supported language — write de or en; the default language is used`,
      'warning',
    ),
  ];
}

function fromIssue(
  file: string,
  row: number,
  mapping: ColumnMapping,
  input: CustomerRowInput,
  issue: z.core.$ZodIssue,
): Problem {
  const [head, index] = issue.path;
  const field: Field =
    typeof head === 'string' && (FIELDS as readonly string[]).includes(head)
      ? (head as Field)
      : 'accountName';
  const cell = input[field] ?? '';
  const value =
    typeof index === 'number' && field === 'userEmails' ? (splitEmails(cell)[index] ?? cell) : cell;
  return problem(file, row, mapping, field, value, issue.message, 'error');
}

function problem(
  file: string,
  row: number,
  mapping: ColumnMapping,
  field: Field,
  value: string,
  message: string,
  severity: Problem['severity'],
): Problem {
  const at = mapping.index[field];
  const column = at === undefined ? field : (mapping.headers[at] ?? field);
  return { file, row, column, field, value, message, severity };
}

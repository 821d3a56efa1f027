/**
 * Ingest: spreadsheet files (CSV in any encoding Excel writes) → validated, normalized,
 * keyed customer rows, streamed.
 *
 * @packageDocumentation
 */
export { readCustomers, readCustomerBatches, type ReadOptions } from './read-customers.js';
export { validateFile, type ValidateOptions, type ValidationResult } from './validate-file.js';
export { formatProblem, formatProblems, type FormatOptions } from './format.js';
export { parseMapOption } from './map-option.js';
export { customerKey } from './key.js';
export {
  customerRowSchema,
  customerCellsSchema,
  normalizeCells,
  type CustomerRow,
  type CustomerRowInput,
} from './schema.js';
export { FIELDS, REQUIRED_FIELDS, MAX_CELL_LENGTH, type Field } from './fields.js';
export { HEADER_NAMES, normalizeHeader, matchHeaders, type ColumnMapping } from './headers.js';
export { LIMITS, normalizeDomain, parseLocale, type Locale } from './normalize.js';
export { splitEmails } from './emails.js';
export { detectDelimiter, type Delimiter } from './delimiter.js';
export {
  createDecoder,
  type ChunkDecoder,
  type TextEncoding,
  type EncodingInfo,
} from './decode.js';
export { InputError, isInputError, type InputErrorCode } from './errors.js';
export type { Problem } from './problem.js';
export type {
  IngestEvent,
  RowEvent,
  InvalidEvent,
  DuplicateEvent,
  NoticeEvent,
  Notice,
  NoticeCode,
} from './events.js';

/**
 * The CSV renderer: one row per customer, RFC 4180 quoting, CRLF line ends, UTF-8 with
 * a byte order mark so Excel reads umlauts right, and formula cells neutralized.
 */
import { CUSTOMER_COLUMNS, cellText } from '../columns.js';
import type { Report } from '../schema.js';

const BOM = '\uFEFF';
/** Leading characters a spreadsheet may treat as the start of a formula (OWASP). */
const FORMULA_START = /^[=+\-@\t\r\n]/;

/** Prefix a cell a spreadsheet would evaluate with `'`, so it shows as text. */
export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Quote a cell per RFC 4180 when it holds a comma, quote, CR or LF. */
export function quoteCsv(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Render the customers as CSV; the header row holds the JSON field names. */
export function renderCsv(report: Report): string {
  const lines = [CUSTOMER_COLUMNS.map((c) => c.field).join(',')];
  for (const customer of report.customers) {
    lines.push(
      CUSTOMER_COLUMNS.map((c) => quoteCsv(neutralizeFormula(cellText(customer, c.field)))).join(
        ',',
      ),
    );
  }
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

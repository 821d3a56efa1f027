import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from '../store/index.js';
import type { RejectedRow } from './load.js';

/** One line of the results file. */
export interface ResultLine {
  row: number | null;
  key: string | null;
  accountName: string;
  accountDomain: string;
  status: string;
  requestId: string | null;
  smartAccountId: string | null;
  expiresAt: string | null;
  reason: string | null;
}

const COLUMNS: Array<keyof ResultLine> = [
  'row',
  'key',
  'accountName',
  'accountDomain',
  'status',
  'requestId',
  'smartAccountId',
  'expiresAt',
  'reason',
];

/** Statuses that belong in the error file. */
const ERRORS = new Set([
  'invalid',
  'duplicate',
  'failed',
  'attention',
  'queued',
  'requested',
  'submitting',
]);

/** A CSV cell: quoted when needed, and a leading = + - @ made harmless for Excel. */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const toCsv = (lines: ResultLine[]) =>
  `\ufeff${[COLUMNS.join(','), ...lines.map((l) => COLUMNS.map((c) => csvCell(l[c])).join(','))].join('\r\n')}\r\n`;

/** The results of every row of `sourceFile` as the store has them now, plus the rejected rows. */
export async function collectResults(
  store: Store,
  sourceFile: string,
  rejected: RejectedRow[],
): Promise<ResultLine[]> {
  const lines: ResultLine[] = rejected.map((r) => ({
    row: r.row,
    key: r.key,
    accountName: r.accountName,
    accountDomain: r.accountDomain,
    status: r.status,
    requestId: null,
    smartAccountId: null,
    expiresAt: null,
    reason: r.reason,
  }));
  let afterKey: string | undefined;
  for (;;) {
    const page = await store.listCustomers({ limit: 1000, ...(afterKey ? { afterKey } : {}) });
    if (page.length === 0) break;
    for (const c of page) {
      if (c.sourceFile !== sourceFile) continue;
      lines.push({
        row: c.sourceRow,
        key: c.key,
        accountName: c.accountName,
        accountDomain: c.accountDomain,
        status: c.status,
        requestId: c.requestId,
        smartAccountId: c.smartAccountId,
        expiresAt: c.expiresAt,
        reason: c.lastError,
      });
    }
    afterKey = page[page.length - 1]?.key;
  }
  return lines.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
}

/**
 * Writes the results like Data Loader's success and error files: `path` holds every
 * row with its outcome, `<path>.errors.csv` only the rows that need a look.
 */
export function writeResults(path: string, lines: ResultLine[]): { all: string; errors: string } {
  mkdirSync(dirname(path), { recursive: true });
  const errors = path.replace(/(\.csv)?$/i, '.errors.csv');
  writeFileSync(path, toCsv(lines));
  writeFileSync(errors, toCsv(lines.filter((l) => ERRORS.has(l.status))));
  return { all: path, errors };
}

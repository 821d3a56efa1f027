/** How the demo talks: step headings, indented command output, plain tables. */
import { domainToUnicode } from 'node:url';
import type { Report } from '../batch/report/index.js';

/** Where the demo writes (stdout by default; tests may collect it). */
export type Write = (text: string) => void;

/** A step heading: `Step 2 · Submit the spreadsheet`. */
export function heading(write: Write, step: string, title: string): void {
  write(`\n${step} · ${title}\n`);
}

/** A command's own output, indented under the command line the user would type. */
export function commandOutput(
  write: Write,
  command: string,
  result: { code: number; stdout: string; stderr: string; ms: number },
): void {
  write(`  $ ${command}\n`);
  const text = `${result.stderr}${result.stdout}`.replace(/\s+$/, '');
  for (const line of text.split('\n')) if (line.trim() !== '') write(`    ${line}\n`);
  write(`    (exit ${result.code}, ${(result.ms / 1000).toFixed(1)} s)\n`);
}

/** A conclusion in plain words. */
export function say(write: Write, text: string): void {
  write(`  → ${text}\n`);
}

/** `n thing(s)` with the right plural. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The date part of an ISO timestamp. */
export const day = (iso: string | null): string => (iso ? iso.slice(0, 10) : '');

/** A text table with a header row and a rule under it; columns padded to fit. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const ORDER = ['active', 'pending', 'expired', 'skipped', 'attention', 'failed'];

/** What the report says about one customer, in a few words. */
function detail(c: Report['customers'][number]): string {
  switch (c.status) {
    case 'active':
      return `activated ${day(c.activatedAt)}`;
    case 'pending': {
      const left = c.daysLeft === null ? '' : `, ${plural(c.daysLeft, 'day')} left`;
      const reminders = c.remindersSent > 0 ? `, ${plural(c.remindersSent, 'reminder')} sent` : '';
      return `expires ${day(c.expiresAt)}${left}${reminders}`;
    }
    case 'expired':
      return `expired ${day(c.expiresAt)} (request again)`;
    case 'skipped':
      return c.lastError ?? 'already has a Smart Account';
    default:
      return c.lastError ?? '';
  }
}

/** The final table: one line per customer in the report, grouped by status. */
export function customerTable(report: Report): string {
  const rank = (s: string) => (ORDER.includes(s) ? ORDER.indexOf(s) : ORDER.length);
  const rows = [...report.customers]
    .sort(
      (a, b) => rank(a.status) - rank(b.status) || a.accountName.localeCompare(b.accountName, 'de'),
    )
    .map((c) => [c.accountName, domainToUnicode(c.accountDomain), c.status, detail(c)]);
  return table(['Customer', 'Domain', 'Status', 'Expires / activated'], rows);
}

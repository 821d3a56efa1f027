/** The Markdown renderer: summary, counts per status, customer table, reported mail. */
import { STATUSES } from '../../store/types.js';
import { CUSTOMER_COLUMNS, cellText, isoDate } from '../columns.js';
import { formatDays, formatInstant, formatRate } from '../format-figures.js';
import type { Report } from '../schema.js';

/**
 * Make text safe inside a Markdown table cell: backslash-escape the characters that
 * start Markdown or HTML syntax (CommonMark allows it for any ASCII punctuation),
 * pipes included, and fold line breaks into spaces.
 */
export function escapeMarkdownCell(value: string): string {
  return value.replace(/[\\`*_[\]<>|&#!~]/g, '\\$&').replace(/\s*[\r\n]+\s*/g, ' ');
}

function table(headings: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headings), line(headings.map(() => '---')), ...rows.map(line)];
}

/** Render the report as GitHub-flavoured Markdown. */
export function renderMarkdown(report: Report): string {
  const { summary } = report;
  const out = [
    '# Smart Account onboarding report',
    '',
    `Generated ${formatInstant(report.generatedAt)} · report format v${report.version}`,
    '',
    '## Summary',
    '',
    `- Customers: ${summary.total}`,
    `- Activation rate: ${formatRate(summary.activationRate)} (active / (active + pending + expired))`,
    `- Median time to activate: ${formatDays(summary.medianDaysToActivate)}`,
    `- Reminders sent: ${summary.remindersSent}`,
    `- Unmatched or suspicious mail: ${summary.unmatchedMail}`,
    '',
    ...table(
      ['Status', 'Customers'],
      STATUSES.map((s) => [s, String(summary[s])]),
    ),
    '',
    '## Customers',
    '',
  ];
  if (report.customers.length === 0) out.push('No customers yet.');
  else {
    const rows = report.customers.map((customer) =>
      CUSTOMER_COLUMNS.map((c) => {
        const text = cellText(customer, c.field);
        return escapeMarkdownCell(c.timestamp && text ? isoDate(text) : text);
      }),
    );
    out.push(
      ...table(
        CUSTOMER_COLUMNS.map((c) => c.label),
        rows,
      ),
    );
  }
  out.push('', '## Unmatched and suspicious mail', '');
  if (report.unmatchedMail.length === 0) out.push('None.');
  else {
    const rows = report.unmatchedMail.map((m) =>
      [
        formatInstant(m.at),
        m.outcome,
        m.classification,
        m.key ?? '',
        m.messageId,
        m.reason ?? '',
      ].map(escapeMarkdownCell),
    );
    out.push(
      ...table(['Processed', 'Outcome', 'Looked like', 'Customer', 'Message-ID', 'Reason'], rows),
    );
  }
  return `${out.join('\n')}\n`;
}

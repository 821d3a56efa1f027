/** The unmatched and suspicious mail section's table (cards on a phone). */
import { formatInstant } from '../../format-figures.js';
import type { ReportMail } from '../../schema.js';
import { escapeHtml } from './escape.js';

const COLUMNS: readonly { label: string; value: (m: ReportMail) => string; badge?: boolean }[] = [
  { label: 'Processed', value: (m) => formatInstant(m.at) },
  { label: 'Outcome', value: (m) => m.outcome, badge: true },
  { label: 'Looked like', value: (m) => m.classification },
  { label: 'Customer', value: (m) => m.key ?? '' },
  { label: 'Message-ID', value: (m) => m.messageId },
  { label: 'Mailbox / UID', value: (m) => `${m.mailbox} / ${m.uid}` },
  { label: 'Reason', value: (m) => m.reason ?? '' },
];

/** Render the mail a human should look at, or a note that there is none. */
export function mailTable(mail: readonly ReportMail[]): string {
  if (mail.length === 0)
    return '<p class="muted">None: every processed email was accounted for.</p>';
  const head = COLUMNS.map((c) => `<th scope="col">${escapeHtml(c.label)}</th>`).join('');
  const rows = mail.map((m) => {
    const cells = COLUMNS.map((c) => {
      const text = c.value(m);
      const content = c.badge
        ? `<span class="badge m-${escapeHtml(text)}">${escapeHtml(text)}</span>`
        : escapeHtml(text);
      return `<td${text === '' ? ' class="empty"' : ''} data-label="${escapeHtml(c.label)}">${content}</td>`;
    });
    return `<tr class="row m-${escapeHtml(m.outcome)}">${cells.join('')}</tr>`;
  });
  return [
    '<div class="table-wrap">',
    '<table class="cards" id="unmatched-mail">',
    `<thead><tr>${head}</tr></thead>`,
    '<tbody>',
    ...rows,
    '</tbody>',
    '</table>',
    '</div>',
  ].join('\n');
}

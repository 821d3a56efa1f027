/** The customer table; on a phone each row becomes a card (see `styles.ts`). */
import { CUSTOMER_COLUMNS, cellText, isoDate } from '../../columns.js';
import type { ReportCustomer } from '../../schema.js';
import { escapeHtml } from './escape.js';

function cell(customer: ReportCustomer, field: keyof ReportCustomer, timestamp: boolean): string {
  const text = cellText(customer, field);
  if (field === 'status') return `<span class="badge s-${text}">${escapeHtml(text)}</span>`;
  if (timestamp && text) {
    return `<time datetime="${escapeHtml(text)}" title="${escapeHtml(text)}">${escapeHtml(isoDate(text))}</time>`;
  }
  return escapeHtml(text);
}

/** Render every customer as a table row; empty cells are hidden in the phone card layout. */
export function customerTable(customers: readonly ReportCustomer[]): string {
  if (customers.length === 0) return '<p class="muted">No customers yet.</p>';
  const head = CUSTOMER_COLUMNS.map(
    (c) => `<th scope="col" class="c-${c.field}">${escapeHtml(c.label)}</th>`,
  ).join('');
  const rows = customers.map((customer) => {
    const cells = CUSTOMER_COLUMNS.map((c) => {
      const empty = cellText(customer, c.field) === '';
      const classes = `c-${c.field}${empty ? ' empty' : ''}`;
      return `<td class="${classes}" data-label="${escapeHtml(c.label)}">${cell(customer, c.field, c.timestamp ?? false)}</td>`;
    });
    return `<tr class="row s-${customer.status}">${cells.join('')}</tr>`;
  });
  return [
    '<div class="table-wrap">',
    '<table class="cards" id="customers">',
    `<thead><tr>${head}</tr></thead>`,
    '<tbody>',
    ...rows,
    '</tbody>',
    '</table>',
    '</div>',
  ].join('\n');
}

/** Inline SVG: a horizontal bar per status with its count (horizontal reads well on a phone). */
import { STATUSES } from '../../../store/types.js';
import type { ReportSummary } from '../../schema.js';
import { escapeHtml } from './escape.js';
import { STATUS_COLORS } from './status-colors.js';

const WIDTH = 400;
const ROW = 26;
const LABEL = 92;
const BAR_MAX = 250;

/** Render the counts per status as an accessible inline SVG bar chart. */
export function statusChart(summary: ReportSummary): string {
  const max = Math.max(1, ...STATUSES.map((s) => summary[s]));
  const height = STATUSES.length * ROW + 8;
  const rows = STATUSES.map((status, i) => {
    const count = summary[status];
    const y = 4 + i * ROW;
    const width = count === 0 ? 0 : Math.max(2, (count / max) * BAR_MAX);
    return [
      `<g class="bar" data-status="${status}">`,
      `<text x="${LABEL - 8}" y="${y + 17}" text-anchor="end">${status}</text>`,
      `<rect x="${LABEL}" y="${y + 4}" width="${width.toFixed(1)}" height="${ROW - 8}" rx="3" fill="${STATUS_COLORS[status]}"/>`,
      `<text x="${(LABEL + width + 6).toFixed(1)}" y="${y + 17}" class="count">${count}</text>`,
      '</g>',
    ].join('');
  });
  const label = STATUSES.map((s) => `${s} ${summary[s]}`).join(', ');
  return [
    `<svg class="chart" id="status-chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="status-chart-title">`,
    `<title id="status-chart-title">Customers per status: ${escapeHtml(label)}</title>`,
    ...rows,
    '</svg>',
  ].join('\n');
}

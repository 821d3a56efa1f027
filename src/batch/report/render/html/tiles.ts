/** The summary tiles at the top of the HTML report. */
import { formatDays, formatRate } from '../../format-figures.js';
import type { ReportSummary } from '../../schema.js';
import { escapeHtml } from './escape.js';

interface Tile {
  label: string;
  value: string;
  note?: string;
  tone?: 'good' | 'warn' | 'bad';
}

function tiles(summary: ReportSummary): Tile[] {
  const needsHuman = summary.attention + summary.failed;
  return [
    { label: 'Customers', value: String(summary.total) },
    { label: 'Active', value: String(summary.active), tone: 'good' },
    { label: 'Pending', value: String(summary.pending), tone: 'warn' },
    { label: 'Expired', value: String(summary.expired) },
    {
      label: 'Activation rate',
      value: formatRate(summary.activationRate),
      note: 'active ÷ (active + pending + expired)',
    },
    {
      label: 'Median to activate',
      value: formatDays(summary.medianDaysToActivate),
      note: 'from submit to activation',
    },
    {
      label: 'Failed or attention',
      value: String(needsHuman),
      ...(needsHuman > 0 ? { tone: 'bad' as const } : {}),
    },
    {
      label: 'Unmatched mail',
      value: String(summary.unmatchedMail),
      ...(summary.unmatchedMail > 0 ? { tone: 'bad' as const } : {}),
    },
  ];
}

/** Render the summary as a grid of tiles. */
export function summaryTiles(summary: ReportSummary): string {
  const items = tiles(summary).map(
    (t) =>
      `<div class="tile${t.tone ? ` ${t.tone}` : ''}"><div class="label">${escapeHtml(t.label)}</div>` +
      `<div class="value">${escapeHtml(t.value)}</div>` +
      (t.note ? `<div class="note">${escapeHtml(t.note)}</div>` : '') +
      '</div>',
  );
  return `<div class="tiles">\n${items.join('\n')}\n</div>`;
}

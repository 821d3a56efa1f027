/** Inline SVG: activations per day, week or month as vertical bars. */
import type { Timeline } from '../../timeline.js';
import { escapeHtml } from './escape.js';

const WIDTH = 400;
const HEIGHT = 200;
const LEFT = 34;
const RIGHT = 8;
const TOP = 16;
const BOTTOM = 28;
/** Up to this many buckets each bar gets its count printed above it. */
const LABEL_EACH_BAR = 16;

function tickLabel(timeline: Timeline, start: string): string {
  return timeline.unit === 'month' ? start.slice(0, 7) : start.slice(5);
}

/** Indices of the buckets whose start date is printed under the axis: all up to 8, else 5 spread out. */
function tickIndices(count: number): number[] {
  if (count <= 8) return Array.from({ length: count }, (_, i) => i);
  return [0, 1, 2, 3, 4].map((i) => Math.round((i * (count - 1)) / 4));
}

/** Render the activation timeline as an accessible inline SVG bar chart. */
export function activationChart(timeline: Timeline): string {
  const open = `<svg class="chart" id="activation-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="activation-chart-title">`;
  const { buckets } = timeline;
  if (buckets.length === 0) {
    return [
      open,
      '<title id="activation-chart-title">No activations yet</title>',
      `<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle" class="muted">No activations yet</text>`,
      '</svg>',
    ].join('\n');
  }
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const slot = plotW / buckets.length;
  const barW = Math.max(1, slot * 0.72);
  const base = TOP + plotH;
  const bars = buckets.map((b, i) => {
    const h = (b.count / max) * plotH;
    const x = LEFT + i * slot + (slot - barW) / 2;
    const value =
      buckets.length <= LABEL_EACH_BAR && b.count > 0
        ? `<text x="${(x + barW / 2).toFixed(1)}" y="${(base - h - 4).toFixed(1)}" text-anchor="middle" class="count">${b.count}</text>`
        : '';
    return `<g class="bar"><title>${escapeHtml(`${timeline.unit} of ${b.start}: ${b.count}`)}</title><rect x="${x.toFixed(1)}" y="${(base - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" rx="2" fill="#1a7f37"/>${value}</g>`;
  });
  const ticks = tickIndices(buckets.length).map((i) => {
    const x = LEFT + i * slot + slot / 2;
    const anchor =
      i === 0 && buckets.length > 8
        ? 'start'
        : i === buckets.length - 1 && buckets.length > 8
          ? 'end'
          : 'middle';
    const label = tickLabel(timeline, buckets[i]?.start ?? '');
    return `<text x="${x.toFixed(1)}" y="${HEIGHT - 8}" text-anchor="${anchor}" class="tick">${escapeHtml(label)}</text>`;
  });
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  return [
    open,
    `<title id="activation-chart-title">${total} activations per ${timeline.unit}, ${escapeHtml(buckets[0]?.start ?? '')} to ${escapeHtml(buckets.at(-1)?.start ?? '')}</title>`,
    `<line x1="${LEFT}" y1="${TOP}" x2="${WIDTH - RIGHT}" y2="${TOP}" class="grid"/>`,
    `<line x1="${LEFT}" y1="${base}" x2="${WIDTH - RIGHT}" y2="${base}" class="axis"/>`,
    `<text x="${LEFT - 6}" y="${TOP + 4}" text-anchor="end" class="tick">${max}</text>`,
    `<text x="${LEFT - 6}" y="${base + 4}" text-anchor="end" class="tick">0</text>`,
    ...bars,
    ...ticks,
    '</svg>',
  ].join('\n');
}

/** Activations over time, bucketed by day, ISO week or month, gaps filled with zeros. */

export type TimelineUnit = 'day' | 'week' | 'month';

export interface TimelineBucket {
  /** First day of the bucket, `YYYY-MM-DD` (UTC; weeks start on Monday). */
  start: string;
  count: number;
}

export interface Timeline {
  unit: TimelineUnit;
  buckets: TimelineBucket[];
}

const DAY_MS = 86_400_000;
/** Up to this many days of data are shown per day, up to this many weeks per week. */
const MAX_DAYS = 31;
const MAX_WEEKS = 26;

function startOf(unit: TimelineUnit, ms: number): number {
  const d = new Date(ms);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (unit === 'day') return day;
  if (unit === 'week') return day - ((d.getUTCDay() + 6) % 7) * DAY_MS;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function next(unit: TimelineUnit, ms: number): number {
  if (unit === 'day') return ms + DAY_MS;
  if (unit === 'week') return ms + 7 * DAY_MS;
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/**
 * Count `activatedAt` instants per bucket from the first activation to the last. The
 * unit is the finest that keeps the chart readable on a phone.
 */
export function activationTimeline(rows: readonly { activatedAt: string | null }[]): Timeline {
  const times = rows
    .map((r) => (r.activatedAt === null ? Number.NaN : Date.parse(r.activatedAt)))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const first = times[0];
  const last = times.at(-1);
  if (first === undefined || last === undefined) return { unit: 'day', buckets: [] };
  const spanDays = (startOf('day', last) - startOf('day', first)) / DAY_MS + 1;
  const unit: TimelineUnit =
    spanDays <= MAX_DAYS ? 'day' : spanDays <= MAX_WEEKS * 7 ? 'week' : 'month';
  const counts = new Map<number, number>();
  for (const t of times) {
    const start = startOf(unit, t);
    counts.set(start, (counts.get(start) ?? 0) + 1);
  }
  const buckets: TimelineBucket[] = [];
  for (let s = startOf(unit, first); s <= last; s = next(unit, s)) {
    buckets.push({ start: new Date(s).toISOString().slice(0, 10), count: counts.get(s) ?? 0 });
  }
  return { unit, buckets };
}

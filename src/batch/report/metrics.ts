/**
 * The report's derived figures, as pure functions of the rows (documented in
 * `docs/report-schema.md`).
 */
import { STATUSES } from '../store/types.js';
import type { Status } from '../store/types.js';

const DAY_MS = 86_400_000;

/** Rows per status, every status present (zero included). */
export function countStatuses(rows: readonly { status: Status }[]): Record<Status, number> {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const row of rows) counts[row.status] += 1;
  return counts;
}

/**
 * active / (active + pending + expired), rounded to 4 decimals: of the requests that
 * reached the customer, the share the customer accepted. Rows that never got that far
 * (queued, failed, skipped, …) do not count either way. `null` when nothing was sent.
 */
export function activationRate(counts: Record<Status, number>): number | null {
  const reached = counts.active + counts.pending + counts.expired;
  return reached === 0 ? null : Math.round((counts.active / reached) * 10_000) / 10_000;
}

/** Median of `activatedAt − submittedAt` in days, 1 decimal; `null` without such rows. */
export function medianDaysToActivate(
  rows: readonly { submittedAt: string | null; activatedAt: string | null }[],
): number | null {
  const days: number[] = [];
  for (const row of rows) {
    if (row.submittedAt === null || row.activatedAt === null) continue;
    const ms = Date.parse(row.activatedAt) - Date.parse(row.submittedAt);
    if (Number.isFinite(ms)) days.push(Math.max(0, ms) / DAY_MS);
  }
  if (days.length === 0) return null;
  days.sort((a, b) => a - b);
  const mid = Math.floor(days.length / 2);
  const median =
    days.length % 2 === 1 ? (days[mid] ?? 0) : ((days[mid - 1] ?? 0) + (days[mid] ?? 0)) / 2;
  return Math.round(median * 10) / 10;
}

/** Whole days until a pending request expires, rounded up, never below 0; else `null`. */
export function daysLeft(
  row: { status: Status; expiresAt: string | null },
  now: Date,
): number | null {
  if (row.status !== 'pending' || row.expiresAt === null) return null;
  const ms = Date.parse(row.expiresAt) - now.getTime();
  return Number.isFinite(ms) ? Math.max(0, Math.ceil(ms / DAY_MS)) : null;
}

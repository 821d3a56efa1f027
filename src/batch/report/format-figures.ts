/** How people-facing formats (Markdown, HTML) print the summary's derived figures. */

/** `0.6667` → `66.7 %`; `null` → `–`. */
export function formatRate(rate: number | null): string {
  return rate === null ? '–' : `${(rate * 100).toFixed(1)} %`;
}

/** `3.5` → `3.5 days`; `null` → `–`. */
export function formatDays(days: number | null): string {
  if (days === null) return '–';
  return `${days} ${days === 1 ? 'day' : 'days'}`;
}

/** `2025-01-31T12:34:56.000Z` → `2025-01-31 12:34 UTC`. */
export function formatInstant(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

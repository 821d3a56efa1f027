/** The JSON renderer: the report as validated by `reportSchema`, pretty-printed. */
import type { Report } from '../schema.js';

/** Render the report as pretty JSON (2-space indent, trailing newline). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

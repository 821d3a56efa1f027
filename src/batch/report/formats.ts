/** The report formats and the renderer for each. */
import { renderCsv } from './render/csv.js';
import { renderHtml } from './render/html/index.js';
import { renderJson } from './render/json.js';
import { renderMarkdown } from './render/md.js';
import type { Report } from './schema.js';

export const REPORT_FORMATS = ['csv', 'json', 'html', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const RENDERERS: Record<ReportFormat, (report: Report) => string> = {
  csv: renderCsv,
  json: renderJson,
  html: renderHtml,
  md: renderMarkdown,
};

/** Whether `value` names a report format. */
export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

/** Render the report in one format (a string ready to write; CSV starts with a BOM). */
export function renderReport(report: Report, format: ReportFormat): string {
  return RENDERERS[format](report);
}

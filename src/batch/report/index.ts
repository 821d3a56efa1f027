/**
 * The status report (DESIGN §2, issue 6): `buildReport` reads the store into a
 * versioned `Report`, `renderReport` / `writeReport` turn it into CSV, JSON, HTML or
 * Markdown. Format documented in `docs/report-schema.md`.
 */
export { buildReport, REMINDER_EMAIL_KIND } from './build.js';
export type { BuildReportOptions } from './build.js';
export {
  REPORT_VERSION,
  REPORTED_MAIL_OUTCOMES,
  reportSchema,
  reportSummarySchema,
  reportCustomerSchema,
  reportMailSchema,
  reportJsonSchema,
} from './schema.js';
export type { Report, ReportSummary, ReportCustomer, ReportMail } from './schema.js';
export { REPORT_FORMATS, isReportFormat, renderReport } from './formats.js';
export type { ReportFormat } from './formats.js';
export { writeReport } from './write.js';
export type { WriteReportResult } from './write.js';
export { activationRate, medianDaysToActivate, daysLeft, countStatuses } from './metrics.js';
export { activationTimeline } from './timeline.js';
export type { Timeline, TimelineBucket, TimelineUnit } from './timeline.js';
export { renderCsv, neutralizeFormula, quoteCsv } from './render/csv.js';
export { renderJson } from './render/json.js';
export { renderMarkdown, escapeMarkdownCell } from './render/md.js';
export { renderHtml } from './render/html/index.js';
export { escapeHtml } from './render/html/escape.js';

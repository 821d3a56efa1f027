/**
 * The HTML renderer: one self-contained page (inline CSS and SVG, no scripts, no
 * external resources — a Content-Security-Policy forbids them) that reads well on a
 * phone. Every piece of data is HTML-escaped.
 */
import { formatInstant } from '../../format-figures.js';
import type { Report } from '../../schema.js';
import { activationTimeline } from '../../timeline.js';
import { activationChart } from './activation-chart.js';
import { customerTable } from './customer-table.js';
import { escapeHtml } from './escape.js';
import { mailTable } from './mail-table.js';
import { statusChart } from './status-chart.js';
import { REPORT_CSS } from './styles.js';
import { summaryTiles } from './tiles.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** Render the report as a single self-contained HTML page. */
export function renderHtml(report: Report): string {
  const generated = formatInstant(report.generatedAt);
  const timeline = activationTimeline(report.customers);
  const { summary } = report;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="smart-onboard report v${report.version}">
<title>Smart Account onboarding report · ${escapeHtml(generated)}</title>
<style>
${REPORT_CSS}</style>
</head>
<body>
<main>
<header>
<h1>Smart Account onboarding report</h1>
<p class="muted">Generated <time datetime="${escapeHtml(report.generatedAt)}">${escapeHtml(generated)}</time> · ${summary.total} customers</p>
</header>
<section aria-labelledby="summary-heading">
<h2 id="summary-heading" class="sr">Summary</h2>
${summaryTiles(summary)}
</section>
<section class="charts" aria-label="Charts">
<div class="panel">
<h2>Customers per status</h2>
${statusChart(summary)}
</div>
<div class="panel">
<h2>Activations per ${timeline.unit}</h2>
${activationChart(timeline)}
</div>
</section>
<section aria-labelledby="customers-heading">
<h2 id="customers-heading">Customers (${report.customers.length})</h2>
${customerTable(report.customers)}
</section>
<section aria-labelledby="mail-heading">
<h2 id="mail-heading">Unmatched and suspicious mail (${report.unmatchedMail.length})</h2>
${mailTable(report.unmatchedMail)}
</section>
<footer class="muted">smart-onboard status report, format v${report.version}. Times in UTC. Activation rate = active ÷ (active + pending + expired).</footer>
</main>
</body>
</html>
`;
}

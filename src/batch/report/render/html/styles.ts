/**
 * The report page's inline CSS. Phone first: tiles and charts reflow, tables become one
 * card per row below 700px; on wider screens tables scroll inside their frame.
 */
import { MAIL_OUTCOME_COLORS, STATUS_COLORS } from './status-colors.js';

const BASE = `
:root{--bg:#f6f8fa;--fg:#1f2328;--card:#fff;--muted:#59636e;--line:#d1d9e0;--hover:#f0f3f6}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--card:#161b22;--muted:#9198a1;--line:#3d444d;--hover:#1f2630}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1240px;margin:0 auto;padding:20px 16px 32px}
h1{font-size:1.45rem;margin:0 0 4px;line-height:1.2}
h2{font-size:1.05rem;margin:0 0 10px}
section{margin-top:22px}
.muted{color:var(--muted)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(128px,1fr));gap:10px}
.tile{background:var(--card);border:1px solid var(--line);border-top:4px solid var(--line);border-radius:10px;padding:10px 12px}
.tile.good{border-top-color:#1a7f37}.tile.warn{border-top-color:#9a6700}.tile.bad{border-top-color:#cf222e}
.tile .label{font-size:.75rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.tile .value{font-size:1.55rem;font-weight:650;font-variant-numeric:tabular-nums;line-height:1.25}
.tile .note{font-size:.75rem;color:var(--muted)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,340px),1fr));gap:12px}
.panel{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px;min-width:0}
.chart{display:block;width:100%;max-width:520px;height:auto;margin:0 auto;font-size:13px;fill:currentColor}
.chart .count{font-weight:600;font-variant-numeric:tabular-nums}
.chart .tick,.chart .muted{font-size:11px;fill:var(--muted)}
.chart .grid{stroke:var(--line);stroke-dasharray:3 3}
.chart .axis{stroke:var(--muted)}
.table-wrap{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:10px}
table{border-collapse:collapse;width:100%;font-size:.875rem}
th,td{padding:7px 10px;text-align:left;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--card);white-space:nowrap;font-weight:600;font-size:.8rem;color:var(--muted)}
tbody tr:last-child td{border-bottom:0}
tbody tr:hover{background:var(--hover)}
td{white-space:nowrap}
td.c-accountName,td.c-lastError,td[data-label="Reason"]{white-space:normal;min-width:14em;overflow-wrap:anywhere}
td.c-daysLeft,td.c-remindersSent{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 9px;border-radius:999px;color:#fff;background:#6e7781;font-size:.78rem;font-weight:600;white-space:nowrap}
footer{margin-top:28px;font-size:.8rem}
@media (max-width:700px){
main{padding:14px 12px 24px}
.tiles{grid-template-columns:repeat(2,minmax(0,1fr))}
.table-wrap{overflow:visible;background:none;border:0}
table.cards thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.cards,table.cards tbody{display:block}
table.cards tr{display:flex;flex-direction:column;background:var(--card);border:1px solid var(--line);border-left:5px solid var(--status,var(--line));border-radius:10px;margin-bottom:10px;padding:8px 12px}
table.cards tbody tr:hover{background:var(--card)}
table.cards td{display:grid;grid-template-columns:8.4em minmax(0,1fr);gap:8px;border:0;padding:2px 0;white-space:normal;min-width:0;overflow-wrap:anywhere;text-align:left}
table.cards td::before{content:attr(data-label);color:var(--muted);font-size:.8rem;padding-top:1px}
table.cards td.empty{display:none}
table.cards td.c-accountName{order:-2;display:block;font-size:1.02rem;font-weight:650;padding-bottom:2px}
table.cards td.c-accountName::before{content:none}
table.cards td.c-status{order:-1}
table.cards td>*{justify-self:start}
}
`;

function colorRules(): string {
  const status = Object.entries(STATUS_COLORS).map(
    ([s, color]) => `.badge.s-${s}{background:${color}}tr.s-${s}{--status:${color}}`,
  );
  const mail = Object.entries(MAIL_OUTCOME_COLORS).map(
    ([o, color]) => `.badge.m-${o}{background:${color}}tr.m-${o}{--status:${color}}`,
  );
  return [...status, ...mail].join('\n');
}

/** The complete stylesheet, to inline in a `<style>` element. */
export const REPORT_CSS = `${BASE.trim()}\n${colorRules()}\n`;

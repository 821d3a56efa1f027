// Runs every benchmark under bench/ (each in its own process) and prints one table
// of ratios with the goal beside each. Usage: npm run bench [-- name-filter]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort();

const results = [];
for (const file of files) {
  console.log(`\n▶ ${file}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${file}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  for (const line of run.stdout.split('\n')) {
    if (line.startsWith('bench-result ')) results.push(JSON.parse(line.slice(13)));
    else if (line.trim()) console.log(`  ${line}`);
  }
  if (run.status !== 0) {
    results.push({ name: file, value: NaN, goal: '-', pass: false, detail: `exit ${run.status}` });
  }
}

const rows = results.map((r) => [
  r.pass ? 'ok' : 'MISS',
  r.name,
  Number.isFinite(r.value) ? r.value.toFixed(2) : '-',
  r.goal,
  r.detail,
]);
const head = ['', 'benchmark', 'ratio', 'goal', 'measured'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
for (const row of rows) console.log(line(row));
process.exitCode = results.every((r) => r.pass) ? 0 : 1;

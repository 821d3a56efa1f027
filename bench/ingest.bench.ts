/**
 * Ingest benchmark: readCustomerBatches — what `validate` and `submit` read files with
 * (decode + delimiter detection + csv-parse + normalize + zod + keys + duplicate check) —
 * against raw csv-parse over the same generated file, and peak RSS of it at 20k vs 200k
 * rows (each in a fresh process).
 *
 * Run: npx tsx bench/ingest.bench.ts [rows]   (default 200000; goal: ratio ≤ 1.5×)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCustomerBatches } from '../src/batch/ingest/index.js';
import { generateCustomersCsv, rawCsvParse, report } from './lib.js';

async function ingest(file: string): Promise<number> {
  let n = 0;
  for await (const events of readCustomerBatches(file))
    for (const e of events) if (e.type === 'row') n++;
  return n;
}

async function time(
  fn: (file: string) => Promise<number>,
  file: string,
  expected: number,
): Promise<number> {
  const start = process.hrtime.bigint();
  const n = await fn(file);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (n !== expected) throw new Error(`expected ${expected} rows, got ${n}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function peakRss(file: string): Promise<number> {
  // A fresh process per size, so the numbers are not mixed with this process's heap.
  const me = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, ['--import', 'tsx', me, '--rss', file], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(child.stderr);
  return Number(child.stdout.trim());
}

async function main(): Promise<void> {
  if (process.argv[2] === '--rss') {
    let peak = process.memoryUsage.rss();
    let rows = 0;
    for await (const events of readCustomerBatches(process.argv[3] ?? '')) {
      for (const e of events) if (e.type === 'row') rows++;
      peak = Math.max(peak, process.memoryUsage.rss());
    }
    if (rows === 0) throw new Error('no rows read');
    console.log(Math.max(peak, process.memoryUsage.rss()));
    return;
  }
  const rows = Number(process.argv[2] ?? 200_000);
  const dir = mkdtempSync(join(tmpdir(), 'ingest-bench-'));
  try {
    const big = join(dir, 'big.csv');
    const small = join(dir, 'small.csv');
    await generateCustomersCsv(big, rows);
    await generateCustomersCsv(small, Math.round(rows / 10));
    await time(rawCsvParse, big, rows); // warm-up
    await time(ingest, big, rows);
    const raw: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < 5; i++) {
      raw.push(await time(rawCsvParse, big, rows));
      ours.push(await time(ingest, big, rows));
    }
    const rawMs = median(raw);
    const oursMs = median(ours);
    const rate = (ms: number) => Math.round(rows / (ms / 1000)).toLocaleString('en-US');
    console.log(`ingest: ${rows.toLocaleString('en-US')} rows, median of 5`);
    console.log(`  raw csv-parse       ${rawMs.toFixed(0)} ms  (${rate(rawMs)} rows/s)`);
    console.log(`  readCustomerBatches ${oursMs.toFixed(0)} ms  (${rate(oursMs)} rows/s)`);
    report({
      name: `ingest + validate vs raw csv-parse (${rows.toLocaleString('en-US')} rows)`,
      value: oursMs / rawMs,
      goal: '≤ 1.5×',
      pass: oursMs / rawMs <= 1.5,
      detail: `readCustomerBatches ${rate(oursMs)} rows/s, csv-parse ${rate(rawMs)} rows/s`,
    });
    const rssSmall = await peakRss(small);
    const rssBig = await peakRss(big);
    const mb = (b: number) => (b / 1048576).toFixed(1);
    const growthMb = (rssBig - rssSmall) / 1048576;
    report({
      name: `peak RSS growth ${Math.round(rows / 10)} → ${rows} rows (MB)`,
      value: growthMb,
      goal: '< 50 MB',
      pass: growthMb < 50,
      detail: `${mb(rssSmall)} MB → ${mb(rssBig)} MB`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

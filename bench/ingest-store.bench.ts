/**
 * Ingest including the store writes: `loadFile` (decode + csv-parse + zod + keys +
 * duplicate check + upsert into a SQLite store in a temp dir) against raw csv-parse of
 * the same 200k-row file, and peak RSS of `loadFile` at 20k vs 200k rows, each in a
 * fresh child process (`process.resourceUsage().maxRSS` at the end).
 *
 * Run: node --import tsx bench/ingest-store.bench.ts [rows]
 * Goals: ratio ≤ 2.5×; peak RSS grows by less than 50 MB from 20k to 200k rows.
 * Env: BENCH_ROUNDS (2) timed rounds of each, median reported.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/batch/store/index.js';
import { loadFile } from '../src/batch/submit/load.js';
import { generateCustomersCsv, median, rawCsvParse, report } from './lib.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

/** loadFile into a fresh SQLite store; returns the rows stored. */
async function ingestIntoStore(file: string, stateFile: string): Promise<number> {
  const store = await openStore({ file: stateFile });
  try {
    const result = await loadFile(store, file);
    return result.byOutcome.inserted;
  } finally {
    await store.close();
  }
}

async function timed(fn: () => Promise<number>, expected: number): Promise<number> {
  const started = performance.now();
  const n = await fn();
  const ms = performance.now() - started;
  if (n !== expected) throw new Error(`expected ${expected} rows, got ${n}`);
  return ms;
}

/** Peak RSS in bytes of loadFile over `file`, in a fresh process. */
function peakRss(file: string, dir: string): number {
  const me = fileURLToPath(import.meta.url);
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', me, '--rss', file, join(dir, `rss-${Math.random()}.db`)],
    { encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(child.stderr);
  return Number(child.stdout.trim().split('\n').pop());
}

async function main(): Promise<void> {
  if (process.argv[2] === '--rss') {
    await ingestIntoStore(process.argv[3] ?? '', process.argv[4] ?? ':memory:');
    // maxRSS is in kilobytes.
    console.log(process.resourceUsage().maxRSS * 1024);
    return;
  }
  const rows = Number(process.argv[2] ?? 200_000);
  const dir = mkdtempSync(join(tmpdir(), 'ingest-store-bench-'));
  try {
    const big = join(dir, 'big.csv');
    const small = join(dir, 'small.csv');
    await generateCustomersCsv(big, rows);
    await generateCustomersCsv(small, Math.round(rows / 10));
    let n = 0;
    const store = () => join(dir, `state-${n++}.db`);
    // Warm-up (the store on the small file: a big load takes long), then alternate so
    // drift hits both alike.
    await timed(() => rawCsvParse(big), rows);
    await timed(() => ingestIntoStore(small, store()), Math.round(rows / 10));
    const raw: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      raw.push(await timed(() => rawCsvParse(big), rows));
      ours.push(await timed(() => ingestIntoStore(big, store()), rows));
    }
    const rawMs = median(raw);
    const oursMs = median(ours);
    const rate = (ms: number) => Math.round(rows / (ms / 1000)).toLocaleString('en-US');
    report({
      name: `ingest + store writes (SQLite) vs raw csv-parse, ${rows.toLocaleString('en-US')} rows`,
      value: oursMs / rawMs,
      goal: '≤ 2.5×',
      pass: oursMs / rawMs <= 2.5,
      detail: `loadFile ${oursMs.toFixed(0)} ms (${rate(oursMs)} rows/s), raw csv-parse ${rawMs.toFixed(0)} ms (${rate(rawMs)} rows/s), median of ${ROUNDS}`,
    });

    const rssSmall = peakRss(small, dir);
    const rssBig = peakRss(big, dir);
    const mb = (b: number) => b / 1048576;
    const growth = mb(rssBig - rssSmall);
    report({
      name: `loadFile peak RSS growth ${Math.round(rows / 10).toLocaleString('en-US')} → ${rows.toLocaleString('en-US')} rows (MB)`,
      value: growth,
      goal: '< 50 MB',
      pass: growth < 50,
      detail: `peak RSS ${mb(rssSmall).toFixed(1)} MB at ${Math.round(rows / 10)} rows, ${mb(rssBig).toFixed(1)} MB at ${rows} rows (fresh process each, maxRSS)`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

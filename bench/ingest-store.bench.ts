/**
 * Ingest including the store writes: `loadFile` (decode + csv-parse + zod + keys +
 * duplicate check + upsert into a SQLite store in a temp dir) against raw csv-parse of
 * the same 200k-row file, and peak RSS of `loadFile` at 20k vs 200k rows, each in a
 * fresh child process (`process.resourceUsage().maxRSS` at the end).
 *
 * For context it also measures the floor of the SQLite writes alone: the same rows
 * (parsed beforehand, untimed) inserted with raw better-sqlite3 prepared statements into
 * the same schema — each customer plus its first transition, 10,000 rows per
 * transaction, as loadFile commits them. That floor is printed as its own ratio against
 * csv-parse, and loadFile against csv-parse + floor.
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
import Database from 'better-sqlite3';
import { readCustomerBatches } from '../src/batch/ingest/index.js';
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

interface PlainRow {
  key: string;
  accountName: string;
  accountDomain: string;
  customerEmail: string;
  data: string;
  sourceRow: number;
}

/** The valid rows of `file` as the store writes them (untimed preparation for the floor). */
async function plainRows(file: string): Promise<PlainRow[]> {
  const rows: PlainRow[] = [];
  for await (const events of readCustomerBatches(file))
    for (const e of events) {
      if (e.type !== 'row') continue;
      const { accountName, accountDomain, customerEmail } = e.data;
      const data = JSON.stringify(e.data);
      rows.push({ key: e.key, accountName, accountDomain, customerEmail, data, sourceRow: e.row });
    }
  return rows;
}

/** The SQLite floor: raw prepared inserts of `rows` (+ first transition) into a fresh store file. */
async function rawSqliteInsert(rows: PlainRow[], stateFile: string): Promise<number> {
  await (await openStore({ file: stateFile })).close(); // schema via the real migrations
  const db = new Database(stateFile);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const at = new Date().toISOString();
    const customer = db.prepare(
      `insert into customers (key, account_name, account_domain, customer_email, data, status,
         source_file, source_row, created_at, updated_at)
       values (?, ?, ?, ?, ?, 'queued', 'big.csv', ?, ?, ?) on conflict (key) do nothing`,
    );
    const transition = db.prepare(
      `insert into transitions (key, from_status, to_status, at, cause, run_id)
       values (?, null, 'queued', ?, 'ingest: new row', null)`,
    );
    let inserted = 0;
    const write = db.transaction((chunk: PlainRow[]) => {
      for (const r of chunk) {
        const { changes } = customer.run(
          r.key,
          r.accountName,
          r.accountDomain,
          r.customerEmail,
          r.data,
          r.sourceRow,
          at,
          at,
        );
        if (changes > 0) {
          transition.run(r.key, at);
          inserted++;
        }
      }
    });
    for (let i = 0; i < rows.length; i += 10_000) write(rows.slice(i, i + 10_000));
    return inserted;
  } finally {
    db.close();
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
    const prepared = await plainRows(big);
    const raw: number[] = [];
    const ours: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      raw.push(await timed(() => rawCsvParse(big), rows));
      ours.push(await timed(() => ingestIntoStore(big, store()), rows));
      floor.push(await timed(() => rawSqliteInsert(prepared, store()), rows));
    }
    const rawMs = median(raw);
    const oursMs = median(ours);
    const floorMs = median(floor);
    const rate = (ms: number) => Math.round(rows / (ms / 1000)).toLocaleString('en-US');
    report({
      name: `ingest + store writes (SQLite) vs raw csv-parse, ${rows.toLocaleString('en-US')} rows`,
      value: oursMs / rawMs,
      goal: '≤ 2.5×',
      pass: oursMs / rawMs <= 2.5,
      detail: `loadFile ${oursMs.toFixed(0)} ms (${rate(oursMs)} rows/s), raw csv-parse ${rawMs.toFixed(0)} ms (${rate(rawMs)} rows/s), median of ${ROUNDS}`,
    });
    report({
      name: 'SQLite floor: raw prepared inserts of the same rows vs raw csv-parse (context)',
      value: floorMs / rawMs,
      goal: 'info',
      pass: true,
      detail: `better-sqlite3 alone ${floorMs.toFixed(0)} ms (${rate(floorMs)} rows/s); loadFile is ${(oursMs / (rawMs + floorMs)).toFixed(2)}× csv-parse + this floor`,
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

/**
 * Submit throughput: service calls per second of `runSubmit` (SQLite store in a temp
 * dir, sandbox in its own process at 20 ms latency) against the ceiling
 * `min(rate limit, concurrency / bare-call latency)`, both measured in the same run.
 *
 * Throughput is a steady-state figure: a warm-up run of 160 rows comes first (the JIT
 * takes a few hundred rows to settle), then 1,000 rows are timed, so start-up (token,
 * first claim) and the last, partly empty wave weigh little.
 *
 * Calls are counted as rows × 5 (list by clientReference, search, create, review,
 * submit: what processRow does for a new row), checked against the sandbox's state
 * afterwards. Wall time is that of `runSubmit` only; loading the file is excluded.
 *
 * Run: node --import tsx bench/submit.bench.ts   (needs `npm run build` for the sandbox)
 * Env: BENCH_SUBMIT_ROWS (1000), BENCH_SUBMIT_CONCURRENCY (16), BENCH_SUBMIT_RATE (100)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import got from 'got';
import type { ServiceSettings } from '../src/batch/config.js';
import { openStore } from '../src/batch/store/index.js';
import { loadFile } from '../src/batch/submit/load.js';
import { runSubmit } from '../src/batch/submit/run.js';
import { type SandboxProcess, median, report, spawnSandbox } from './lib.js';

const ROWS = Number(process.env.BENCH_SUBMIT_ROWS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_SUBMIT_CONCURRENCY ?? 16);
const RATE = Number(process.env.BENCH_SUBMIT_RATE ?? 100);
const LATENCY_MS = 20;
const CALLS_PER_ROW = 5;

function csv(file: string, rows: number, tag: string): string {
  const lines = ['Account Name,Customer Email,Account Domain'];
  for (let i = 0; i < rows; i++) {
    lines.push(`Bench ${tag} ${i} GmbH,it@${tag}${i}.example,${tag}${i}.example`);
  }
  writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

async function token(sandbox: SandboxProcess): Promise<string> {
  const body = await got
    .post(sandbox.tokenUrl, {
      form: {
        grant_type: 'client_credentials',
        client_id: sandbox.clientId,
        client_secret: sandbox.clientSecret,
      },
    })
    .json<{ access_token: string }>();
  return body.access_token;
}

/** Median latency of one bare got GET of a request route, one call at a time. */
async function bareLatencyMs(sandbox: SandboxProcess): Promise<number> {
  const bearer = { authorization: `Bearer ${await token(sandbox)}` };
  const created = await got
    .post(`${sandbox.baseUrl}/account-requests`, {
      headers: bearer,
      json: {
        accountName: 'Latency GmbH',
        customerEmail: 'it@latency.example',
        accountDomain: 'latency.example',
      },
    })
    .json<{ id: string }>();
  const url = `${sandbox.baseUrl}/account-requests/${created.id}`;
  for (let i = 0; i < 5; i++) await got(url, { headers: bearer }).json(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const started = performance.now();
    await got(url, { headers: bearer }).json();
    times.push(performance.now() - started);
  }
  return median(times);
}

/**
 * What bare got reaches at `concurrency` calls in flight for `ms` against the same
 * sandbox: tells a busy machine (both low) from overhead in the submit path.
 */
async function bareThroughput(sandbox: SandboxProcess, concurrency: number, ms = 3000) {
  const bearer = { authorization: `Bearer ${await token(sandbox)}` };
  let calls = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < end) {
        await got(`${sandbox.baseUrl}/account-requests?clientReference=bare-${w}`, {
          headers: bearer,
        }).json();
        calls += 1;
      }
    }),
  );
  return calls / (ms / 1000);
}

interface CaseResult {
  callsPerSecond: number;
  wallMs: number;
  calls: number;
}

async function submitCase(
  sandbox: SandboxProcess,
  dir: string,
  options: { rows: number; concurrency: number; rate: number; tag: string },
): Promise<CaseResult> {
  const store = await openStore({ file: join(dir, `${options.tag}.db`) });
  try {
    const file = csv(join(dir, `${options.tag}.csv`), options.rows, options.tag);
    const run = await store.startRun({ command: `bench ${options.tag}` });
    const loaded = await loadFile(store, file, { runId: run.id });
    if (loaded.byOutcome.inserted !== options.rows) {
      throw new Error(`loaded ${JSON.stringify(loaded.byOutcome)}, expected ${options.rows} new`);
    }
    const service: ServiceSettings = {
      baseUrl: sandbox.baseUrl,
      tokenUrl: sandbox.tokenUrl,
      clientId: sandbox.clientId,
      clientSecret: sandbox.clientSecret,
      timeoutMs: 30_000,
      maxRetries: 5,
    };
    const started = performance.now();
    const summary = await runSubmit({
      store,
      service,
      concurrency: options.concurrency,
      rate: options.rate,
      blockOnWarnings: [],
      defaultLocale: 'en',
      runId: run.id,
    });
    const wallMs = performance.now() - started;
    await store.finishRun(run.id, { status: 'succeeded', counts: summary.counts });
    if (summary.counts.pending !== options.rows) {
      throw new Error(`expected ${options.rows} pending, got ${JSON.stringify(summary.counts)}`);
    }
    // Check the call count assumption against the service: one submitted request per row.
    const state = await got(`${sandbox.controlUrl}/state`).json<{
      requests: Array<{ clientReference: string | null; submitCount: number }>;
    }>();
    const mine = state.requests.filter((r) => loaded.rows > 0 && r.clientReference !== null);
    const submitted = mine.filter((r) => r.submitCount === 1).length;
    if (submitted < options.rows) throw new Error(`only ${submitted} requests submitted`);
    const calls = options.rows * CALLS_PER_ROW;
    return { callsPerSecond: calls / (wallMs / 1000), wallMs, calls };
  } finally {
    await store.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'submit-bench-'));
const sandbox = await spawnSandbox(['--latency', String(LATENCY_MS)]);
try {
  const latency = await bareLatencyMs(sandbox);
  // Warm-up: module loading, JIT (a few hundred rows before the code settles), token.
  await submitCase(sandbox, dir, { rows: 160, concurrency: CONCURRENCY, rate: 0, tag: 'warm' });

  const unlimited = await submitCase(sandbox, dir, {
    rows: ROWS,
    concurrency: CONCURRENCY,
    rate: 0,
    tag: 'open',
  });
  const ceiling = CONCURRENCY / (latency / 1000);
  const bare = await bareThroughput(sandbox, CONCURRENCY);
  const ratio = unlimited.callsPerSecond / ceiling;
  report({
    name: `submit throughput vs ceiling (c=${CONCURRENCY}, no rate limit)`,
    value: ratio,
    goal: '≥ 0.85',
    pass: ratio >= 0.85,
    detail: `${unlimited.callsPerSecond.toFixed(0)} calls/s (${unlimited.calls} calls, ${ROWS} rows in ${unlimited.wallMs.toFixed(0)} ms); ceiling ${ceiling.toFixed(0)} calls/s = ${CONCURRENCY} / ${latency.toFixed(1)} ms bare-call latency; bare got at the same concurrency: ${bare.toFixed(0)} calls/s (${(bare / ceiling).toFixed(2)} of the ceiling)`,
  });

  const rateRows = Math.max(20, Math.round((RATE * 5) / CALLS_PER_ROW)); // ≈ 5 s of calls
  const limited = await submitCase(sandbox, dir, {
    rows: rateRows,
    concurrency: CONCURRENCY,
    rate: RATE,
    tag: 'rate',
  });
  const rateCeiling = Math.min(RATE, ceiling);
  const rateRatio = limited.callsPerSecond / rateCeiling;
  report({
    name: `submit throughput vs --rate ${RATE}/s (c=${CONCURRENCY})`,
    value: rateRatio,
    goal: '0.85–1.02 (limit respected, and used)',
    pass: rateRatio >= 0.85 && rateRatio <= 1.02,
    detail: `${limited.callsPerSecond.toFixed(1)} calls/s (${limited.calls} calls, ${rateRows} rows in ${limited.wallMs.toFixed(0)} ms); ceiling min(${RATE}, ${ceiling.toFixed(0)}) = ${rateCeiling.toFixed(0)} calls/s`,
  });
} finally {
  sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Two `smart-onboard submit` processes at once on one PostgreSQL database and one file:
 * both finish, every row is requested exactly once, and the work is shared.
 */
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/batch/store/index.js';
import { loadFile } from '../src/batch/submit/load.js';
import { runSubmit } from '../src/batch/submit/run.js';
import { type TestDatabase, createTestDatabase } from './helpers/postgres.js';
import { type TestSandbox, startTestSandbox } from './helpers/sandbox.js';
import { setFaults } from './helpers/sdk.js';
import {
  type CliResult,
  customers,
  notExactlyOnce,
  readResults,
  requestsByRef,
  runCli,
  serviceEnv,
  sleep,
  spawnCli,
  tempDir,
  writeCustomersCsv,
} from './helpers/submit.js';

const ROWS = 80;

let sandbox: TestSandbox;
let db: TestDatabase;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  [sandbox, db] = await Promise.all([startTestSandbox(), createTestDatabase()]);
  tmp = tempDir('so-submit-pg-');
});
afterAll(async () => {
  await sandbox.close();
  await db.drop();
  tmp.remove();
});

interface SubmitJson {
  rows: Record<string, number>;
  summary: { workerId: string; processed: number; counts: Record<string, number> };
}

/** The summary line `submit --json` prints last on stdout. */
function summaryOf(result: CliResult): SubmitJson {
  const last = result.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as SubmitJson;
}

describe('submit: two processes on one PostgreSQL database', () => {
  it(`${ROWS} rows, two workers at once: exactly once, all pending, work shared`, async () => {
    await setFaults(sandbox, { latencyMs: 20 });
    const file = writeCustomersCsv(join(tmp.dir, 'shared.csv'), customers(ROWS, 'pg'));
    const env = serviceEnv(sandbox);
    const args = (n: number) => [
      'submit',
      file,
      '--database-url',
      db.url,
      '--no-email',
      '--concurrency',
      '4',
      '--json',
      '--out',
      join(tmp.dir, `results-${n}.csv`),
    ];
    const [a, b] = await Promise.all([
      spawnCli(args(1), { env, cwd: tmp.dir }).done,
      spawnCli(args(2), { env, cwd: tmp.dir }).done,
    ]);
    // Both must end 0 — also the one that found every row locked by the other's load
    // (see the next test). Soft, so the exactly-once checks below still run.
    const tail = (r: CliResult) => `${r.stdout.trim().split('\n').pop() ?? ''}\n${r.stderr}`;
    expect.soft(a.code, tail(a)).toBe(0);
    expect.soft(b.code, tail(b)).toBe(0);

    const byRef = await requestsByRef(sandbox);
    // The final picture from the store, once both are done (a third run writes it).
    const again = await runCli(args(3), { env, cwd: tmp.dir });
    expect(again.code, again.stderr).toBe(0);
    expect(summaryOf(again).summary.processed).toBe(0);
    const results = readResults(join(tmp.dir, 'results-3.csv'));
    expect(results).toHaveLength(ROWS);
    expect(results.filter((r) => r.status !== 'pending')).toEqual([]);
    expect(
      notExactlyOnce(
        byRef,
        results.map((r) => r.key),
      ),
    ).toEqual([]);
    expect(byRef.total).toBe(ROWS);
    expect(byRef.totalSubmits).toBe(ROWS);

    // Who did what: each row's turn is counted by exactly one worker, unless a row was
    // claimed by one worker and, finding it already done by the other, resumed.
    const sa = summaryOf(a).summary;
    const sb = summaryOf(b).summary;
    console.log(
      `two workers on PostgreSQL: ${sa.workerId} processed ${sa.processed}, ${sb.workerId} processed ${sb.processed}`,
    );
    expect(sa.workerId).not.toBe(sb.workerId);
    expect(sa.processed + sb.processed).toBeGreaterThanOrEqual(ROWS);
    if (sa.processed === 0 || sb.processed === 0) {
      console.warn('one worker did all the work (the other started late); not a failure');
    }
    expect((await requestsByRef(sandbox)).totalSubmits).toBe(ROWS);
  }, 60_000);

  it('waits for rows another transaction holds locked instead of ending with them queued', async () => {
    // Another worker loading the same file holds its rows locked until its load commits;
    // PostgreSQL's claim skips locked rows, so a worker that finds none must wait.
    await setFaults(sandbox, { latencyMs: 0 });
    const file = writeCustomersCsv(join(tmp.dir, 'locked.csv'), customers(6, 'locked'));
    const store = await openStore({ url: db.url });
    const locker = new pg.Client({ connectionString: db.url });
    try {
      const run = await store.startRun({ command: 'test' });
      const loaded = await loadFile(store, file, { runId: run.id });
      const keys = loaded.byOutcome.inserted === 6 ? await queuedKeys(store) : [];
      expect(keys).toHaveLength(6);
      await locker.connect();
      await locker.query('begin');
      await locker.query('select key from customers where key = any($1) for update', [keys]);
      const release = sleep(1500).then(() => locker.query('commit'));
      const summary = await runSubmit({
        store,
        service: { ...serviceSettings(), timeoutMs: 10_000, maxRetries: 2 },
        concurrency: 2,
        rate: 0,
        blockOnWarnings: [],
        defaultLocale: 'en',
        runId: run.id,
      });
      await release;
      expect(summary.counts).toEqual({ pending: 6 });
      const after = await Promise.all(keys.map((k) => store.getCustomer(k)));
      expect(after.map((c) => c?.status)).toEqual(Array(6).fill('pending'));
    } finally {
      await locker.end();
      await store.close();
    }
  }, 30_000);
});

async function queuedKeys(store: Awaited<ReturnType<typeof openStore>>): Promise<string[]> {
  return (await store.listCustomers({ status: ['queued'] })).map((c) => c.key);
}

function serviceSettings() {
  const { baseUrl, tokenUrl, clientId, clientSecret } = sandbox;
  return { baseUrl, tokenUrl, clientId, clientSecret };
}

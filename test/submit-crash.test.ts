/**
 * `kill -9` of a running `smart-onboard submit` at several points, then a re-run
 * without a kill: every row requested exactly once in the sandbox, none lost, and the
 * results file, the store's report and the sandbox agree.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestSandbox, startTestSandbox } from './helpers/sandbox.js';
import { sandboxRequests, setFaults } from './helpers/sdk.js';
import {
  customers,
  notExactlyOnce,
  readResults,
  requestsByRef,
  runCli,
  serviceEnv,
  sleep,
  spawnCli,
  tempDir,
  waitForStderr,
  writeCustomersCsv,
} from './helpers/submit.js';

const ROWS = 60;
/**
 * Kill points, one run each. The CLI takes about a second to start and load the file
 * (more while other test files run), so all but the first count from the moment it
 * reports the file loaded (its first stderr line); the first lands during start-up.
 */
const KILLS: Array<{ ms: number; from: 'spawn' | 'loaded' }> = [
  { ms: 300, from: 'spawn' },
  { ms: 300, from: 'loaded' },
  { ms: 900, from: 'loaded' },
  { ms: 1600, from: 'loaded' },
  { ms: 50, from: 'loaded' },
  { ms: 600, from: 'loaded' },
];

let sandbox: TestSandbox;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  tmp = tempDir('so-submit-crash-');
});
afterAll(async () => {
  await sandbox.close();
  tmp.remove();
});

describe('submit: kill -9 and resume', () => {
  it(`kill -9 at ${KILLS.map((k) => `${k.ms} ms after ${k.from}`).join(', ')}, then a full run: exactly once, none lost`, async () => {
    await setFaults(sandbox, { latencyMs: 30, jitterMs: 30 });
    const file = writeCustomersCsv(join(tmp.dir, 'crash.csv'), customers(ROWS, 'crash'));
    const state = join(tmp.dir, 'state.db');
    const out = join(tmp.dir, 'results.csv');
    const args = ['submit', file, '--state', state, '--no-email', '--concurrency', '4'];
    const env = serviceEnv(sandbox);

    const seen: string[] = [];
    for (const { ms, from } of KILLS) {
      const run = spawnCli(args, { env, cwd: tmp.dir });
      if (from === 'loaded') await waitForStderr(run.child, /\n/);
      await sleep(ms);
      const killed = run.child.kill('SIGKILL');
      const result = await run.done;
      const s = await sandboxRequests(sandbox);
      const submitted = s.requests.filter((r) => r.submitCount > 0).length;
      seen.push(
        `kill ${ms} ms after ${from}: ${killed && result.signal === 'SIGKILL' ? 'killed' : `exited ${result.code}`}, sandbox ${s.requests.length} requests, ${submitted} submitted`,
      );
    }
    console.log(`submit crash test:\n  ${seen.join('\n  ')}`);

    const final = await runCli([...args, '--out', out], { env, cwd: tmp.dir });
    expect(final.code, `${final.stdout}\n${final.stderr}`).toBe(0);

    // None lost: every row of the file is pending.
    const results = readResults(out);
    expect(results).toHaveLength(ROWS);
    expect(results.filter((r) => r.status !== 'pending')).toEqual([]);
    expect(new Set(results.map((r) => r.key)).size).toBe(ROWS);

    // Exactly once: one live request per row key, submitted once; nothing else.
    const byRef = await requestsByRef(sandbox);
    expect(
      notExactlyOnce(
        byRef,
        results.map((r) => r.key),
      ),
    ).toEqual([]);
    expect(byRef.withoutRef).toBe(0);
    expect(byRef.totalSubmits).toBe(ROWS);
    expect([...byRef.requests.keys()].sort()).toEqual(results.map((r) => r.key).sort());

    // Consistent: the results file names the request the service has for that key.
    const s = await sandboxRequests(sandbox);
    for (const r of results) {
      const live = s.requests.find(
        (q) => q.clientReference === r.key && q.status !== 'cancelled' && q.status !== 'expired',
      );
      expect(live?.id, r.key).toBe(r.requestId);
      expect(live?.status).toBe('pending');
    }

    // The store's report agrees.
    const report = await runCli(['report', '--format', 'json', '--state', state], {
      cwd: tmp.dir,
    });
    expect(report.code, report.stderr).toBe(0);
    const parsed = JSON.parse(report.stdout) as {
      customers: Array<{ key: string; status: string; requestId: string | null }>;
    };
    expect(parsed.customers).toHaveLength(ROWS);
    expect(parsed.customers.every((c) => c.status === 'pending')).toBe(true);

    // A further run finds nothing to do.
    const again = await runCli(args, { env, cwd: tmp.dir });
    expect(again.code, again.stderr).toBe(0);
    expect((await requestsByRef(sandbox)).totalSubmits).toBe(ROWS);
  }, 90_000);
});

/**
 * `smart-onboard submit` against a misbehaving service: 30 % 503s, 10 % connection
 * resets and a rate limit that answers 429. The batch finishes (in the first run, or a
 * later one if the first exits 1 with unfinished rows) with every valid row pending and
 * nothing requested twice.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  tempDir,
  writeCustomersCsv,
} from './helpers/submit.js';

const ROWS = 40;

let sandbox: TestSandbox;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  tmp = tempDir('so-submit-faults-');
});
afterAll(async () => {
  await sandbox.close();
  tmp.remove();
});

describe('submit: sandbox faults', () => {
  it('503s, resets and 429s: every row pending, nothing requested twice', async () => {
    await setFaults(sandbox, {
      latencyMs: 5,
      errorRate: 0.3,
      errorStatus: 503,
      resetRate: 0.1,
      rateLimitPerSecond: 50,
    });
    const file = writeCustomersCsv(join(tmp.dir, 'faults.csv'), customers(ROWS, 'flt'));
    const out = join(tmp.dir, 'results.csv');
    const args = [
      'submit',
      file,
      '--state',
      join(tmp.dir, 'state.db'),
      '--no-email',
      '--concurrency',
      '8',
      '--out',
      out,
    ];
    const env = serviceEnv(sandbox);

    const runs: CliResult[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await runCli(args, { env, cwd: tmp.dir, timeoutMs: 50_000 });
      runs.push(result);
      if (result.code === 0) break;
      // Only "some rows not finished" (1) or "unreachable" (3) may call for another run.
      expect([1, 3], result.stderr).toContain(result.code);
    }
    const throttled = runs.some((r) => /service asked to slow down/.test(r.stderr));
    console.log(
      `submit under faults: ${runs.length} run(s), exit codes ${runs.map((r) => r.code).join(', ')}; ` +
        `429 back-off logged: ${throttled}`,
    );
    expect(runs.at(-1)?.code, runs.at(-1)?.stderr).toBe(0);

    const results = readResults(out);
    expect(results).toHaveLength(ROWS);
    expect(results.filter((r) => r.status !== 'pending')).toEqual([]);

    await setFaults(sandbox, {});
    const byRef = await requestsByRef(sandbox);
    expect(
      notExactlyOnce(
        byRef,
        results.map((r) => r.key),
      ),
    ).toEqual([]);
    expect(byRef.total).toBe(ROWS);
    expect(byRef.totalSubmits).toBe(ROWS);
    expect(byRef.withoutRef).toBe(0);
  }, 120_000);
});

/**
 * Exit codes of `smart-onboard submit` a cron job can act on, with clear messages, and
 * the client secret never printed.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/batch/store/index.js';
import { type TestSandbox, startTestSandbox } from './helpers/sandbox.js';
import { type CliResult, requestsByRef, runCli, serviceEnv, tempDir } from './helpers/submit.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const SECRET = 'zq-Distinctive-Secret-93f1c7e2b8';
const WRONG_SECRET = 'zq-Wrong-Secret-5d0a41c9';

let sandbox: TestSandbox;
let tmp: ReturnType<typeof tempDir>;
/** Every CLI result of this file, checked for secrets at the end. */
const outputs: CliResult[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox({ clientSecret: SECRET });
  tmp = tempDir('so-submit-exit-');
});
afterAll(async () => {
  await sandbox.close();
  tmp.remove();
});

async function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await runCli(args, { env, cwd: tmp.dir });
  outputs.push(result);
  return result;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('submit exit codes', () => {
  it('3 when the service is unreachable, with a clear message; rows stay queued', async () => {
    const port = await closedPort();
    const state = join(tmp.dir, 'unreachable.db');
    const started = Date.now();
    const res = await cli(['submit', fixture('customers-en.csv'), '--state', state, '--no-email'], {
      ...serviceEnv(sandbox),
      SMART_ONBOARD_BASE_URL: `http://127.0.0.1:${port}`,
      SMART_ONBOARD_TOKEN_URL: `http://127.0.0.1:${port}/oauth/token`,
    });
    console.log(`unreachable service: exit ${res.code} after ${Date.now() - started} ms`);
    expect(res.code, res.stderr).toBe(3);
    expect(res.stderr).toMatch(/could not be reached/);
    expect(res.stderr).toContain(`127.0.0.1:${port}`);
    expect(res.stderr).not.toMatch(/^\s+at /m); // no stack trace

    const status = await cli(['status', 'acme.com', '--state', state]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('status queued');
    expect((await requestsByRef(sandbox)).total).toBe(0);

    // A later run against the real service picks the rows up.
    const later = await cli(
      ['submit', fixture('customers-en.csv'), '--state', state, '--no-email'],
      serviceEnv(sandbox),
    );
    expect(later.code, later.stderr).toBe(0);
    expect((await requestsByRef(sandbox)).totalSubmits).toBe(4);
  });

  it('2 when the service is not configured, naming the environment variables', async () => {
    const res = await cli([
      'submit',
      fixture('customers-de-excel.csv'),
      '--state',
      join(tmp.dir, 'noconfig.db'),
      '--no-email',
    ]);
    expect(res.code, res.stderr).toBe(2);
    for (const name of [
      'SMART_ONBOARD_BASE_URL',
      'SMART_ONBOARD_CLIENT_ID',
      'SMART_ONBOARD_CLIENT_SECRET',
    ]) {
      expect(res.stderr).toContain(name);
    }
    const partial = await cli(
      [
        'submit',
        fixture('customers-de-excel.csv'),
        '--state',
        join(tmp.dir, 'partial.db'),
        '--no-email',
      ],
      { SMART_ONBOARD_BASE_URL: sandbox.baseUrl, SMART_ONBOARD_CLIENT_ID: sandbox.clientId },
    );
    expect(partial.code, partial.stderr).toBe(2);
    expect(partial.stderr).toContain('SMART_ONBOARD_CLIENT_SECRET');
    expect(partial.stderr).not.toContain('SMART_ONBOARD_BASE_URL');
  });

  // A run that ends in an error (config error, unreachable service) must not stay
  // "running" in the run history forever: it is finished as failed (or, for a config
  // error, never started).
  it('a run ending in an error is not left "running" in the store', async () => {
    const state = join(tmp.dir, 'noconfig-run.db');
    const res = await cli(['submit', fixture('customers-en.csv'), '--state', state, '--no-email']);
    expect(res.code).toBe(2);
    for (const file of [state, join(tmp.dir, 'unreachable.db')]) {
      const store = await openStore({ file });
      try {
        const runs = await store.listRuns();
        expect
          .soft(
            runs.filter((r) => r.status === 'running'),
            file,
          )
          .toEqual([]);
      } finally {
        await store.close();
      }
    }
  });

  it('2 for a bad flag', async () => {
    const res = await cli([
      'submit',
      fixture('customers-en.csv'),
      '--state',
      join(tmp.dir, 'flag.db'),
      '--no-email',
      '--concurrency',
      '0',
    ]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--concurrency must be a whole number ≥ 1; got "0"/);
    const rate = await cli(['submit', fixture('customers-en.csv'), '--rate', 'fast', '--no-email']);
    expect(rate.code).toBe(2);
    const missing = await cli(['submit', '--no-email']);
    expect(missing.code).toBe(2);
    const noFile = await cli(
      ['submit', join(tmp.dir, 'nope.csv'), '--state', join(tmp.dir, 'flag.db'), '--no-email'],
      serviceEnv(sandbox),
    );
    expect(noFile.code, noFile.stderr).toBe(2);
    expect(noFile.stderr).toContain('nope.csv');
  });

  it('a wrong secret ends the run with 2 and says so, without printing it', async () => {
    const res = await cli(
      [
        'submit',
        fixture('customers-en.csv'),
        '--state',
        join(tmp.dir, 'wrong.db'),
        '--no-email',
        '--json',
      ],
      { ...serviceEnv(sandbox), SMART_ONBOARD_CLIENT_SECRET: WRONG_SECRET },
    );
    expect(res.code, res.stderr).toBe(2);
    expect(`${res.stdout}${res.stderr}`).not.toContain(WRONG_SECRET);
  });

  it('the client secret never appears in stdout or stderr', async () => {
    // A full run with --json logging, so every log line is looked at too.
    const res = await cli(
      [
        'submit',
        fixture('customers-de-excel.csv'),
        '--state',
        join(tmp.dir, 'secret.db'),
        '--no-email',
        '--json',
      ],
      { ...serviceEnv(sandbox), SMART_ONBOARD_DEBUG: '1' },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(outputs.length).toBeGreaterThan(5);
    for (const o of outputs) {
      expect(o.stdout).not.toContain(SECRET);
      expect(o.stderr).not.toContain(SECRET);
    }
  });
});

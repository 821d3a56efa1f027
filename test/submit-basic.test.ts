/**
 * `smart-onboard submit` through the built CLI as a process: the happy path on real
 * spreadsheets, invalid rows in the error file, an existing account skipped, the dry
 * run, and `validate`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestSandbox, startTestSandbox } from './helpers/sandbox.js';
import {
  notExactlyOnce,
  readResults,
  requestsByRef,
  runCli,
  serviceEnv,
  tempDir,
} from './helpers/submit.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

let sandbox: TestSandbox;
let tmp: ReturnType<typeof tempDir>;
let env: Record<string, string>;

beforeEach(async () => {
  sandbox = await startTestSandbox();
  tmp = tempDir();
  env = serviceEnv(sandbox);
});
afterEach(async () => {
  await sandbox.close();
  tmp.remove();
});

const submit = (file: string, ...extra: string[]) =>
  runCli(
    [
      'submit',
      file,
      '--state',
      join(tmp.dir, 'state.db'),
      '--no-email',
      '--concurrency',
      '4',
      ...extra,
    ],
    { env, cwd: tmp.dir },
  );

interface ValidateJson {
  rows: number;
  valid: number;
  invalid: number;
  duplicates: number;
  ok: boolean;
  problems: Array<{ row: number; column: string | null; message: string; severity: string }>;
}

describe('submit: happy path', () => {
  it.each([
    ['customers-en.csv', 4],
    ['customers-de-excel.csv', 4],
  ])('%s: exit 0, every row pending, exactly one request each', async (name, expected) => {
    const out = join(tmp.dir, 'out', 'results.csv');
    const res = await submit(fixture(name), '--out', out);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`pending\\s+${expected}`));

    const results = readResults(out);
    expect(results).toHaveLength(expected);
    for (const r of results) {
      expect(r.status, `${r.row} ${r.reason}`).toBe('pending');
      expect(r.key).toMatch(/^c_/);
      expect(r.requestId).toMatch(/^req_/);
      expect(r.smartAccountId).toMatch(/^SA-/);
      expect(Date.parse(r.expiresAt)).toBeGreaterThan(Date.now());
    }
    expect(readResults(out.replace(/\.csv$/, '.errors.csv'))).toEqual([]);

    // The sandbox saw exactly one submitted request per row key, and nothing else.
    const byRef = await requestsByRef(sandbox);
    expect(
      notExactlyOnce(
        byRef,
        results.map((r) => r.key),
      ),
    ).toEqual([]);
    expect(byRef.total).toBe(expected);
    expect(byRef.withoutRef).toBe(0);

    // `status <domain>` tells the same story, with the transitions.
    for (const r of results) {
      const status = await runCli(
        ['status', r.accountDomain, '--state', join(tmp.dir, 'state.db')],
        { env: {}, cwd: tmp.dir },
      );
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toContain(`key ${r.key}`);
      expect(status.stdout).toContain('status pending');
      expect(status.stdout).toContain(`request ${r.requestId}`);
      expect(status.stdout).toMatch(/submitting → pending/);
    }
  });

  it('customers-invalid.csv: exit 1, invalid rows with reasons in the error file, valid ones pending', async () => {
    const out = join(tmp.dir, 'results.csv');
    const res = await submit(fixture('customers-invalid.csv'), '--out', out);
    expect(res.code, res.stderr).toBe(1);

    const results = readResults(out);
    const byStatus = (s: string) => results.filter((r) => r.status === s);
    expect(
      byStatus('pending')
        .map((r) => r.accountDomain)
        .sort(),
    ).toEqual(['good-customer.de', 'xn--mnchen-ag-q9a.de']);
    expect(byStatus('invalid').map((r) => Number(r.row))).toEqual([3, 4, 5, 6, 9]);
    expect(byStatus('duplicate').map((r) => Number(r.row))).toEqual([7]);

    const errors = readResults(out.replace(/\.csv$/, '.errors.csv'));
    expect(errors.map((r) => Number(r.row))).toEqual([3, 4, 5, 6, 7, 9]);
    const reason = (row: number) => errors.find((r) => Number(r.row) === row)?.reason ?? '';
    expect(reason(3)).toMatch(/Customer Email.*max@@badmail\.de.*not a valid email/);
    expect(reason(4)).toMatch(/Account Domain.*web address/);
    expect(reason(5)).toMatch(/Account Name.*empty/);
    expect(reason(6)).toMatch(/User Emails.*at most 50/);
    expect(reason(7)).toMatch(/same customer as row 2/);
    expect(reason(9)).toMatch(/broken\.usermail\.de/);

    const byRef = await requestsByRef(sandbox);
    expect(
      notExactlyOnce(
        byRef,
        byStatus('pending').map((r) => r.key),
      ),
    ).toEqual([]);
    expect(byRef.total).toBe(2);
  });

  // Data Loader's error file keeps the row's own data so a person can find and fix it.
  // Here an invalid row's name and domain are filled only when that very cell was wrong.
  it('the error file names the customer of each invalid row', async () => {
    const out = join(tmp.dir, 'results.csv');
    await submit(fixture('customers-invalid.csv'), '--out', out);
    const errors = readResults(out.replace(/\.csv$/, '.errors.csv'));
    const row = (n: number) => errors.find((r) => Number(r.row) === n);
    expect(row(3)?.accountName).toBe('Bad Mail GmbH');
    expect(row(3)?.accountDomain).toBe('badmail.de');
    expect(row(9)?.accountName).toBe('Bad User Mail KG');
  });
});

describe('submit: existing accounts', () => {
  it('skips a customer whose domain already has a Smart Account, naming the account', async () => {
    const seeded = await sandbox.call<{ id: string }>('POST', '/_sandbox/accounts', {
      body: { name: 'Acme Corporation', domain: 'acme.com' },
    });
    expect(seeded.status).toBe(201);
    const out = join(tmp.dir, 'results.csv');
    const res = await submit(fixture('customers-en.csv'), '--out', out);
    // A skipped row is done, not a failure.
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/skipped\s+1/);

    const results = readResults(out);
    const acme = results.find((r) => r.accountDomain === 'acme.com');
    expect(acme?.status).toBe('skipped');
    expect(acme?.reason).toContain(seeded.body.id);
    expect(acme?.reason).toContain('acme.com');
    expect(results.filter((r) => r.status === 'pending')).toHaveLength(3);

    const byRef = await requestsByRef(sandbox);
    expect(byRef.requests.has(acme?.key ?? '')).toBe(false);
    expect(byRef.total).toBe(3);

    const status = await runCli(['status', 'acme.com', '--state', join(tmp.dir, 'state.db')], {
      cwd: tmp.dir,
    });
    expect(status.stdout).toContain('status skipped');
    expect(status.stdout).toContain(seeded.body.id);
  });
});

describe('submit --dry-run and validate', () => {
  it('--dry-run sends nothing, stores nothing and prints the plan', async () => {
    const state = join(tmp.dir, 'state.db');
    const res = await submit(fixture('customers-invalid.csv'), '--dry-run');
    expect(res.code, res.stderr).toBe(1); // invalid rows in the file
    expect(res.stdout).toContain('nothing sent');
    expect(res.stdout).toMatch(/would request\s+2\s+\(2 new/);
    expect(res.stdout).toMatch(/invalid rows\s+5/);
    expect(res.stdout).toMatch(/duplicates\s+1/);
    expect((await requestsByRef(sandbox)).total).toBe(0);

    const good = await submit(fixture('customers-en.csv'), '--dry-run', '--json');
    expect(good.code, good.stderr).toBe(0);
    const plan = JSON.parse(good.stdout.trim()) as { dryRun: boolean; plan: { new: number } };
    expect(plan).toMatchObject({ dryRun: true, plan: { new: 4 } });
    expect((await requestsByRef(sandbox)).total).toBe(0);

    // Nothing stored: status finds nobody.
    if (existsSync(state)) {
      const status = await runCli(['status', 'acme.com', '--state', state], { cwd: tmp.dir });
      expect(status.code).toBe(1);
    }
  });

  it('validate: exit 1 for the invalid fixture, 0 for the good one, --json parseable', async () => {
    const bad = await runCli(['validate', fixture('customers-invalid.csv'), '--json'], {
      cwd: tmp.dir,
    });
    expect(bad.code, bad.stderr).toBe(1);
    const badJson = JSON.parse(bad.stdout) as ValidateJson;
    expect(badJson).toMatchObject({ rows: 8, valid: 2, invalid: 5, duplicates: 1, ok: false });
    const errorRows = badJson.problems.filter((p) => p.severity === 'error').map((p) => p.row);
    expect(new Set(errorRows)).toEqual(new Set([3, 4, 5, 6, 9]));

    const good = await runCli(['validate', fixture('customers-en.csv'), '--json'], {
      cwd: tmp.dir,
    });
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ rows: 4, valid: 4, invalid: 0, ok: true });

    const text = await runCli(['validate', fixture('customers-invalid.csv')], { cwd: tmp.dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('max@@badmail.de');
    expect((await requestsByRef(sandbox)).total).toBe(0);
  });
});

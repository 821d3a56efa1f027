/**
 * Re-running `smart-onboard submit`: the same file requests nothing new; an edited
 * file updates the rows not sent yet and never re-requests (or changes) sent ones.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestSandbox, startTestSandbox } from './helpers/sandbox.js';
import { sandboxRequests } from './helpers/sdk.js';
import {
  customers,
  notExactlyOnce,
  readResults,
  requestsByRef,
  runCli,
  serviceEnv,
  tempDir,
  writeCustomersCsv,
} from './helpers/submit.js';

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

describe('submit: re-runs', () => {
  it('re-running the same file requests nothing new', async () => {
    const file = writeCustomersCsv(join(tmp.dir, 'c.csv'), customers(12, 'same'));
    const out = join(tmp.dir, 'r.csv');
    const first = await submit(file, '--out', out);
    expect(first.code, first.stderr).toBe(0);
    const before = await requestsByRef(sandbox);
    expect(before.total).toBe(12);
    expect(before.totalSubmits).toBe(12);
    const firstResults = readResults(out);

    const second = await submit(file, '--out', out);
    expect(second.code, second.stderr).toBe(0);
    const after = await requestsByRef(sandbox);
    expect(after.total).toBe(12);
    expect(after.totalSubmits).toBe(12);
    expect(
      notExactlyOnce(
        after,
        firstResults.map((r) => r.key),
      ),
    ).toEqual([]);
    // The results file is the same picture: every row still pending with the same request.
    expect(readResults(out)).toEqual(firstResults);

    // And a dry run agrees that everything was handled.
    const dry = await submit(file, '--dry-run', '--json');
    expect(JSON.parse(dry.stdout.trim())).toMatchObject({
      plan: { new: 0, update: 0, unchanged: 0, alreadySent: 12 },
    });
  });

  it('an edited file updates unsent rows and never re-requests sent ones', async () => {
    const rows = customers(10, 'edit');
    const file = writeCustomersCsv(join(tmp.dir, 'c.csv'), rows);
    const out = join(tmp.dir, 'r.csv');

    // Only 4 rows go out; the other 6 stay queued (exit 1: unfinished rows).
    const first = await submit(file, '--limit', '4', '--out', out);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toMatch(/6 row\(s\) not finished/);
    const firstResults = readResults(out);
    const sent = firstResults.filter((r) => r.status === 'pending');
    const queued = firstResults.filter((r) => r.status === 'queued');
    expect(sent).toHaveLength(4);
    expect(queued).toHaveLength(6);
    const sentBefore = await sandboxRequests(sandbox);
    expect(sentBefore.requests).toHaveLength(4);

    // Edit the note and the customer email of every row (same name + domain = same key).
    const edited = rows.map((r) => ({
      ...r,
      note: `${r.note} (edited)`,
      customerEmail: `new.contact@${r.accountDomain}`,
    }));
    writeCustomersCsv(file, edited);

    const dry = await submit(file, '--dry-run', '--json');
    expect(JSON.parse(dry.stdout.trim())).toMatchObject({
      plan: { new: 0, update: 6, unchanged: 0, alreadySent: 4 },
    });

    const second = await submit(file, '--out', out);
    expect(second.code, second.stderr).toBe(0);
    const results = readResults(out);
    expect(results.every((r) => r.status === 'pending')).toBe(true);
    // Same keys as before: the rows were updated, not added.
    expect(results.map((r) => r.key).sort()).toEqual(firstResults.map((r) => r.key).sort());

    const state = await sandboxRequests(sandbox);
    const byRef = await requestsByRef(sandbox);
    expect(
      notExactlyOnce(
        byRef,
        results.map((r) => r.key),
      ),
    ).toEqual([]);
    expect(state.requests).toHaveLength(10);
    const request = (key: string) => state.requests.find((r) => r.clientReference === key);

    // Sent rows: the service's request is untouched (old data, submitted once, same id).
    for (const r of sent) {
      const req = request(r.key) as unknown as Record<string, unknown>;
      expect(req.id).toBe(r.requestId);
      expect(req.noteToCustomer).not.toContain('(edited)');
      expect(req.customerEmail).not.toMatch(/^new\.contact@/);
    }
    // Unsent rows went out with the edited data.
    for (const r of queued) {
      const req = request(r.key) as unknown as Record<string, unknown>;
      expect(req.noteToCustomer).toContain('(edited)');
      expect(req.customerEmail).toBe(`new.contact@${r.accountDomain}`);
    }
  });
});

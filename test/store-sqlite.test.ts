import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { LockHeldError, openStore } from '../src/batch/store/index.js';
import { storeContract } from './store.contract.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'so-store-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

storeContract('sqlite', async () => {
  const file = join(tempDir(), 'state.db');
  return { open: () => openStore({ file }), cleanup: async () => undefined };
});

describe('sqlite driver', () => {
  it('creates .smart-onboard/state.db under the working directory, in WAL mode', async () => {
    const cwd = tempDir();
    const store = await openStore({ cwd });
    await store.upsertCustomer({
      key: 'k',
      accountName: 'A',
      accountDomain: 'a.example',
      customerEmail: 'x@a.example',
      data: {},
    });
    await store.close();
    const file = join(cwd, '.smart-onboard', 'state.db');
    expect(existsSync(file)).toBe(true);
    const raw = new BetterSqlite3(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('select max(version) as v from schema_version').get()).toEqual({ v: 1 });
    raw.close();
  });

  it('takes over a lock whose holder process is gone, but not one whose holder lives', async () => {
    const file = join(tempDir(), 'state.db');
    const store = await openStore({ file });
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid;
    const raw = new BetterSqlite3(file);
    const insert = raw.prepare(
      "insert or replace into locks (name, holder, host, pid, token, acquired_at) values ('reconcile', ?, ?, ?, 't', '2025-01-01T00:00:00.000Z')",
    );
    const host = execFileSync('hostname').toString().trim();
    insert.run(`pid ${dead} on ${host}`, (await import('node:os')).hostname(), dead);
    expect(await store.withLock('reconcile', async () => 'took over')).toBe('took over');
    insert.run('pid 1 on this host', (await import('node:os')).hostname(), 1);
    await expect(store.withLock('reconcile', async () => 'no')).rejects.toBeInstanceOf(
      LockHeldError,
    );
    raw.close();
    await store.close();
  });

  it('never hands the same row to two processes claiming the same file at once', async () => {
    const file = join(tempDir(), 'state.db');
    const store = await openStore({ file });
    const rows = Array.from({ length: 300 }, (_, i) => ({
      key: `k${String(i).padStart(3, '0')}`,
      accountName: `A${i}`,
      accountDomain: `a${i}.example`,
      customerEmail: 'x@a.example',
      data: {},
    }));
    await store.upsertCustomers(rows);
    const storeModule = new URL('../src/batch/store/index.ts', import.meta.url).href;
    const child = `
      const { openStore } = await import(${JSON.stringify(storeModule)});
      const store = await openStore({ file: ${JSON.stringify(file)} });
      (await import('node:fs')).writeFileSync(${JSON.stringify(`${file}.ready`)}, '');
      const got = [];
      for (;;) {
        const batch = await store.claim('child', { statuses: ['queued'], limit: 3, leaseMs: 60000 });
        if (batch.length === 0) break;
        for (const c of batch) {
          await store.transition(c.key, { from: 'queued', to: 'requested', cause: 'child' });
          got.push(c.key);
        }
        await new Promise((r) => setTimeout(r, 2)); // room for the other process between batches
      }
      await store.close();
      console.log(JSON.stringify(got));`;
    const childRun = promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      child,
    ]);
    while (!existsSync(`${file}.ready`)) await new Promise((r) => setTimeout(r, 10));
    const mine: string[] = [];
    for (;;) {
      const batch = await store.claim('parent', {
        statuses: ['queued'],
        limit: 3,
        leaseMs: 60_000,
      });
      if (batch.length === 0) break;
      for (const c of batch) {
        await store.transition(c.key, { from: 'queued', to: 'requested', cause: 'parent' });
        mine.push(c.key);
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    const theirs = JSON.parse((await childRun).stdout) as string[];
    const all = [...mine, ...theirs];
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(rows.map((r) => r.key));
    expect([mine.length > 0, theirs.length > 0]).toEqual([true, true]);
    expect((await store.countByStatus()).requested).toBe(300);
    await store.close();
  });
});

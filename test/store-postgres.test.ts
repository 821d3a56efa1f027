import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { LockHeldError, StoreError, openStore } from '../src/batch/store/index.js';
import { createTestDatabase } from './helpers/postgres.js';
import { storeContract } from './store.contract.js';

storeContract('postgres', async () => {
  const database = await createTestDatabase();
  return { open: () => openStore({ url: database.url }), cleanup: () => database.drop() };
});

describe('postgres driver', () => {
  it('says where it could not connect without revealing the password', async () => {
    const attempt = openStore({ url: 'postgres://ops:s3cr3t-pw@127.0.0.1:1/nothing' });
    await expect(attempt).rejects.toBeInstanceOf(StoreError);
    const error = (await attempt.catch((e: unknown) => e)) as StoreError;
    expect(error.message).toContain('postgres://ops:***@127.0.0.1:1/nothing');
    expect(`${error.message} ${String(error.stack)}`).not.toContain('s3cr3t-pw');
    expect(error.code).toBe('unavailable');
  });

  it('holds the single-flight lock as a PostgreSQL advisory lock that other sessions see', async () => {
    const database = await createTestDatabase();
    const store = await openStore({ url: database.url });
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const tryLock = async () =>
        (
          await client.query<{ ok: boolean }>(
            "select pg_try_advisory_lock(hashtext('smart-onboard:reconcile')) as ok",
          )
        ).rows[0]?.ok;
      await store.withLock('reconcile', async () => {
        expect(await tryLock()).toBe(false);
      });
      expect(await tryLock()).toBe(true);
      await expect(store.withLock('reconcile', async () => 'no')).rejects.toBeInstanceOf(
        LockHeldError,
      );
      await client.query("select pg_advisory_unlock(hashtext('smart-onboard:reconcile'))");
    } finally {
      await client.end();
      await store.close();
      await database.drop();
    }
  });
});

/**
 * PostgreSQL driver: for several workers (on several hosts) sharing one batch.
 * Rows are claimed with `FOR UPDATE SKIP LOCKED`; single-flight locks are session
 * advisory locks on a dedicated connection, so they vanish with a crashed holder.
 * `pg` is loaded only when this driver is used.
 */
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import type { Pool } from 'pg';
import type { Engine } from '../engine.js';
import { StoreError, redactUrl } from '../errors.js';
import { createKyselyStore } from '../kysely-store.js';
import { deleteLockRow, lockHeld, readLockRow, writeLockRow } from '../locks.js';
import type { Database } from '../schema.js';
import { toCustomer } from '../schema.js';
import type { Store } from '../types.js';

export const DRIVER_NAME = 'postgres';

export interface PostgresDriverOptions {
  /** `postgres://user:password@host:port/database` */
  url: string;
  /** Pool size. @default 10 */
  maxConnections?: number;
  /** Give up connecting after this long. @default 10000 */
  connectTimeoutMs?: number;
  /** Clock for stored timestamps. @default () => new Date() */
  now?: () => Date;
}

/** Namespace for our advisory lock keys. */
const lockKey = (name: string) => `smart-onboard:${name}`;

/** Open and migrate a PostgreSQL store. */
export default async function createPostgresStore(options: PostgresDriverOptions): Promise<Store> {
  const { default: pg } = await import('pg');
  const location = redactUrl(options.url);
  const clientConfig = {
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: 'smart-onboard',
  };
  const pool: Pool = new pg.Pool({ ...clientConfig, max: options.maxConnections ?? 10 });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
  });
  const now = options.now ?? (() => new Date());
  const unavailable = (error: unknown) =>
    new StoreError(`Cannot use PostgreSQL at ${location}: ${(error as Error).message}`, {
      code: 'unavailable',
      cause: error,
    });

  const writeTx = <T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
    db.transaction().execute(fn);

  const engine: Engine = {
    dialect: 'postgres',
    location,
    db,
    writeTx,
    migrationTx: (fn) =>
      writeTx(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext(${lockKey('migrate')}))`.execute(trx);
        return fn(trx);
      }),
    async selectCustomersForUpdate(trx, keys) {
      if (keys.length === 0) return [];
      const rows = await trx
        .selectFrom('customers')
        .selectAll()
        .where('key', 'in', [...keys])
        .orderBy('key') // one lock order for everyone: no deadlocks between batches
        .forUpdate()
        .execute();
      return rows.map(toCustomer);
    },
    async selectClaimable(trx, { statuses, now: at, limit }) {
      const rows = await trx
        .selectFrom('customers')
        .select('key')
        .where('status', 'in', [...statuses])
        .where((eb) => eb.or([eb('claimedUntil', 'is', null), eb('claimedUntil', '<', at)]))
        .orderBy('key')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      return rows.map((r) => r.key);
    },
    async acquireLock(name, holder) {
      // A dedicated connection: the advisory lock lives as long as this session.
      const client = new pg.Client(clientConfig);
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch (error) {
        throw unavailable(error);
      }
      try {
        const result = await client.query<{ locked: boolean }>(
          'select pg_try_advisory_lock(hashtext($1)) as locked',
          [lockKey(name)],
        );
        if (!result.rows[0]?.locked) throw lockHeld(name, await readLockRow(db, name));
        await writeLockRow(db, name, holder, now().toISOString());
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      }
      return async () => {
        try {
          await deleteLockRow(db, name, holder.token);
          await client.query('select pg_advisory_unlock(hashtext($1))', [lockKey(name)]);
        } finally {
          await client.end().catch(() => undefined);
        }
      };
    },
    async close() {
      await db.destroy();
    },
  };

  const store = createKyselyStore(engine, { now });
  try {
    await store.migrate();
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw error instanceof StoreError ? error : unavailable(error);
  }
  return store;
}

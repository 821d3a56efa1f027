/**
 * SQLite driver: the embedded default. One better-sqlite3 connection per store in WAL
 * mode. Write transactions are `BEGIN IMMEDIATE`, so a transaction that reads and then
 * writes never fails half-way on another process's commit; within one process they
 * are queued per file (better-sqlite3 waits for a busy database synchronously, which
 * would otherwise stall the event loop while another store in this process holds it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { Database as BetterSqlite3Database, Statement } from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import type { Engine } from '../engine.js';
import { StoreError } from '../errors.js';
import { createKyselyStore } from '../kysely-store.js';
import { deleteLockRow, lockHeld, readLockRow, writeLockRow } from '../locks.js';
import type { Database } from '../schema.js';
import { toCustomer } from '../schema.js';
import type { Store } from '../types.js';

export const DRIVER_NAME = 'sqlite';
/** Relative to the working directory. */
export const DEFAULT_SQLITE_FILE = '.smart-onboard/state.db';

export interface SqliteDriverOptions {
  /** Database file, or `:memory:`. Relative paths resolve against `cwd`. @default '.smart-onboard/state.db' */
  file?: string;
  /** @default process.cwd() */
  cwd?: string;
  /** How long to wait for another process's write lock. @default 5000 */
  busyTimeoutMs?: number;
  /** Clock for stored timestamps. @default () => new Date() */
  now?: () => Date;
}

const queues = new Map<string, Promise<unknown>>();

/** Run `fn` after every earlier call for the same file has settled. */
function serialized<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(file) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  queues.set(file, tail);
  void tail.then(() => {
    if (queues.get(file) === tail) queues.delete(file);
  });
  return run;
}

/**
 * kysely prepares every query anew; preparing costs more than running a small
 * statement, so keep the most recent prepared statements per connection.
 */
function withStatementCache(connection: BetterSqlite3Database): SqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => connection.close(),
    prepare(source: string) {
      let statement = cache.get(source);
      if (statement) {
        cache.delete(source); // re-insert: the Map's order is the recency order
      } else {
        statement = connection.prepare(source);
        if (cache.size >= 256) cache.delete(cache.keys().next().value as string);
      }
      cache.set(source, statement);
      return statement;
    },
  };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Open (creating if needed) and migrate a SQLite store. */
export default async function createSqliteStore(options: SqliteDriverOptions = {}): Promise<Store> {
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  const memory = options.file === ':memory:';
  const file = memory
    ? ':memory:'
    : resolve(options.cwd ?? process.cwd(), options.file ?? DEFAULT_SQLITE_FILE);
  let connection: BetterSqlite3Database;
  try {
    if (!memory && !existsSync(dirname(file))) mkdirSync(dirname(file), { recursive: true });
    connection = new BetterSqlite3(file);
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = NORMAL');
    connection.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  } catch (error) {
    throw new StoreError(`Cannot open the SQLite state file ${file}: ${(error as Error).message}`, {
      code: 'unavailable',
      cause: error,
    });
  }
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(connection) }),
    plugins: [new CamelCasePlugin()],
  });
  const queueKey = memory ? `:memory:${Math.random()}` : file;
  const now = options.now ?? (() => new Date());

  const writeTx = <T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
    serialized(queueKey, () =>
      db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (error) {
          if (connection.inTransaction) await sql`rollback`.execute(conn);
          throw error;
        }
      }),
    );

  const engine: Engine = {
    dialect: 'sqlite',
    location: file,
    db,
    writeTx,
    migrationTx: writeTx,
    async selectCustomersForUpdate(trx, keys) {
      if (keys.length === 0) return [];
      const rows = await trx
        .selectFrom('customers')
        .selectAll()
        .where('key', 'in', [...keys])
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
        .execute();
      return rows.map((r) => r.key);
    },
    async acquireLock(name, holder) {
      await writeTx(async (trx) => {
        const row = await readLockRow(trx, name);
        // A holder whose process is gone (crash, kill -9) left a stale row: take over.
        const stale = row !== undefined && row.host === hostname() && !pidAlive(row.pid);
        if (row && !stale) throw lockHeld(name, row);
        await writeLockRow(trx, name, holder, now().toISOString());
      });
      return () => writeTx((trx) => deleteLockRow(trx, name, holder.token));
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
    throw error instanceof StoreError
      ? error
      : new StoreError(
          `Cannot migrate the SQLite state file ${file}: ${(error as Error).message}`,
          { cause: error },
        );
  }
  return store;
}

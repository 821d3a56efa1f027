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
import {
  CamelCasePlugin,
  Kysely,
  type Selectable,
  SqliteDialect,
  sql,
  type SqliteDatabase,
} from 'kysely';
import type { Engine, NewCustomer, RowChange } from '../engine.js';
import { StoreError } from '../errors.js';
import { createKyselyStore } from '../kysely-store.js';
import { deleteLockRow, lockHeld, readLockRow, writeLockRow } from '../locks.js';
import type { CustomersTable, Database } from '../schema.js';
import { toCustomer } from '../schema.js';
import type { Customer, Store } from '../types.js';

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

/** The customers table's columns: camelCase (as kysely and `toCustomer` see them) → SQL. */
const CUSTOMER_COLUMNS = {
  key: 'key',
  accountName: 'account_name',
  accountDomain: 'account_domain',
  customerEmail: 'customer_email',
  data: 'data',
  status: 'status',
  requestId: 'request_id',
  smartAccountId: 'smart_account_id',
  submittedAt: 'submitted_at',
  expiresAt: 'expires_at',
  activatedAt: 'activated_at',
  lastError: 'last_error',
  sourceFile: 'source_file',
  sourceRow: 'source_row',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  claimedBy: 'claimed_by',
  claimedUntil: 'claimed_until',
} as const satisfies Record<keyof Selectable<CustomersTable>, string>;

const SELECT_CUSTOMER = Object.entries(CUSTOMER_COLUMNS)
  .map(([camel, column]) => `${column} as "${camel}"`)
  .join(', ');

/** Writes one transition: key, from, to, at, cause, run id, details (JSON text). */
const transitionInsert = (connection: BetterSqlite3Database): Statement =>
  connection.prepare(
    `insert into transitions (key, from_status, to_status, at, cause, run_id, details)
     values (?, ?, ?, ?, ?, ?, ?)`,
  );

/**
 * `Store.transition` as one synchronous better-sqlite3 transaction of prepared
 * statements. Through kysely the same took about 300 µs and five promise hops per
 * change; a submit run makes three per row and was held back by it (bench/submit).
 */
function rowChanger(connection: BetterSqlite3Database) {
  const select = connection.prepare(`select ${SELECT_CUSTOMER} from customers where key = ?`);
  const insert = transitionInsert(connection);
  const updates = new Map<string, Statement>();
  const update = (columns: readonly string[]): Statement => {
    const names = columns.map((c) => {
      const column = CUSTOMER_COLUMNS[c as keyof typeof CUSTOMER_COLUMNS];
      if (column === undefined) throw new StoreError(`Unknown customer column "${c}".`);
      return column;
    });
    const source = `update customers set ${[...names, 'status', 'updated_at'].map((n) => `${n} = ?`).join(', ')}
      where key = ? returning ${SELECT_CUSTOMER}`;
    let statement = updates.get(source);
    if (!statement) updates.set(source, (statement = connection.prepare(source)));
    return statement;
  };
  const change = connection.transaction(
    (key: string, guard: (c: Customer | undefined) => Customer, c: RowChange): Customer => {
      const found = select.get(key) as Selectable<CustomersTable> | undefined;
      const from = guard(found && toCustomer(found)).status;
      const at = c.stamp();
      const columns = Object.keys(c.set);
      const values = columns.map((name) => c.set[name] as unknown);
      const row = update(columns).get(...values, c.to, at, key) as Selectable<CustomersTable>;
      insert.run(key, from, c.to, at, c.cause, c.runId, c.details);
      return toCustomer(row);
    },
  );
  return (key: string, guard: (c: Customer | undefined) => Customer, c: RowChange) =>
    change.immediate(key, guard, c);
}

/**
 * `Engine.insertNewCustomers`: per-row prepared statements inside the open write
 * transaction. kysely's multi-row INSERT … RETURNING of the same rows cost about as much
 * again as SQLite's own work on a 200k-row load (bench/ingest-store).
 */
function newCustomerInserter(connection: BetterSqlite3Database) {
  const customer = connection.prepare(
    `insert into customers (key, account_name, account_domain, customer_email, data, status,
       last_error, source_file, source_row, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (key) do nothing`,
  );
  const transition = transitionInsert(connection);
  return (
    rows: readonly NewCustomer[],
    cause: (row: NewCustomer) => string,
    runId: string | null,
  ) => {
    if (!connection.inTransaction) throw new StoreError('insertNewCustomers runs inside writeTx.');
    const inserted: string[] = [];
    for (const r of rows) {
      const { changes } = customer.run(
        r.key,
        r.accountName,
        r.accountDomain,
        r.customerEmail,
        r.data,
        r.status,
        r.lastError,
        r.sourceFile,
        r.sourceRow,
        r.createdAt,
        r.updatedAt,
      );
      if (changes === 0) continue;
      transition.run(r.key, null, r.status, r.createdAt, cause(r), runId, null);
      inserted.push(r.key);
    }
    return inserted;
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

  // Prepared on first use: the tables exist only once the store is migrated.
  let changeRow: ReturnType<typeof rowChanger> | undefined;
  let insertNew: ReturnType<typeof newCustomerInserter> | undefined;
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
    insertNewCustomers: (rows, cause, runId) =>
      (insertNew ??= newCustomerInserter(connection))(rows, cause, runId),
    changeRow: (key, guard, change) =>
      // Queued behind this process's other writes to the file, like writeTx.
      serialized(queueKey, async () => (changeRow ??= rowChanger(connection))(key, guard, change)),
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

/**
 * What a driver provides to the shared query code in `kysely-store.ts`: the kysely
 * instance plus the few things that differ between engines (transactions, row locks,
 * claiming, single-flight locks).
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Customer, Status } from './types.js';

export type Dialect = 'sqlite' | 'postgres';

/** Who takes a lock; written to the `locks` table so a loser can say who holds it. */
export interface LockHolder {
  holder: string;
  host: string;
  pid: number;
  token: string;
}

/** One customer's status change, as `Store.transition` hands it to `Engine.changeRow`. */
export interface RowChange {
  /** Customer columns to write besides status and updatedAt (camelCase, JSON encoded). */
  set: Record<string, unknown>;
  to: Status;
  /** The timestamp of the change, taken inside the transaction. */
  stamp: () => string;
  cause: string;
  runId: string | null;
  /** The transition's details as JSON text. */
  details: string | null;
}

/** A customer row as `upsertCustomers` inserts it (`data` as JSON text). */
export interface NewCustomer {
  key: string;
  accountName: string;
  accountDomain: string;
  customerEmail: string;
  data: string;
  status: 'queued' | 'invalid';
  lastError: string | null;
  sourceFile: string | null;
  sourceRow: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface Engine {
  readonly dialect: Dialect;
  readonly location: string;
  readonly db: Kysely<Database>;
  /**
   * Run `fn` in a write transaction. Transactions never nest. SQLite: `BEGIN IMMEDIATE`
   * (serialized per file inside the process); PostgreSQL: a pool transaction.
   */
  writeTx<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Like `writeTx`, and exclusive against other migrators of the same database. */
  migrationTx<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Read rows inside `writeTx`, locked against concurrent writers until commit. */
  selectCustomersForUpdate(trx: Kysely<Database>, keys: readonly string[]): Promise<Customer[]>;
  /** Inside `writeTx`: keys of up to `limit` claimable rows, skipping rows others hold. */
  selectClaimable(
    trx: Kysely<Database>,
    query: { statuses: readonly Status[]; now: string; limit: number },
  ): Promise<string[]>;
  /**
   * Optional fast path of `Store.transition`: read the row, let `guard` check it (it
   * throws to refuse), write the change and its transition, all in one transaction, and
   * return the changed row. Without it the store does the same through `writeTx`.
   */
  changeRow?(
    key: string,
    guard: (current: Customer | undefined) => Customer,
    change: RowChange,
  ): Promise<Customer>;
  /**
   * Optional fast path inside `writeTx`: insert the rows whose key is not in the store
   * yet (others are left alone), each with its first transition (`cause`), and return
   * the keys inserted. Without it the store does the same through kysely.
   */
  insertNewCustomers?(
    rows: readonly NewCustomer[],
    cause: (row: NewCustomer) => string,
    runId: string | null,
  ): string[];
  /** Take the named lock or throw `LockHeldError`; resolves to the release function. */
  acquireLock(name: string, holder: LockHolder): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

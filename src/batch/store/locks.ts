/**
 * The `locks` table: who holds a named single-flight lock and since when. Drivers
 * decide whether a lock is really held (advisory lock, live pid); this table lets the
 * loser say who won.
 */
import type { Kysely } from 'kysely';
import type { LockHolder } from './engine.js';
import { LockHeldError } from './errors.js';
import type { Database } from './schema.js';

export interface LockRow {
  holder: string;
  host: string;
  pid: number;
  token: string;
  acquiredAt: string;
}

export async function readLockRow(
  db: Kysely<Database>,
  name: string,
): Promise<LockRow | undefined> {
  const row = await db.selectFrom('locks').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) return undefined;
  const acquiredAt = row.acquiredAt instanceof Date ? row.acquiredAt.toISOString() : row.acquiredAt;
  return { holder: row.holder, host: row.host, pid: Number(row.pid), token: row.token, acquiredAt };
}

/** Insert or overwrite the lock row with the new holder. */
export async function writeLockRow(
  db: Kysely<Database>,
  name: string,
  holder: LockHolder,
  at: string,
): Promise<void> {
  const values = { name, ...holder, acquiredAt: at };
  await db
    .insertInto('locks')
    .values(values)
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({
        holder: values.holder,
        host: values.host,
        pid: values.pid,
        token: values.token,
        acquiredAt: at,
      }),
    )
    .execute();
}

export async function deleteLockRow(
  db: Kysely<Database>,
  name: string,
  token: string,
): Promise<void> {
  await db.deleteFrom('locks').where('name', '=', name).where('token', '=', token).execute();
}

export function lockHeld(name: string, row: LockRow | undefined): LockHeldError {
  return new LockHeldError(name, row?.holder ?? null, row?.acquiredAt ?? null);
}

/**
 * Versioned migrations and their runner. The applied versions are kept in the
 * `schema_version` table; `migrate` applies the missing ones in one exclusive
 * transaction (DDL is transactional in both engines), so a repeat is a no-op and
 * concurrent migrators wait for each other instead of colliding.
 */
import type { Kysely } from 'kysely';
import type { Engine } from '../engine.js';
import type { Database } from '../schema.js';
import type { MigrateResult } from '../types.js';
import { initial } from './001_initial.js';
import { columnTypes, type StoreMigration } from './types.js';

export const MIGRATIONS: readonly StoreMigration[] = [initial];
export const LATEST_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

export async function runMigrations(engine: Engine, now: () => Date): Promise<MigrateResult> {
  return engine.migrationTx(async (trx) => {
    await trx.schema
      .createTable('schema_version')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', columnTypes(engine.dialect).ts, (c) => c.notNull())
      .execute();
    const done = new Set(
      (await trx.selectFrom('schemaVersion').select('version').execute()).map((r) => r.version),
    );
    const applied: string[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await migration.up(trx as unknown as Kysely<unknown>, engine.dialect);
      await trx
        .insertInto('schemaVersion')
        .values({
          version: migration.version,
          name: migration.name,
          appliedAt: now().toISOString(),
        })
        .execute();
      applied.push(migration.name);
      done.add(migration.version);
    }
    return { applied, version: Math.max(0, ...done) };
  });
}

export async function currentVersion(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('schemaVersion')
    .select((eb) => eb.fn.max('version').as('version'))
    .executeTakeFirst();
  return Number(row?.version ?? 0);
}

import type { Kysely } from 'kysely';
import type { Dialect } from '../engine.js';

/** One schema change. Versions are applied in order, each exactly once. */
export interface StoreMigration {
  version: number;
  name: string;
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** Column types that differ between the engines. */
export function columnTypes(dialect: Dialect) {
  return dialect === 'postgres'
    ? ({ ts: 'timestamptz', json: 'jsonb', bigint: 'bigint' } as const)
    : ({ ts: 'text', json: 'text', bigint: 'integer' } as const);
}

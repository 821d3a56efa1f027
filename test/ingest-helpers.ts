import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type IngestEvent, type ReadOptions, readCustomers } from '../src/batch/ingest/index.js';

/** Absolute path of a file in fixtures/. */
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'ingest-test-'));
let n = 0;

/** Writes a temporary CSV file (string as UTF-8, or raw bytes) and returns its path. */
export function tempCsv(content: string | Buffer, name = `t${++n}.csv`): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** Collects all events of a file. */
export async function events(file: string, opts?: ReadOptions): Promise<IngestEvent[]> {
  const out: IngestEvent[] = [];
  for await (const e of readCustomers(file, opts)) out.push(e);
  return out;
}

/** The valid rows of a file, as `[row number, data]`. */
export async function rows(file: string, opts?: ReadOptions) {
  return (await events(file, opts)).flatMap((e) => (e.type === 'row' ? [e] : []));
}

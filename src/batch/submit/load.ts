import { basename } from 'node:path';
import { type ReadOptions, readCustomerBatches } from '../ingest/index.js';
import type { Problem } from '../ingest/index.js';
import type { CustomerInput, Store, UpsertOutcome } from '../store/index.js';

/** A row that was not stored for requesting, and why. */
export interface RejectedRow {
  row: number;
  key: string | null;
  accountName: string;
  accountDomain: string;
  status: 'invalid' | 'duplicate';
  reason: string;
}

/** What loading a file into the store did. */
export interface LoadResult {
  file: string;
  rows: number;
  byOutcome: Record<UpsertOutcome, number>;
  rejected: RejectedRow[];
  notices: string[];
}

/**
 * Rows per store transaction. Keys are hashes, so each transaction dirties index pages
 * all over the file; SQLite writes every dirty page once per commit, so few large
 * transactions write far less than many small ones (200k rows: 500 per transaction
 * took 22 s, 5,000 about 11 s, 10,000 about 9 s but with 20 MB more peak memory —
 * bench/ingest-store.bench.ts).
 */
const BATCH = 5000;

const describe = (problems: Problem[]) =>
  problems
    .filter((p) => p.severity === 'error')
    .map((p) => `${p.column ?? p.field ?? 'row'}: ${p.message}`)
    .join('; ');

/**
 * Streams the file into the store: upsert by key (unsent rows take edits, sent rows
 * are never touched). Invalid and duplicate rows are returned with their reason.
 */
export async function loadFile(
  store: Store,
  file: string,
  options: ReadOptions & { runId?: string | null } = {},
): Promise<LoadResult> {
  const result: LoadResult = {
    file,
    rows: 0,
    byOutcome: { inserted: 0, updated: 0, unchanged: 0, 'unchanged-sent': 0 },
    rejected: [],
    notices: [],
  };
  let batch: CustomerInput[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const upserted = await store.upsertCustomers(batch, { runId: options.runId ?? null });
    for (const u of upserted) result.byOutcome[u.outcome] += 1;
    batch = [];
  };
  const sourceFile = basename(file);
  for await (const events of readCustomerBatches(file, options))
    for (const event of events) {
      if (event.type === 'notice') {
        result.notices.push(event.message);
        continue;
      }
      result.rows += 1;
      if (event.type === 'invalid') {
        result.rejected.push({
          row: event.row,
          key: null,
          accountName: event.accountName,
          accountDomain: event.accountDomain,
          status: 'invalid',
          reason: describe(event.problems),
        });
        continue;
      }
      if (event.type === 'duplicate') {
        result.rejected.push({
          row: event.row,
          key: event.key,
          accountName: event.accountName,
          accountDomain: event.accountDomain,
          status: 'duplicate',
          reason: `same customer as row ${event.firstRow}; the first row wins`,
        });
        continue;
      }
      batch.push({
        key: event.key,
        accountName: event.data.accountName,
        accountDomain: event.data.accountDomain,
        customerEmail: event.data.customerEmail,
        data: { ...event.data },
        status: 'queued',
        sourceFile,
        sourceRow: event.row,
      });
      if (batch.length >= BATCH) await flush();
    }
  await flush();
  return result;
}

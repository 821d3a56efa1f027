/**
 * The store's query code, shared by both drivers. Engine differences come in through
 * `Engine` (see `engine.ts`); everything here is plain kysely.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { sql, type Kysely } from 'kysely';
import type { Engine, NewCustomer, RowChange } from './engine.js';
import { StoreConflictError, StoreError } from './errors.js';
import { currentVersion, runMigrations } from './migrations/index.js';
import { toCursor, toCustomer, toEmail, toInboundMail, toRun, toTransition } from './schema.js';
import type { Database } from './schema.js';
import {
  STATUSES,
  customerInputSchema,
  emailInputSchema,
  inboundMailInputSchema,
  runStatusSchema,
  statusSchema,
  type Customer,
  type CustomerInput,
  type CustomerPatch,
  type Status,
  type Store,
  type UpsertResult,
} from './types.js';

export interface KyselyStoreOptions {
  /** Clock for every timestamp the store writes. @default () => new Date() */
  now?: () => Date;
}

/** Rows whose data an edited spreadsheet may still change. */
const isUnsent = (c: Customer): boolean =>
  c.status === 'queued' ||
  c.status === 'invalid' ||
  (c.status === 'failed' && c.requestId === null);

/** Customer columns a patch may write, with JSON encoding where needed. */
function patchColumns(patch: CustomerPatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    out[field] = field === 'data' ? JSON.stringify(value) : value;
  }
  return out;
}

const CHUNK = 500;

/** Columns a freshly inserted row has besides its input. */
const EMPTY_CUSTOMER = {
  requestId: null,
  smartAccountId: null,
  submittedAt: null,
  expiresAt: null,
  activatedAt: null,
  claimedBy: null,
  claimedUntil: null,
} satisfies Partial<Customer>;

/** JSON with object keys sorted: PostgreSQL's jsonb does not keep key order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : v,
  );
}

export function createKyselyStore(engine: Engine, options: KyselyStoreOptions = {}): Store {
  const db = engine.db;
  const now = options.now ?? (() => new Date());
  const stamp = () => now().toISOString();

  async function writeTransition(
    trx: Kysely<Database>,
    t: {
      key: string;
      from: Status | null;
      to: Status;
      at: string;
      cause: string;
      runId?: string | null;
      details?: unknown;
    },
  ): Promise<void> {
    await trx
      .insertInto('transitions')
      .values({
        key: t.key,
        fromStatus: t.from,
        toStatus: t.to,
        at: t.at,
        cause: t.cause,
        runId: t.runId ?? null,
        details: t.details === undefined || t.details === null ? null : JSON.stringify(t.details),
      })
      .execute();
  }

  /** Inserts the rows whose key is new, each with its first transition; returns their keys. */
  async function insertNew(
    trx: Kysely<Database>,
    values: readonly NewCustomer[],
    firstCause: (c: NewCustomer) => string,
    runId: string | null,
  ): Promise<string[]> {
    // Only keys come back: the inserted rows are exactly what we sent (cheaper than RETURNING *).
    const inserted = await trx
      .insertInto('customers')
      .values([...values])
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .execute();
    const keys = new Set(inserted.map((r) => r.key));
    // A key repeated in `values` was inserted once, from its first row.
    const once = new Set<string>();
    const created = values.filter((v) => keys.has(v.key) && !once.has(v.key) && once.add(v.key));
    if (created.length > 0) {
      await trx
        .insertInto('transitions')
        .values(
          created.map((c) => ({
            key: c.key,
            fromStatus: null,
            toStatus: c.status,
            at: c.createdAt,
            cause: firstCause(c),
            runId,
            details: null,
          })),
        )
        .execute();
    }
    return [...keys];
  }

  async function upsertChunk(
    trx: Kysely<Database>,
    inputs: readonly CustomerInput[],
    runId: string | null,
  ): Promise<UpsertResult[]> {
    const at = stamp();
    const rows = inputs.map((raw) => customerInputSchema.parse(raw));
    const values: NewCustomer[] = rows.map((r) => ({
      key: r.key,
      accountName: r.accountName,
      accountDomain: r.accountDomain,
      customerEmail: r.customerEmail,
      data: JSON.stringify(r.data),
      status: r.status,
      lastError: r.lastError,
      sourceFile: r.sourceFile,
      sourceRow: r.sourceRow,
      createdAt: at,
      updatedAt: at,
    }));
    const firstCause = (c: { status: string; lastError: string | null }) =>
      c.status === 'invalid' ? `ingest: invalid (${c.lastError ?? 'see row'})` : 'ingest: new row';
    const insertedKeys = engine.insertNewCustomers
      ? engine.insertNewCustomers(values, firstCause, runId)
      : await insertNew(trx, values, firstCause, runId);
    // The first row of a key is the one inserted; later ones update it below.
    const byKey = new Map(rows.toReversed().map((r) => [r.key, r]));
    const fresh = new Map<string, Customer>();
    for (const key of insertedKeys) {
      const r = byKey.get(key);
      // Written out: spreading the parsed input cost more than the SQL on 200k rows.
      if (r) {
        fresh.set(key, {
          key: r.key,
          accountName: r.accountName,
          accountDomain: r.accountDomain,
          customerEmail: r.customerEmail,
          data: r.data,
          status: r.status,
          lastError: r.lastError,
          sourceFile: r.sourceFile,
          sourceRow: r.sourceRow,
          ...EMPTY_CUSTOMER,
          createdAt: at,
          updatedAt: at,
        });
      }
    }
    const otherKeys = rows.filter((r) => !fresh.has(r.key)).map((r) => r.key);
    const existing = new Map(
      (await engine.selectCustomersForUpdate(trx, [...new Set(otherKeys)])).map((c) => [c.key, c]),
    );
    const results: UpsertResult[] = [];
    for (const r of rows) {
      const created = fresh.get(r.key);
      if (created) {
        fresh.delete(r.key); // a repeated key later in the batch updates this row
        existing.set(r.key, created);
        results.push({ outcome: 'inserted', customer: created });
        continue;
      }
      const current = existing.get(r.key);
      if (!current) throw new StoreError(`Customer "${r.key}" vanished during upsert.`);
      if (!isUnsent(current)) {
        const outcome = current.status === 'skipped' ? 'unchanged' : 'unchanged-sent';
        results.push({ outcome, customer: current });
        continue;
      }
      const contentChanged =
        r.accountName !== current.accountName ||
        r.accountDomain !== current.accountDomain ||
        r.customerEmail !== current.customerEmail ||
        stableJson(r.data) !== stableJson(current.data);
      // A failed row stays failed (with its reason) unless the spreadsheet changed it.
      if (current.status === 'failed' && !contentChanged) {
        results.push({ outcome: 'unchanged', customer: current });
        continue;
      }
      const status: Status = r.status;
      const changed =
        contentChanged || status !== current.status || r.lastError !== current.lastError;
      const sourceChanged =
        r.sourceFile !== current.sourceFile || r.sourceRow !== current.sourceRow;
      if (!changed && !sourceChanged) {
        results.push({ outcome: 'unchanged', customer: current });
        continue;
      }
      const fields = {
        accountName: r.accountName,
        accountDomain: r.accountDomain,
        customerEmail: r.customerEmail,
        data: r.data,
        lastError: r.lastError,
        sourceFile: r.sourceFile,
        sourceRow: r.sourceRow,
      };
      const row = await trx
        .updateTable('customers')
        .set({ ...patchColumns(fields), status, updatedAt: at })
        .where('key', '=', r.key)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (status !== current.status) {
        await writeTransition(trx, {
          key: r.key,
          from: current.status,
          to: status,
          at,
          cause:
            status === 'invalid'
              ? `ingest: invalid (${r.lastError ?? 'see row'})`
              : 'ingest: row updated',
          runId,
        });
      }
      const customer = toCustomer(row);
      existing.set(r.key, customer);
      results.push({ outcome: changed ? 'updated' : 'unchanged', customer });
    }
    return results;
  }

  const store: Store = {
    engine: engine.dialect,
    location: engine.location,

    migrate: () => runMigrations(engine, now),
    schemaVersion: () => currentVersion(db),
    close: () => engine.close(),

    async upsertCustomer(input, opts) {
      const [result] = await store.upsertCustomers([input], opts);
      if (!result) throw new StoreError('upsertCustomer returned no result.');
      return result;
    },

    async upsertCustomers(inputs, opts) {
      // One transaction for the call (as documented), statements of CHUNK rows inside it.
      return engine.writeTx(async (trx) => {
        const results: UpsertResult[] = [];
        for (let i = 0; i < inputs.length; i += CHUNK) {
          const chunk = inputs.slice(i, i + CHUNK);
          results.push(...(await upsertChunk(trx, chunk, opts?.runId ?? null)));
        }
        return results;
      });
    },

    async getCustomer(key) {
      const row = await db
        .selectFrom('customers')
        .selectAll()
        .where('key', '=', key)
        .executeTakeFirst();
      return row ? toCustomer(row) : undefined;
    },

    async findCustomers(query, opts) {
      const q = query.trim().toLowerCase();
      if (q === '') return [];
      const pattern = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      const rows = await db
        .selectFrom('customers')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb(eb.fn('lower', ['key']), '=', q),
            eb(eb.fn('lower', ['accountDomain']), '=', q),
            sql<boolean>`lower(account_name) like ${pattern} escape '\\'`,
          ]),
        )
        .orderBy('key')
        .limit(opts?.limit ?? 100)
        .execute();
      return rows.map(toCustomer);
    },

    async listCustomers(opts = {}) {
      let q = db
        .selectFrom('customers')
        .selectAll()
        .orderBy('key')
        .limit(opts.limit ?? 1000);
      if (opts.status) {
        if (opts.status.length === 0) return [];
        q = q.where('status', 'in', [...opts.status]);
      }
      if (opts.afterKey !== undefined) q = q.where('key', '>', opts.afterKey);
      if (opts.expiresBefore !== undefined) q = q.where('expiresAt', '<', opts.expiresBefore);
      return (await q.execute()).map(toCustomer);
    },

    async transition(key, input) {
      const to = statusSchema.parse(input.to);
      const expected = input.from === undefined ? undefined : ([] as Status[]).concat(input.from);
      const guard = (current: Customer | undefined): Customer => {
        if (!current)
          throw new StoreError(`Customer "${key}" is not in the store.`, { code: 'not_found' });
        if (expected && !expected.includes(current.status)) {
          throw new StoreConflictError(
            `Customer "${key}" is ${current.status}, expected ${expected.join(' or ')}; ` +
              `not moving it to ${to} (${input.cause}). Another worker or run changed it first.`,
            key,
            expected,
            current.status,
          );
        }
        if (input.claimedBy !== undefined && current.claimedBy !== input.claimedBy) {
          throw new StoreConflictError(
            `Customer "${key}" is no longer leased to ${input.claimedBy} ` +
              `(held by ${current.claimedBy ?? 'nobody'}); not moving it to ${to} (${input.cause}).`,
            key,
            expected ?? [],
            current.status,
          );
        }
        return current;
      };
      const change: RowChange = {
        set: patchColumns(input.patch ?? {}),
        to,
        stamp,
        cause: input.cause,
        runId: input.runId ?? null,
        details:
          input.details === undefined || input.details === null
            ? null
            : JSON.stringify(input.details),
      };
      if (engine.changeRow) return engine.changeRow(key, guard, change);
      return engine.writeTx(async (trx) => {
        const [current] = await engine.selectCustomersForUpdate(trx, [key]);
        const from = guard(current).status;
        const at = stamp();
        const row = await trx
          .updateTable('customers')
          .set({ ...change.set, status: to, updatedAt: at })
          .where('key', '=', key)
          .returningAll()
          .executeTakeFirstOrThrow();
        await writeTransition(trx, {
          key,
          from,
          to,
          at,
          cause: change.cause,
          runId: change.runId,
          details: input.details,
        });
        return toCustomer(row);
      });
    },

    async history(key) {
      const rows = await db
        .selectFrom('transitions')
        .selectAll()
        .where('key', '=', key)
        .orderBy('id')
        .execute();
      return rows.map(toTransition);
    },

    async claim(workerId, { statuses, limit, leaseMs }) {
      if (statuses.length === 0 || limit <= 0) return [];
      return engine.writeTx(async (trx) => {
        const at = now();
        const keys = await engine.selectClaimable(trx, { statuses, now: at.toISOString(), limit });
        if (keys.length === 0) return [];
        const rows = await trx
          .updateTable('customers')
          .set({
            claimedBy: workerId,
            claimedUntil: new Date(at.getTime() + leaseMs).toISOString(),
          })
          .where('key', 'in', keys)
          .returningAll()
          .execute();
        return rows.map(toCustomer).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      });
    },

    async release(key, workerId) {
      const result = await engine.writeTx((trx) =>
        trx
          .updateTable('customers')
          .set({ claimedBy: null, claimedUntil: null })
          .where('key', '=', key)
          .where('claimedBy', '=', workerId)
          .executeTakeFirst(),
      );
      return Number(result.numUpdatedRows) > 0;
    },

    async startRun(input) {
      const row = await engine.writeTx((trx) =>
        trx
          .insertInto('runs')
          .values({
            id: randomUUID(),
            command: input.command,
            startedAt: stamp(),
            host: input.host ?? hostname(),
            pid: input.pid ?? process.pid,
            counts: '{}',
            status: 'running',
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return toRun(row);
    },

    async finishRun(id, input) {
      const status = runStatusSchema.parse(input.status);
      const row = await engine.writeTx((trx) =>
        trx
          .updateTable('runs')
          .set({ status, finishedAt: stamp(), counts: JSON.stringify(input.counts ?? {}) })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst(),
      );
      if (!row) throw new StoreError(`Run "${id}" is not in the store.`, { code: 'not_found' });
      return toRun(row);
    },

    async listRuns(opts) {
      const rows = await db
        .selectFrom('runs')
        .selectAll()
        .orderBy('startedAt', 'desc')
        .orderBy('id')
        .limit(opts?.limit ?? 20)
        .execute();
      return rows.map(toRun);
    },

    async recordEmail(raw) {
      const input = emailInputSchema.parse(raw);
      return engine.writeTx(async (trx) => {
        const inserted = await trx
          .insertInto('emails')
          .values({
            id: input.id,
            key: input.key,
            kind: input.kind,
            recipients: JSON.stringify(input.recipients),
            status: 'recorded',
            attempts: 0,
            recordedAt: stamp(),
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .returningAll()
          .executeTakeFirst();
        if (inserted) return { existed: false, email: toEmail(inserted) };
        const row = await trx
          .selectFrom('emails')
          .selectAll()
          .where('id', '=', input.id)
          .executeTakeFirstOrThrow();
        return { existed: true, email: toEmail(row) };
      });
    },

    async markEmailSent(id) {
      return updateEmail(id, { status: 'sent', sentAt: stamp(), error: null });
    },

    async markEmailFailed(id, error) {
      return updateEmail(id, { status: 'failed', error });
    },

    async listEmails(filter = {}) {
      let q = db.selectFrom('emails').selectAll().orderBy('recordedAt').orderBy('id');
      if (filter.key !== undefined) q = q.where('key', '=', filter.key);
      if (filter.status !== undefined) q = q.where('status', '=', filter.status);
      if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
      return (await q.execute()).map(toEmail);
    },

    async getMailboxCursor(mailbox) {
      const row = await db
        .selectFrom('mailboxCursors')
        .selectAll()
        .where('mailbox', '=', mailbox)
        .executeTakeFirst();
      return row ? toCursor(row) : undefined;
    },

    async setMailboxCursor(cursor) {
      const values = {
        mailbox: cursor.mailbox,
        uidValidity: cursor.uidValidity,
        lastUid: cursor.lastUid,
        updatedAt: stamp(),
      };
      const row = await engine.writeTx((trx) =>
        trx
          .insertInto('mailboxCursors')
          .values(values)
          .onConflict((oc) =>
            oc.column('mailbox').doUpdateSet({
              uidValidity: values.uidValidity,
              lastUid: values.lastUid,
              updatedAt: values.updatedAt,
            }),
          )
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return toCursor(row);
    },

    async recordInboundMail(raw) {
      const input = inboundMailInputSchema.parse(raw);
      return engine.writeTx(async (trx) => {
        const inserted = await trx
          .insertInto('inboundMail')
          .values({ ...input, at: stamp() })
          .onConflict((oc) => oc.column('messageId').doNothing())
          .returningAll()
          .executeTakeFirst();
        if (inserted) return { existed: false, mail: toInboundMail(inserted) };
        const row = await trx
          .selectFrom('inboundMail')
          .selectAll()
          .where('messageId', '=', input.messageId)
          .executeTakeFirstOrThrow();
        return { existed: true, mail: toInboundMail(row) };
      });
    },

    async listInboundMail(filter = {}) {
      let q = db.selectFrom('inboundMail').selectAll().orderBy('at').orderBy('messageId');
      if (filter.outcome !== undefined) q = q.where('outcome', '=', filter.outcome);
      return (await q.execute()).map(toInboundMail);
    },

    async countByStatus() {
      const rows = await db
        .selectFrom('customers')
        .select(['status', (eb) => eb.fn.countAll().as('count')])
        .groupBy('status')
        .execute();
      const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
      for (const row of rows) counts[row.status as Status] = Number(row.count);
      return counts;
    },

    async withLock(name, fn) {
      const host = hostname();
      const release = await engine.acquireLock(name, {
        holder: `pid ${process.pid} on ${host}`,
        host,
        pid: process.pid,
        token: randomUUID(),
      });
      try {
        return await fn();
      } finally {
        await release();
      }
    },
  };

  async function updateEmail(
    id: string,
    set: { status: 'sent' | 'failed'; sentAt?: string; error: string | null },
  ) {
    const row = await engine.writeTx((trx) =>
      trx
        .updateTable('emails')
        .set((eb) => ({ ...set, attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    );
    if (!row) throw new StoreError(`Email "${id}" was never recorded.`, { code: 'not_found' });
    return toEmail(row);
  }

  return store;
}

/**
 * The store's contract: every driver must pass these tests. A driver's test file calls
 * `storeContract` with a factory for an empty database it can open several times
 * (several connections, as several workers would).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LockHeldError,
  StoreConflictError,
  type CustomerInput,
  type Store,
} from '../src/batch/store/index.js';

export interface StoreTarget {
  /** Open (and migrate) a new connection to the same database. */
  open(): Promise<Store>;
  /** Remove the database. */
  cleanup(): Promise<void>;
}

const row = (n: number, extra: Partial<CustomerInput> = {}): CustomerInput => ({
  key: `acme-${String(n).padStart(5, '0')}|acme${n}.example`,
  accountName: `ACME ${n} GmbH`,
  accountDomain: `acme${n}.example`,
  customerEmail: `it@acme${n}.example`,
  data: { accountName: `ACME ${n} GmbH`, userEmails: [`a@acme${n}.example`] },
  sourceFile: 'customers.csv',
  sourceRow: n + 1,
  ...extra,
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function storeContract(name: string, createTarget: () => Promise<StoreTarget>): void {
  describe(`store contract: ${name}`, () => {
    let target: StoreTarget;
    let opened: Store[] = [];
    let store: Store;
    const open = async () => {
      const s = await target.open();
      opened.push(s);
      return s;
    };

    beforeEach(async () => {
      target = await createTarget();
      opened = [];
      store = await open();
    });
    afterEach(async () => {
      await Promise.all(opened.map((s) => s.close()));
      await target.cleanup();
    });

    it('applies migrations on open, and again is a no-op, also when racing', async () => {
      expect(await store.schemaVersion()).toBeGreaterThanOrEqual(1);
      const again = await store.migrate();
      expect(again.applied).toEqual([]);
      expect(again.version).toBe(await store.schemaVersion());
      const [a, b] = await Promise.all([open(), open()]);
      await a.upsertCustomer(row(1));
      expect((await b.getCustomer(row(1).key))?.status).toBe('queued');
    });

    it('inserts new rows as queued or invalid, with a first transition', async () => {
      const ok = await store.upsertCustomer(row(1));
      expect(ok.outcome).toBe('inserted');
      expect(ok.customer).toMatchObject({
        status: 'queued',
        accountDomain: 'acme1.example',
        sourceRow: 2,
      });
      const bad = await store.upsertCustomer(
        row(2, { status: 'invalid', lastError: 'Customer Email: missing' }),
      );
      expect(bad.customer.status).toBe('invalid');
      expect(bad.customer.lastError).toBe('Customer Email: missing');
      const [first] = await store.history(row(1).key);
      expect(first).toMatchObject({ from: null, to: 'queued' });
    });

    it('takes a key given twice in one call from its first row, then updates it from the second', async () => {
      const edited = row(1, { accountName: 'ACME 1 AG', sourceRow: 9 });
      const results = await store.upsertCustomers([row(1), row(2), edited]);
      expect(results.map((r) => r.outcome)).toEqual(['inserted', 'inserted', 'updated']);
      expect(await store.getCustomer(row(1).key)).toMatchObject({
        accountName: 'ACME 1 AG',
        sourceRow: 9,
        status: 'queued',
      });
      // One row, one creation: the edit changed no status, so no second transition.
      expect(await store.history(row(1).key)).toHaveLength(1);
    });

    it('updates unsent rows from an edited file and never touches sent ones', async () => {
      await store.upsertCustomers([
        row(1),
        row(2),
        row(3, { status: 'invalid', lastError: 'bad email' }),
      ]);
      await store.transition(row(2).key, {
        from: 'queued',
        to: 'requested',
        cause: 'submit: draft created',
      });

      const again = await store.upsertCustomers([row(1), row(2)]);
      expect(again.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged-sent']);

      const edited = { accountName: 'ACME Neu GmbH', data: { accountName: 'ACME Neu GmbH' } };
      const [updated, sent, fixed] = await store.upsertCustomers([
        row(1, edited),
        row(2, edited),
        row(3),
      ]);
      expect(updated?.outcome).toBe('updated');
      expect(updated?.customer.accountName).toBe('ACME Neu GmbH');
      expect(sent?.outcome).toBe('unchanged-sent');
      expect(sent?.customer).toMatchObject({ accountName: 'ACME 2 GmbH', status: 'requested' });
      expect((await store.getCustomer(row(2).key))?.data).toEqual(row(2).data);
      expect(fixed?.customer).toMatchObject({ status: 'queued', lastError: null });
      expect((await store.history(row(3).key)).map((t) => t.to)).toEqual(['invalid', 'queued']);
    });

    it('re-queues a row that failed before it was requested once its data changes', async () => {
      await store.upsertCustomer(row(1));
      await store.transition(row(1).key, {
        to: 'failed',
        cause: 'submit: 422 domain invalid',
        patch: { lastError: '422' },
      });
      expect((await store.upsertCustomer(row(1, { lastError: null }))).customer.status).toBe(
        'failed',
      );
      const changed = await store.upsertCustomer(row(1, { accountDomain: 'acme-fixed.example' }));
      expect(changed).toMatchObject({ outcome: 'updated', customer: { status: 'queued' } });
    });

    it('rejects a transition from an unexpected state with StoreConflictError and writes nothing', async () => {
      await store.upsertCustomer(row(1));
      await store.transition(row(1).key, { from: 'queued', to: 'requested', cause: 'worker A' });
      const attempt = store.transition(row(1).key, {
        from: 'queued',
        to: 'requested',
        cause: 'worker B',
      });
      await expect(attempt).rejects.toBeInstanceOf(StoreConflictError);
      await expect(attempt).rejects.toThrow(/is requested, expected queued/);
      expect((await store.history(row(1).key)).map((t) => t.cause)).toEqual([
        'ingest: new row',
        'worker A',
      ]);
      await expect(store.transition('nope', { to: 'queued', cause: 'x' })).rejects.toThrow(
        /not in the store/,
      );
    });

    it('keeps every transition in order with its cause, run and details, and applies the patch', async () => {
      const run = await store.startRun({ command: 'submit' });
      await store.upsertCustomer(row(1), { runId: run.id });
      const k = row(1).key;
      await store.transition(k, {
        from: 'queued',
        to: 'requested',
        cause: 'draft created',
        runId: run.id,
        patch: { requestId: 'req-1' },
      });
      await store.transition(k, {
        from: ['requested'],
        to: 'submitting',
        cause: 'submit sent',
        runId: run.id,
      });
      const pending = await store.transition(k, {
        from: 'submitting',
        to: 'pending',
        cause: 'service: pending',
        runId: run.id,
        details: { warnings: ['domain looks new'] },
        patch: {
          smartAccountId: 'SA-9',
          submittedAt: '2025-01-01T00:00:00.000Z',
          expiresAt: '2025-04-01T00:00:00.000Z',
        },
      });
      expect(pending).toMatchObject({
        status: 'pending',
        requestId: 'req-1',
        smartAccountId: 'SA-9',
        expiresAt: '2025-04-01T00:00:00.000Z',
      });
      const history = await store.history(k);
      expect(history.map((t) => [t.from, t.to, t.cause])).toEqual([
        [null, 'queued', 'ingest: new row'],
        ['queued', 'requested', 'draft created'],
        ['requested', 'submitting', 'submit sent'],
        ['submitting', 'pending', 'service: pending'],
      ]);
      expect(history.every((t) => t.runId === run.id)).toBe(true);
      expect(history[3]?.details).toEqual({ warnings: ['domain looks new'] });
      expect(Date.parse(history[3]?.at ?? '')).not.toBeNaN();
    });

    it('finds customers by key, domain or name, case-insensitively', async () => {
      await store.upsertCustomers([
        row(1),
        row(2),
        row(3, { accountName: 'Müller 100% GmbH', accountDomain: 'mueller.de' }),
      ]);
      expect((await store.findCustomers(row(2).key.toUpperCase())).map((c) => c.key)).toEqual([
        row(2).key,
      ]);
      expect((await store.findCustomers('MUELLER.DE')).map((c) => c.accountName)).toEqual([
        'Müller 100% GmbH',
      ]);
      expect((await store.findCustomers('acme 1 gmbh')).map((c) => c.key)).toEqual([row(1).key]);
      expect(await store.findCustomers('acme')).toHaveLength(2);
      expect((await store.findCustomers('100%')).map((c) => c.accountDomain)).toEqual([
        'mueller.de',
      ]);
      expect(await store.findCustomers('1_0')).toEqual([]);
    });

    it('lists customers by status with keyset pagination', async () => {
      await store.upsertCustomers(Array.from({ length: 5 }, (_, i) => row(i)));
      await store.transition(row(0).key, {
        to: 'pending',
        cause: 'test',
        patch: { expiresAt: '2020-01-01T00:00:00.000Z' },
      });
      const page1 = await store.listCustomers({ status: ['queued'], limit: 2 });
      const page2 = await store.listCustomers({
        status: ['queued'],
        limit: 2,
        afterKey: page1.at(-1)?.key,
      });
      const page3 = await store.listCustomers({
        status: ['queued'],
        limit: 2,
        afterKey: page2.at(-1)?.key,
      });
      expect([...page1, ...page2, ...page3].map((c) => c.key)).toEqual(
        [1, 2, 3, 4].map((n) => row(n).key),
      );
      expect(
        (await store.listCustomers({ expiresBefore: new Date().toISOString() })).map((c) => c.key),
      ).toEqual([row(0).key]);
    });

    it('never hands the same row to two workers claiming at once', async () => {
      const other = await open();
      const keys = Array.from({ length: 120 }, (_, i) => row(i).key);
      await store.upsertCustomers(Array.from({ length: 120 }, (_, i) => row(i)));
      const worker = async (s: Store, id: string) => {
        const got: string[] = [];
        for (;;) {
          const batch = await s.claim(id, { statuses: ['queued'], limit: 7, leaseMs: 60_000 });
          if (batch.length === 0) return got;
          for (const c of batch) {
            expect(c.claimedBy).toBe(id);
            await s.transition(c.key, {
              from: 'queued',
              to: 'requested',
              cause: `claimed by ${id}`,
              claimedBy: id,
            });
            got.push(c.key);
          }
        }
      };
      const [a, b, c] = await Promise.all([
        worker(store, 'w1'),
        worker(other, 'w2'),
        worker(other, 'w3'),
      ]);
      const all = [...a, ...b, ...c];
      expect(new Set(all).size).toBe(all.length);
      expect(all.sort()).toEqual(keys);
      expect(a.length).toBeGreaterThan(0);
      expect(b.length + c.length).toBeGreaterThan(0);
    });

    it('makes a claimed row claimable again after its lease expires or it is released', async () => {
      await store.upsertCustomers([row(1), row(2)]);
      const other = await open();
      expect(
        (await store.claim('w1', { statuses: ['queued'], limit: 1, leaseMs: 150 })).map(
          (c) => c.key,
        ),
      ).toEqual([row(1).key]);
      expect(
        (await other.claim('w2', { statuses: ['queued'], limit: 5, leaseMs: 60_000 })).map(
          (c) => c.key,
        ),
      ).toEqual([row(2).key]);
      expect(await other.claim('w3', { statuses: ['queued'], limit: 5, leaseMs: 60_000 })).toEqual(
        [],
      );
      await sleep(250);
      const retaken = await other.claim('w3', { statuses: ['queued'], limit: 5, leaseMs: 60_000 });
      expect(retaken.map((c) => [c.key, c.claimedBy])).toEqual([[row(1).key, 'w3']]);
      await expect(
        store.transition(row(1).key, { to: 'requested', cause: 'late w1', claimedBy: 'w1' }),
      ).rejects.toThrow(/no longer leased to w1/);
      expect(await store.release(row(2).key, 'w1')).toBe(false);
      expect(await other.release(row(2).key, 'w2')).toBe(true);
      expect(
        (await store.claim('w4', { statuses: ['queued'], limit: 5, leaseMs: 1000 })).map(
          (c) => c.key,
        ),
      ).toEqual([row(2).key]);
    });

    it('records runs with counts, newest first', async () => {
      const first = await store.startRun({ command: 'submit' });
      expect(first).toMatchObject({ status: 'running', pid: process.pid, finishedAt: null });
      await sleep(5);
      const second = await store.startRun({ command: 'reconcile', host: 'worker-2', pid: 42 });
      const done = await store.finishRun(first.id, {
        status: 'partial',
        counts: { pending: 3, failed: 1 },
      });
      expect(done).toMatchObject({ status: 'partial', counts: { pending: 3, failed: 1 } });
      expect(done.finishedAt).not.toBeNull();
      expect((await store.listRuns()).map((r) => r.id)).toEqual([second.id, first.id]);
      await expect(store.finishRun('missing', { status: 'failed' })).rejects.toThrow(
        /not in the store/,
      );
    });

    it('records each email once by Message-ID and tracks sending', async () => {
      const input = {
        id: '<notice.k1@smart-onboard>',
        key: 'k1',
        kind: 'customer-notice',
        recipients: ['a@x.example'],
      };
      const first = await store.recordEmail(input);
      expect(first).toMatchObject({ existed: false, email: { status: 'recorded', attempts: 0 } });
      await store.markEmailFailed(input.id, '421 try later');
      const second = await store.recordEmail(input);
      expect(second).toMatchObject({
        existed: true,
        email: { status: 'failed', error: '421 try later', attempts: 1 },
      });
      const sent = await store.markEmailSent(input.id);
      expect(sent).toMatchObject({
        status: 'sent',
        attempts: 2,
        error: null,
        recipients: ['a@x.example'],
      });
      expect((await store.recordEmail(input)).email.status).toBe('sent');
      await store.recordEmail({
        id: '<summary@smart-onboard>',
        kind: 'run-summary',
        recipients: ['ops@x.example'],
      });
      expect((await store.listEmails({ key: 'k1' })).map((e) => e.id)).toEqual([input.id]);
      expect((await store.listEmails({ status: 'recorded' })).map((e) => e.kind)).toEqual([
        'run-summary',
      ]);
      await expect(store.markEmailSent('<never@x>')).rejects.toThrow(/never recorded/);
    });

    it('keeps the mailbox cursor per mailbox, including 32-bit UIDVALIDITY', async () => {
      expect(await store.getMailboxCursor('INBOX')).toBeUndefined();
      await store.setMailboxCursor({ mailbox: 'INBOX', uidValidity: 4_294_967_295, lastUid: 10 });
      await store.setMailboxCursor({ mailbox: 'INBOX', uidValidity: 4_294_967_295, lastUid: 17 });
      await store.setMailboxCursor({ mailbox: 'Cisco', uidValidity: 1, lastUid: 2 });
      expect(await store.getMailboxCursor('INBOX')).toMatchObject({
        uidValidity: 4_294_967_295,
        lastUid: 17,
      });
      expect((await store.getMailboxCursor('Cisco'))?.lastUid).toBe(2);
    });

    it('counts inbound mail once per Message-ID', async () => {
      const mail = {
        messageId: '<m1@cisco.com>',
        mailbox: 'INBOX',
        uid: 5,
        classification: 'activation' as const,
        key: 'k1',
        outcome: 'applied' as const,
      };
      expect((await store.recordInboundMail(mail)).existed).toBe(false);
      const again = await store.recordInboundMail({ ...mail, uid: 1, outcome: 'unmatched' });
      expect(again).toMatchObject({ existed: true, mail: { uid: 5, outcome: 'applied' } });
      await store.recordInboundMail({
        messageId: '<m2@evil.example>',
        mailbox: 'INBOX',
        uid: 6,
        classification: 'activation',
        outcome: 'suspicious',
        reason: 'sender not allowed',
      });
      expect(await store.listInboundMail()).toHaveLength(2);
      expect((await store.listInboundMail({ outcome: 'suspicious' })).map((m) => m.reason)).toEqual(
        ['sender not allowed'],
      );
    });

    it('counts rows per status, zero included', async () => {
      await store.upsertCustomers([row(1), row(2), row(3, { status: 'invalid', lastError: 'x' })]);
      await store.transition(row(1).key, { to: 'pending', cause: 'test' });
      const counts = await store.countByStatus();
      expect(counts).toMatchObject({ queued: 1, pending: 1, invalid: 1, active: 0, expired: 0 });
      expect(Object.keys(counts)).toHaveLength(10);
    });

    it('lets only one holder run a single-flight lock, from any connection, and frees it afterwards', async () => {
      const other = await open();
      let inside = false;
      const result = await store.withLock('reconcile', async () => {
        inside = true;
        const second = other.withLock('reconcile', async () => 'should not run');
        await expect(second).rejects.toBeInstanceOf(LockHeldError);
        await expect(second).rejects.toThrow(
          new RegExp(`held by pid ${process.pid} on .+ since \\d{4}-`),
        );
        expect(await other.withLock('another-name', async () => 'ok')).toBe('ok');
        return 'done';
      });
      expect([inside, result]).toEqual([true, 'done']);
      expect(await other.withLock('reconcile', async () => 'free again')).toBe('free again');
      await expect(
        store.withLock('reconcile', async () => Promise.reject(new Error('boom'))),
      ).rejects.toThrow('boom');
      expect(await other.withLock('reconcile', async () => 'freed after a throw')).toBe(
        'freed after a throw',
      );
    });

    it('keeps the data when closed and opened again', async () => {
      await store.upsertCustomer(row(1));
      await store.transition(row(1).key, { to: 'pending', cause: 'before restart' });
      await store.close();
      opened = opened.filter((s) => s !== store);
      const reopened = await open();
      expect((await reopened.getCustomer(row(1).key))?.status).toBe('pending');
      expect(await reopened.history(row(1).key)).toHaveLength(2);
      expect((await reopened.migrate()).applied).toEqual([]);
    });
  });
}

/**
 * `smart-onboard reconcile` as a user sees it (issue 6, "Done when"): Cisco's
 * confirmations land in a real Dovecot mailbox, the built CLI reads them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dovecot, startDovecot } from './helpers/dovecot.js';
import {
  type World,
  appendMail,
  ciscoMail,
  polled,
  startWorld,
  withImap,
} from './helpers/reconcile.js';

let dovecot: Dovecot;
const worlds: World[] = [];

beforeAll(async () => {
  dovecot = await startDovecot({ users: { confirm: 'secret', twice: 'secret', reset: 'secret' } });
});
afterAll(async () => {
  await Promise.all(worlds.map((w) => w.close()));
  await dovecot.stop();
});

async function world(user: string, mailbox = 'INBOX'): Promise<World> {
  const w = await startWorld({ dovecot, mailboxUser: user, mailbox });
  worlds.push(w);
  return w;
}

describe.concurrent('reconcile reads confirmations from the mailbox', { timeout: 90_000 }, () => {
  it('turns exactly the confirmed rows active; a second run changes nothing and fetches nothing', async () => {
    const w = await world('confirm');
    const submitted = await w.submit(6, 'conf');
    expect(submitted.code, submitted.stderr).toBe(0);

    const requests = await w.requests();
    expect(requests).toHaveLength(6);
    const confirmed = requests.slice(0, 3);
    for (const r of confirmed) await w.activate(r.id);
    const confirmedKeys = confirmed.map((r) => r.clientReference).sort();

    const first = await w.reconcile();
    expect(first.code, first.stderr).toBe(0);
    const inbox = polled(first.json);
    expect(inbox.fetched).toBe(3);
    expect(inbox.processed.map((m) => m.outcome)).toEqual(['applied', 'applied', 'applied']);
    expect(inbox.processed.map((m) => m.key).sort()).toEqual(confirmedKeys);
    const customers = first.report?.customers ?? [];
    expect(
      customers
        .filter((c) => c.status === 'active')
        .map((c) => c.key)
        .sort(),
    ).toEqual(confirmedKeys);
    expect(customers.filter((c) => c.status === 'pending')).toHaveLength(3);
    for (const c of customers.filter((x) => x.status === 'active')) {
      expect(c.activatedAt).toBeTruthy();
    }
    expect(first.report?.unmatchedMail).toEqual([]);

    // `status` shows the same, with the inbox as the cause.
    const domain = confirmed[0]?.accountDomain ?? '';
    const status = await w.cli(['status', domain, '--state', w.state, '--json']);
    expect(status.code, status.stderr).toBe(0);
    const [entry] = JSON.parse(status.stdout) as {
      customer: { status: string };
      history: { to: string; cause: string }[];
    }[];
    expect(entry?.customer.status).toBe('active');
    expect(entry?.history.at(-1)?.cause).toMatch(/inbox/);

    const second = await w.reconcile();
    expect(second.code, second.stderr).toBe(0);
    const again = polled(second.json);
    expect(again.fetched).toBe(0);
    expect(again.processed).toEqual([]);
    expect(second.json?.refresh).toMatchObject({ activated: 0, expired: 0, attention: 0 });
    expect(second.report?.customers).toEqual(first.report?.customers);
  });

  it('counts the same email delivered twice (same Message-ID, two UIDs) once', async () => {
    const w = await world('twice');
    const submitted = await w.submit(2, 'twice');
    expect(submitted.code, submitted.stderr).toBe(0);
    const [target] = await w.requests();
    if (!target) throw new Error('no request');
    // The service must agree, or the confirmation would be suspicious.
    await w.activate(target.id);
    const [active] = (await w.requests()).filter((r) => r.id === target.id);
    if (!active) throw new Error('request vanished');
    // The sandbox delivered one copy; the requester's server delivers the same mail again.
    const raw = await ciscoMail('activation-confirmation', active);
    await appendMail(dovecot.imapUrl('twice'), [raw]);

    const run = await w.reconcile();
    expect(run.code, run.stderr).toBe(0);
    const inbox = polled(run.json);
    expect(inbox.fetched).toBe(2);
    expect(inbox.processed).toHaveLength(1);
    expect(inbox.processed[0]).toMatchObject({ outcome: 'applied', key: target.clientReference });
    expect(inbox.skippedDuplicates).toBe(1);
    expect(run.report?.unmatchedMail).toEqual([]);
    expect(run.report?.summary.active).toBe(1);

    // A third copy arriving later is skipped too.
    await appendMail(dovecot.imapUrl('twice'), [raw]);
    const later = await w.reconcile();
    expect(later.code, later.stderr).toBe(0);
    const inbox2 = polled(later.json);
    expect(inbox2.fetched).toBe(1);
    expect(inbox2.processed).toEqual([]);
    expect(inbox2.skippedDuplicates).toBe(1);
  });

  it('after a UIDVALIDITY reset reads the mailbox again, losing and duplicating nothing', async () => {
    const url = dovecot.imapUrl('reset', 'Cisco');
    await withImap(url, (c, box) => c.mailboxCreate(box));
    const w = await world('reset', 'Cisco');
    const submitted = await w.submit(4, 'reset');
    expect(submitted.code, submitted.stderr).toBe(0);
    const [r0, r1, r2] = await w.requests();
    if (!r0 || !r1 || !r2) throw new Error('no requests');
    await w.activate(r0.id);
    await w.activate(r1.id);
    const before = await w.reconcile();
    expect(before.code, before.stderr).toBe(0);
    expect(polled(before.json).processed.map((m) => m.outcome)).toEqual(['applied', 'applied']);

    // The server loses its index: the folder comes back with a new UIDVALIDITY and
    // its old mail, plus a new confirmation that now has a lower UID than the old cursor.
    const old = await withImap(url, async (c, box) => {
      await c.mailboxOpen(box);
      const raws = (await c.fetchAll('1:*', { source: true })).flatMap((m) =>
        m.source ? [m.source] : [],
      );
      await c.mailboxClose();
      await c.mailboxDelete(box);
      await c.mailboxCreate(box);
      return raws;
    });
    expect(old).toHaveLength(2);
    await w.activate(r2.id);
    await appendMail(url, old);

    const after = await w.reconcile();
    expect(after.code, after.stderr).toBe(0);
    const inbox = polled(after.json);
    expect(inbox.uidValidityChanged).toBe(true);
    expect(inbox.fetched).toBe(3);
    expect(inbox.skippedDuplicates).toBe(2);
    expect(inbox.processed).toEqual([
      expect.objectContaining({ outcome: 'applied', key: r2.clientReference }),
    ]);
    expect(after.report?.summary.active).toBe(3);
    expect(after.report?.unmatchedMail).toEqual([]);
  });
});

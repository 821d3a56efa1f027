/**
 * `smart-onboard reconcile` against forged mail and rows a human must look at
 * (issue 6, "Done when"): an email is a signal, never proof; the exit code tells cron.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dovecot, startDovecot } from './helpers/dovecot.js';
import {
  type SandboxRequest,
  type World,
  appendMail,
  ciscoMail,
  polled,
  startWorld,
} from './helpers/reconcile.js';

let dovecot: Dovecot;
const worlds: World[] = [];

beforeAll(async () => {
  dovecot = await startDovecot({
    users: { spoof: 'secret', pending: 'secret', codes: 'secret' },
  });
});
afterAll(async () => {
  await Promise.all(worlds.map((w) => w.close()));
  await dovecot.stop();
});

async function world(user: string): Promise<World> {
  const w = await startWorld({ dovecot, mailboxUser: user });
  worlds.push(w);
  return w;
}

async function submitted(w: World, count: number, tag: string): Promise<SandboxRequest[]> {
  const result = await w.submit(count, tag);
  expect(result.code, result.stderr).toBe(0);
  const requests = await w.requests();
  expect(requests).toHaveLength(count);
  return requests;
}

describe.concurrent('reconcile does not believe forged confirmations', { timeout: 90_000 }, () => {
  it('a confirmation from a look-alike sender activates nothing and is reported as suspicious', async () => {
    const w = await world('spoof');
    const [victim, other] = await submitted(w, 3, 'spoof');
    if (!victim || !other) throw new Error('no requests');
    const forged = [
      // cisco.com.evil.example is not cisco.com; it even carries a dkim=pass header of its own domain.
      await ciscoMail('activation-confirmation', victim, {
        from: 'smart-acct-pending@cisco.com.evil.example',
        messageId: '<forged-1@cisco.com.evil.example>',
      }),
      await ciscoMail('activation-confirmation', other, {
        from: 'Cisco Smart Account <noreply@evil.example>',
        messageId: '<forged-2@evil.example>',
      }),
    ];
    await appendMail(dovecot.imapUrl('spoof'), forged);

    const run = await w.reconcile();
    expect(run.code, run.stderr).toBe(1);
    const inbox = polled(run.json);
    expect(inbox.processed.map((m) => [m.messageId, m.trusted, m.outcome])).toEqual([
      ['<forged-1@cisco.com.evil.example>', false, 'suspicious'],
      ['<forged-2@evil.example>', false, 'suspicious'],
    ]);
    expect(run.report?.summary.active).toBe(0);
    expect(run.report?.customers.every((c) => c.status === 'pending')).toBe(true);
    const reported = run.report?.unmatchedMail ?? [];
    expect(reported.map((m) => [m.messageId, m.outcome, m.classification])).toEqual([
      ['<forged-1@cisco.com.evil.example>', 'suspicious', 'activation'],
      ['<forged-2@evil.example>', 'suspicious', 'activation'],
    ]);
    expect(reported[0]?.reason).toMatch(/cisco\.com\.evil\.example/);
    expect(run.report?.summary.unmatchedMail).toBe(2);

    // Reported once: the next run neither counts them again nor fails for them,
    // but the report still lists them for a human.
    const next = await w.reconcile();
    expect(next.code, next.stderr).toBe(0);
    expect(polled(next.json).fetched).toBe(0);
    expect(next.report?.unmatchedMail).toHaveLength(2);
    expect(next.report?.summary.active).toBe(0);
  });

  it('a well-formed confirmation (cisco.com, dkim=pass) the service contradicts stays suspicious; the real one applies later', async () => {
    const w = await world('pending');
    const [target] = await submitted(w, 2, 'pend');
    if (!target) throw new Error('no request');
    // Correct sender, Authentication-Results dkim=pass (renderRaw adds it for cisco.com),
    // the request id of a row the service still has as pending.
    const raw = await ciscoMail('activation-confirmation', target, {
      messageId: '<premature-1@cisco.com>',
    });
    expect(raw.toString('utf8')).toMatch(/dkim=pass header\.d=cisco\.com/);
    expect(raw.toString('utf8')).toContain(target.id);
    await appendMail(dovecot.imapUrl('pending'), [raw]);

    const run = await w.reconcile();
    expect(run.code, run.stderr).toBe(1);
    const [mail] = polled(run.json).processed;
    expect(mail).toMatchObject({
      messageId: '<premature-1@cisco.com>',
      trusted: true,
      outcome: 'suspicious',
      key: target.clientReference,
    });
    expect(mail?.reason).toMatch(/pending/);
    const row = run.report?.customers.find((c) => c.key === target.clientReference);
    expect(row?.status).toBe('pending');
    expect(run.report?.summary.active).toBe(0);
    expect(run.report?.unmatchedMail).toEqual([
      expect.objectContaining({
        messageId: '<premature-1@cisco.com>',
        outcome: 'suspicious',
        key: target.clientReference,
      }),
    ]);

    // The customer really accepts: Cisco's own confirmation is applied, exactly once.
    await w.activate(target.id);
    const later = await w.reconcile();
    expect(later.code, later.stderr).toBe(0);
    expect(polled(later.json).processed).toEqual([
      expect.objectContaining({ outcome: 'applied', key: target.clientReference }),
    ]);
    expect(later.report?.customers.find((c) => c.key === target.clientReference)?.status).toBe(
      'active',
    );
    expect(later.report?.unmatchedMail).toHaveLength(1);
  });
});

describe('reconcile exit codes', { timeout: 90_000 }, () => {
  it('0 when all is well, 1 while a row needs attention (suspicious mail: see above)', async () => {
    const w = await world('codes');
    const [a, b] = await submitted(w, 3, 'codes');
    if (!a || !b) throw new Error('no requests');

    await w.activate(a.id);
    const good = await w.reconcile();
    expect(good.code, good.stderr).toBe(0);
    expect(good.json?.problems).toBe(0);
    expect(good.report?.summary.active).toBe(1);

    // Cancelled at the service behind our back: the row needs a human → 1, run after run.
    const cancel = await w.sandbox.call('POST', `/account-requests/${b.id}/cancel`);
    expect(cancel.status).toBe(200);
    const attention = await w.reconcile();
    expect(attention.code, attention.stderr).toBe(1);
    const row = attention.report?.customers.find((c) => c.key === b.clientReference);
    expect(row?.status).toBe('attention');
    expect(row?.lastError).toMatch(/cancel/);
    const still = await w.reconcile();
    expect(still.code, still.stderr).toBe(1);
  });
});

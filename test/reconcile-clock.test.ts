/**
 * `smart-onboard reconcile` over 90 sandbox days (issue 6, "Done when"): expiry
 * reminders at 30, 14 and 3 days before the deadline, each sent once; past 90 days the
 * rows are `expired` and operations get a notice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dovecot, startDovecot } from './helpers/dovecot.js';
import { type World, polled, startWorld } from './helpers/reconcile.js';
import { type ReceivedMail, type SmtpSink, startSmtpSink } from './helpers/smtp-sink.js';

const OPS = 'ops-team@distribution.example';

let dovecot: Dovecot;
let sink: SmtpSink;
let w: World;

beforeAll(async () => {
  [dovecot, sink] = await Promise.all([startDovecot(), startSmtpSink()]);
  w = await startWorld({ dovecot, mailboxUser: 'ops', sink, opsEmail: OPS });
});
afterAll(async () => {
  await w?.close();
  await sink?.close();
  await dovecot?.stop();
});

/** Reminders in the sink for `day`, as `key → count`. */
function reminders(day: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of sink.messages) {
    const match = new RegExp(`^<expiry-reminder\\.d${day}\\.([^@]+)@`).exec(m.messageId);
    if (match?.[1]) out[match[1]] = (out[match[1]] ?? 0) + 1;
  }
  return out;
}

const expiredNotices = (): ReceivedMail[] =>
  sink.messages.filter((m) => m.messageId.startsWith('<expired-notice.'));

describe('reconcile as the sandbox clock advances', { timeout: 90_000 }, () => {
  it('reminds at 30, 14 and 3 days left, each once, and expires the rows after 90 days with a notice to operations', async () => {
    const submitted = await w.submit(3, 'clock');
    expect(submitted.code, submitted.stderr).toBe(0);
    const [activated, ...waiting] = await w.requests();
    if (!activated || waiting.length !== 2) throw new Error('expected 3 requests');
    await w.activate(activated.id);
    const pendingKeys = waiting.map((r) => r.clientReference ?? '').sort();
    const byKey = new Map(waiting.map((r) => [r.clientReference ?? '', r]));
    const start = await w.reconcile();
    expect(start.code, start.stderr).toBe(0);
    expect(start.json?.remindersSent).toBe(0);
    expect(sink.messages).toHaveLength(0);

    // Day 61 after submitting: 29 days left → the 30-day reminder, to each pending customer.
    await w.advanceDays(61);
    const d61 = await w.reconcile();
    expect(d61.code, d61.stderr).toBe(0);
    expect(d61.json?.remindersSent).toBe(2);
    expect(reminders(30)).toEqual(Object.fromEntries(pendingKeys.map((k) => [k, 1])));
    for (const m of sink.messages) {
      const key = /\.([^.@]+)@/.exec(m.messageId)?.[1] ?? '';
      expect(m.envelope.to).toEqual([byKey.get(key)?.customerEmail]);
      expect(m.subject).toMatch(/^Reminder: activate the Cisco Smart Account for /);
    }

    // Run twice on the same day: sent once.
    const again = await w.reconcile();
    expect(again.code, again.stderr).toBe(0);
    expect(again.json?.remindersSent).toBe(0);
    expect(sink.messages).toHaveLength(2);

    // Day 77: 13 days left → the 14-day reminder; the 30-day one is not repeated.
    await w.advanceDays(16);
    const d77 = await w.reconcile();
    expect(d77.code, d77.stderr).toBe(0);
    expect(d77.json?.remindersSent).toBe(2);
    expect(reminders(14)).toEqual(Object.fromEntries(pendingKeys.map((k) => [k, 1])));

    // Day 88: 2 days left → the 3-day reminder.
    await w.advanceDays(11);
    const d88 = await w.reconcile();
    expect(d88.code, d88.stderr).toBe(0);
    expect(d88.json?.remindersSent).toBe(2);
    expect(reminders(3)).toEqual(Object.fromEntries(pendingKeys.map((k) => [k, 1])));
    expect(reminders(30)).toEqual(Object.fromEntries(pendingKeys.map((k) => [k, 1])));
    expect(reminders(14)).toEqual(Object.fromEntries(pendingKeys.map((k) => [k, 1])));
    expect(sink.messages).toHaveLength(6);
    // Nobody reminds the customer who activated.
    expect(sink.messages.map((m) => m.envelope.to).flat()).not.toContain(activated.customerEmail);

    // Day 91: the service expired the requests and mailed the requester.
    await w.advanceDays(3);
    const d91 = await w.reconcile();
    expect(d91.code, d91.stderr).toBe(0);
    const rows = d91.report?.customers ?? [];
    expect(rows.filter((c) => c.status === 'expired').map((c) => c.key)).toEqual(pendingKeys);
    expect(rows.find((c) => c.key === activated.clientReference)?.status).toBe('active');
    expect(d91.json?.remindersSent).toBe(0);
    const inbox = polled(d91.json);
    expect(inbox.processed.filter((m) => m.kind === 'expiry').map((m) => m.outcome)).toEqual([
      'applied',
      'applied',
    ]);
    expect(d91.json?.expiredNoticesSent).toBe(2);
    const notices = expiredNotices();
    expect(notices.map((m) => m.envelope.to)).toEqual([[OPS], [OPS]]);
    expect(notices.map((m) => /^<expired-notice\.([^@]+)@/.exec(m.messageId)?.[1]).sort()).toEqual(
      pendingKeys,
    );
    for (const m of notices) expect(m.subject).toMatch(/^Smart Account request expired: /);

    // Nothing is sent twice afterwards.
    const after = await w.reconcile();
    expect(after.code, after.stderr).toBe(0);
    expect(after.json?.remindersSent).toBe(0);
    expect(after.json?.expiredNoticesSent).toBe(0);
    expect(sink.messages).toHaveLength(8);
  });

  it('expires an overdue row even when the service cannot say so (judged by --now)', async () => {
    // The sandbox clock is past day 91 for the first test's rows; a new submission
    // starts a fresh 90 days. Judge it as of 91 days later without moving the clock.
    const before = sink.messages.length;
    const submitted = await w.submit(1, 'late');
    expect(submitted.code, submitted.stderr).toBe(0);
    const late = (await w.requests()).find((r) => r.accountDomain === 'late-kunde0.example');
    if (!late?.expiresAt) throw new Error('no late request');
    const when = new Date(Date.parse(late.expiresAt) + 86_400_000).toISOString();
    const run = await w.reconcile(['--now', when]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json?.expiredOverdue).toBe(1);
    expect(run.report?.customers.find((c) => c.key === late.clientReference)?.status).toBe(
      'expired',
    );
    const notices = sink.messages.slice(before).filter((m) => m.messageId.startsWith('<expired-'));
    expect(notices.map((m) => m.envelope.to)).toEqual([[OPS]]);
  });
});

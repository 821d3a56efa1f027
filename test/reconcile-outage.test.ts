/**
 * `smart-onboard reconcile` with the requester's mailbox down (issue 6, "Done when"):
 * a clear error naming the inbox, exit 3, the rest of the run still done, and the next
 * run catches up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dovecot, startDovecot } from './helpers/dovecot.js';
import { type World, polled, startWorld } from './helpers/reconcile.js';

let dovecot: Dovecot;
let w: World;
/** stdout of the human-output run above, for the summary-line check below. */
let humanStdout: string | undefined;

beforeAll(async () => {
  dovecot = await startDovecot();
  w = await startWorld({ dovecot, mailboxUser: 'ops' });
});
afterAll(async () => {
  await w?.close();
  await dovecot?.stop();
});

describe('reconcile with Dovecot stopped', { timeout: 90_000 }, () => {
  it('exits 3 naming the inbox, still refreshes from the service, and the next run catches up', async () => {
    const submitted = await w.submit(6, 'down');
    expect(submitted.code, submitted.stderr).toBe(0);

    const [r0, r1, r2, r3] = await w.requests();
    if (!r0 || !r1 || !r2 || !r3) throw new Error('no requests');
    // Two confirmations reach the mailbox, then the mail server goes down.
    await w.activate(r0.id);
    await w.activate(r1.id);
    await dovecot.stop();
    // Activated while the mailbox is down: its confirmation never arrives.
    await w.activate(r2.id);

    // As cron sees it: human output, one clear line naming the inbox.
    const down = await w.reconcile([], { json: false });
    expect(down.code, `${down.stdout}\n${down.stderr}`).toBe(3);
    expect(down.stderr).toMatch(/inbox/i);
    expect(down.stderr).toContain(`127.0.0.1:${dovecot.port}`);
    expect(down.stderr).toMatch(/inbox could not be reached; the next run catches up/);
    expect(down.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(down.stderr).not.toContain('secret'); // no password
    humanStdout = down.stdout;
    // Nothing else lost: the service refresh ran and the report was written.
    expect(down.report?.summary.active).toBe(3);
    const activeKeys = (down.report?.customers ?? [])
      .filter((c) => c.status === 'active')
      .map((c) => c.key)
      .sort();
    expect(activeKeys).toEqual([r0, r1, r2].map((r) => r.clientReference).sort());

    // The JSON summary says the same.
    const downJson = await w.reconcile();
    expect(downJson.code, downJson.stderr).toBe(3);
    expect(downJson.json?.unreachable).toEqual(['inbox']);
    expect(downJson.json?.inbox).toEqual({ error: expect.stringMatching(/127\.0\.0\.1/) });
    expect(downJson.json?.refresh).toMatchObject({ checked: expect.any(Number) });

    // Back up: the mail delivered before the outage is read now, nothing is applied
    // twice; a request activated meanwhile becomes active too.
    await dovecot.start();
    await w.activate(r3.id);
    const up = await w.reconcile();
    expect(up.code, up.stderr).toBe(0);
    expect(up.json?.unreachable).toEqual([]);
    const inbox = polled(up.json);
    expect(inbox.fetched).toBe(3);
    const outcomes = Object.fromEntries(inbox.processed.map((m) => [m.key, m.outcome]));
    expect(outcomes).toEqual({
      [r0.clientReference ?? '']: 'unchanged',
      [r1.clientReference ?? '']: 'unchanged',
      [r3.clientReference ?? '']: 'applied',
    });
    expect(up.report?.summary.active).toBe(4);
    expect(up.report?.summary.pending).toBe(2);
    expect(up.report?.unmatchedMail).toEqual([]);
  });

  it('prints the run summary as status counts only', () => {
    if (humanStdout === undefined) throw new Error('needs the human-output run of the test above');
    // Statuses with their counts, then the report files; derived figures such as
    // activationRate belong to the report, not to a list of counts.
    expect(humanStdout.split('\n')[0]).toBe('reconcile: pending 3, active 3');
  });
});

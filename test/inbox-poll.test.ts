import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClassifiedMail,
  type HandleOutcome,
  type InboxConfigInput,
  InboxUnavailableError,
  imapConfigFromUrl,
  pollInbox,
} from '../src/batch/inbox/index.js';
import { type Store, openStore } from '../src/batch/store/index.js';
import {
  type CiscoMailKind,
  type CiscoMailRequest,
  composeCiscoMail,
  renderRaw,
} from '../src/sandbox/mail/compose.js';
import { type Dovecot, startDovecot } from './helpers/dovecot.js';

const USERS = ['basic', 'twice', 'spoof', 'reset', 'move', 'down', 'auth'];
let dovecot: Dovecot;
let dir: string;
const stores: Store[] = [];

beforeAll(async () => {
  dovecot = await startDovecot({
    users: Object.fromEntries(USERS.map((u) => [u, `pw-${u}-secret`])),
  });
  dir = mkdtempSync(join(tmpdir(), 'inbox-poll-'));
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await dovecot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function newStore(name: string): Promise<Store> {
  const store = await openStore({ file: join(dir, `${name}.db`) });
  stores.push(store);
  return store;
}

const request = (id: string, over: Partial<CiscoMailRequest> = {}): CiscoMailRequest => ({
  id,
  accountName: `Customer ${id}`,
  accountDomain: `${id.replace(/_/g, '-')}.example`,
  customerEmail: `it@${id}.example`,
  smartAccountId: `SA-${id}`,
  locale: 'en',
  expiresAt: '2025-06-01T10:00:00.000Z',
  activatedAt: '2025-03-05T08:30:00.000Z',
  userEmails: [],
  ...over,
});

async function ciscoMail(
  kind: CiscoMailKind,
  id: string,
  over: Partial<CiscoMailRequest> = {},
  from?: string,
): Promise<Buffer> {
  const mail = composeCiscoMail(kind, request(id, over), {
    requesterEmail: 'ops@partner.example',
    now: new Date('2025-03-05T08:30:00.000Z'),
    activationUrl: 'http://127.0.0.1/activate',
    ...(from ? { from } : {}),
  });
  return renderRaw(mail);
}

const colleagueMail = (n: number) =>
  Buffer.from(
    `From: colleague@partner.example\r\nTo: ops@partner.example\r\nSubject: Lunch ${n}?\r\nMessage-ID: <lunch-${n}@partner.example>\r\n\r\nSee you at noon.\r\n`,
  );

/**
 * Stops Dovecot the hard way: a plain stop leaves the `imap` process of an open
 * session running until its client leaves, so those processes (children of this
 * test's Dovecot master, found by pid) are killed too and the connection drops.
 */
async function crashDovecot(): Promise<void> {
  const master = readFileSync(join(dovecot.dir, 'run', 'master.pid'), 'utf8').trim();
  const sessions = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return fields[1] === master && stat.includes('(imap)');
      } catch {
        return false;
      }
    })
    .map(Number);
  const stopped = dovecot.stop();
  for (const pid of sessions) process.kill(pid, 'SIGKILL');
  await stopped;
}

/** Runs fn with a fresh logged-in client for user. */
async function withImap<T>(user: string, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: dovecot.port,
    secure: false,
    auth: { user, pass: dovecot.users[user]! },
    logger: false,
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout();
  }
}

const deliver = (user: string, mailbox: string, ...raws: Buffer[]) =>
  withImap(user, async (client) => {
    for (const raw of raws) await client.append(mailbox, raw);
  });

/** uid → flags of every message in the mailbox. */
const flagsOf = (user: string, mailbox = 'INBOX') =>
  withImap(user, async (client) => {
    await client.mailboxOpen(mailbox);
    const out = new Map<number, string[]>();
    for await (const m of client.fetch('1:*', { uid: true, flags: true }, { uid: true })) {
      out.set(m.uid, [...(m.flags ?? [])]);
    }
    return out;
  });

const config = (user: string, extra: Partial<InboxConfigInput> = {}) =>
  imapConfigFromUrl(dovecot.imapUrl(user, (extra.mailbox as string | undefined) ?? 'INBOX'), {
    reconnect: { retries: 2, minDelayMs: 20, maxDelayMs: 50 },
    connectTimeoutMs: 2_000,
    ...extra,
  });

/** A handler that records what it saw and answers as told. */
function recorder(
  answer: (mail: ClassifiedMail) => HandleOutcome = () => ({ outcome: 'applied' }),
) {
  const seen: ClassifiedMail[] = [];
  const handle = async (mail: ClassifiedMail) => {
    seen.push(mail);
    return answer(mail);
  };
  return { seen, handle };
}

describe('pollInbox', () => {
  it('hands each confirmation to handle once, flags it, and fetches nothing old next time', async () => {
    const store = await newStore('basic');
    await deliver(
      'basic',
      'INBOX',
      await ciscoMail('activation-confirmation', 'req_a1'),
      colleagueMail(1),
      await ciscoMail('activation-confirmation', 'req_a2', { locale: 'de' }),
      await ciscoMail('expiry-notice', 'req_a3'),
    );
    const { seen, handle } = recorder((m) => ({
      outcome: m.kind === 'activation' ? 'applied' : 'unchanged',
      key: `key-${m.requestId}`,
      reason: m.kind,
    }));
    const first = await pollInbox({ config: config('basic'), store, handle });
    expect(seen.map((m) => [m.kind, m.requestId, m.trusted])).toEqual([
      ['activation', 'req_a1', true],
      ['activation', 'req_a2', true],
      ['expiry', 'req_a3', true],
    ]);
    expect(first).toMatchObject({ fetched: 4, candidates: 3, uidValidityChanged: true });
    expect(first.processed.map((p) => p.outcome)).toEqual(['applied', 'applied', 'unchanged']);
    expect(first.cursor.lastUid).toBe(4);

    const flags = await flagsOf('basic');
    expect(
      [...flags].filter(([, f]) => f.includes('$SmartOnboardProcessed')).map(([u]) => u),
    ).toEqual([1, 3, 4]);
    const recorded = await store.listInboundMail();
    expect(recorded.map((r) => [r.uid, r.classification, r.outcome, r.key])).toEqual([
      [1, 'activation', 'applied', 'key-req_a1'],
      [3, 'activation', 'applied', 'key-req_a2'],
      [4, 'expiry', 'unchanged', 'key-req_a3'],
    ]);

    const second = await pollInbox({ config: config('basic'), store, handle });
    expect(second).toMatchObject({
      fetched: 0,
      candidates: 0,
      processed: [],
      uidValidityChanged: false,
    });
    expect(seen).toHaveLength(3);

    // `UID 5:*` would return UID 4 again; only the new message may come back.
    await deliver('basic', 'INBOX', await ciscoMail('activation-confirmation', 'req_a4'));
    const third = await pollInbox({ config: config('basic'), store, handle });
    expect(third).toMatchObject({ fetched: 1, candidates: 1 });
    expect(seen.map((m) => m.requestId)).toEqual(['req_a1', 'req_a2', 'req_a3', 'req_a4']);
    expect((await pollInbox({ config: config('basic'), store, handle })).fetched).toBe(0);
  });

  it('counts the same email delivered twice (same Message-ID) once', async () => {
    const store = await newStore('twice');
    const raw = await ciscoMail('activation-confirmation', 'req_b1');
    await deliver('twice', 'INBOX', raw, raw);
    const { seen, handle } = recorder();
    const summary = await pollInbox({ config: config('twice'), store, handle });
    expect(seen).toHaveLength(1);
    expect(summary).toMatchObject({ fetched: 2, candidates: 2, skippedDuplicates: 1 });
    expect(summary.processed).toHaveLength(1);
    const flags = await flagsOf('twice');
    expect([...flags.values()].every((f) => f.includes('$SmartOnboardProcessed'))).toBe(true);
    expect(await store.listInboundMail()).toHaveLength(1);
  });

  it('hands spoofed confirmations over as untrusted, so they end up suspicious', async () => {
    const store = await newStore('spoof');
    const genuine = await ciscoMail('activation-confirmation', 'req_c0');
    const withoutDkim = genuine
      .toString('utf8')
      .replace(/^Authentication-Results:[^\r\n]*\r\n/, '')
      .replace('req_c0@', 'req_c0-forged@');
    await deliver(
      'spoof',
      'INBOX',
      await ciscoMail(
        'activation-confirmation',
        'req_c1',
        {},
        'smart-acct-pending@cisco-support.example',
      ),
      await ciscoMail(
        'activation-confirmation',
        'req_c2',
        {},
        'smart-acct-pending@cisco.com.evil.example',
      ),
      Buffer.from(withoutDkim),
      genuine,
    );
    const { seen, handle } = recorder((m) =>
      m.trusted ? { outcome: 'applied' } : { outcome: 'suspicious', reason: m.trustReason },
    );
    const summary = await pollInbox({
      config: config('spoof', { requireDkim: true }),
      store,
      handle,
    });
    expect(seen.map((m) => [m.requestId, m.trusted])).toEqual([
      ['req_c1', false],
      ['req_c2', false],
      ['req_c0', false],
      ['req_c0', true],
    ]);
    expect(seen[0]!.trustReason).toMatch(/cisco-support\.example is not on the allow-list/);
    expect(seen[1]!.trustReason).toMatch(/cisco\.com\.evil\.example is not on the allow-list/);
    expect(seen[2]!.trustReason).toMatch(/DKIM is required/);
    expect(summary.processed.map((p) => p.outcome)).toEqual([
      'suspicious',
      'suspicious',
      'suspicious',
      'applied',
    ]);
    expect(await store.listInboundMail({ outcome: 'suspicious' })).toHaveLength(3);
  });

  it('resyncs after a UIDVALIDITY change without duplicates or losses', async () => {
    const store = await newStore('reset');
    const mailbox = 'Cisco';
    await withImap('reset', (c) => c.mailboxCreate(mailbox));
    const [m1, m2, m3] = await Promise.all(
      ['req_d1', 'req_d2', 'req_d3'].map((id) => ciscoMail('activation-confirmation', id)),
    );
    await deliver('reset', mailbox, m1!, m2!);
    const { seen, handle } = recorder();
    const before = await pollInbox({ config: config('reset', { mailbox }), store, handle });
    expect(before.processed).toHaveLength(2);

    // The server loses its index: the mailbox comes back with a new UIDVALIDITY, the
    // old mail plus one new message (which now has a lower UID than the old cursor).
    await withImap('reset', async (c) => {
      await c.mailboxDelete(mailbox);
      await c.mailboxCreate(mailbox);
    });
    await deliver('reset', mailbox, m3!, m2!, m1!);
    const after = await pollInbox({ config: config('reset', { mailbox }), store, handle });
    expect(after.uidValidityChanged).toBe(true);
    expect(after.cursor.uidValidity).not.toBe(before.cursor.uidValidity);
    expect(after).toMatchObject({ fetched: 3, skippedDuplicates: 2 });
    expect(after.processed.map((p) => p.uid)).toEqual([1]);
    expect(seen.map((m) => m.requestId)).toEqual(['req_d1', 'req_d2', 'req_d3']);
    const flags = await flagsOf('reset', mailbox);
    expect([...flags.values()].every((f) => f.includes('$SmartOnboardProcessed'))).toBe(true);
    expect((await pollInbox({ config: config('reset', { mailbox }), store, handle })).fetched).toBe(
      0,
    );
  });

  it('moves processed mail to a folder it creates, leaving other mail alone', async () => {
    const store = await newStore('move');
    await deliver(
      'move',
      'INBOX',
      colleagueMail(2),
      await ciscoMail('activation-confirmation', 'req_e1'),
      await ciscoMail('expiry-notice', 'req_e2', { locale: 'de' }),
    );
    const cfg = config('move', { processed: { action: 'move', folder: 'Cisco Processed' } });
    const { seen, handle } = recorder();
    const summary = await pollInbox({ config: cfg, store, handle });
    expect(summary.processed).toHaveLength(2);
    const inbox = await flagsOf('move');
    expect([...inbox.keys()]).toEqual([1]);
    const moved = await flagsOf('move', 'Cisco Processed');
    expect(moved.size).toBe(2);
    expect((await pollInbox({ config: cfg, store, handle })).fetched).toBe(0);
    await deliver('move', 'INBOX', await ciscoMail('activation-confirmation', 'req_e3'));
    await pollInbox({ config: cfg, store, handle });
    expect(seen.map((m) => m.requestId)).toEqual(['req_e1', 'req_e2', 'req_e3']);
    expect((await flagsOf('move', 'Cisco Processed')).size).toBe(3);
  });

  it('fails a login with a clear error that never shows the password', async () => {
    const store = await newStore('auth');
    const cfg = config('auth', { password: 'wrong-hunter2' });
    const error = await pollInbox({ config: cfg, store, handle: recorder().handle }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InboxUnavailableError);
    expect((error as InboxUnavailableError).reason).toBe('auth');
    expect((error as Error).message).toContain(`127.0.0.1:${dovecot.port}`);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('reports Dovecot stopped mid-run as InboxUnavailableError and catches up after a restart', async () => {
    const store = await newStore('down');
    await deliver(
      'down',
      'INBOX',
      await ciscoMail('activation-confirmation', 'req_f1'),
      await ciscoMail('activation-confirmation', 'req_f2'),
    );
    const seen: string[] = [];
    const handle = async (mail: ClassifiedMail): Promise<HandleOutcome> => {
      seen.push(mail.requestId ?? '');
      if (seen.length === 1) await crashDovecot(); // the server goes away mid-poll
      return { outcome: 'applied' };
    };
    const error = await pollInbox({ config: config('down'), store, handle }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InboxUnavailableError);
    expect((error as Error).message).toMatch(
      new RegExp(`IMAP (server|connection to) 127\\.0\\.0\\.1:${dovecot.port}`),
    );
    expect((error as Error).message).not.toContain('pw-down-secret');
    // Whatever was handled before the drop is recorded, so it is never applied twice.
    const before = await store.listInboundMail();
    expect(before.length).toBeGreaterThanOrEqual(1);

    await dovecot.start();
    await deliver('down', 'INBOX', await ciscoMail('activation-confirmation', 'req_f3'));
    const summary = await pollInbox({ config: config('down'), store, handle });
    expect(seen).toEqual(['req_f1', 'req_f2', 'req_f3']);
    expect(summary.skippedDuplicates).toBe(before.length);
    expect(summary.processed.map((p) => p.uid)).toEqual([...[1, 2].slice(before.length), 3]);
    expect(await store.listInboundMail()).toHaveLength(3);
    const flags = await flagsOf('down');
    expect([...flags.values()].every((f) => f.includes('$SmartOnboardProcessed'))).toBe(true);
    expect((await pollInbox({ config: config('down'), store, handle })).fetched).toBe(0);
  });
});

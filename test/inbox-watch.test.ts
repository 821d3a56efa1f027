import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClassifiedMail,
  type PollSummary,
  imapConfigFromUrl,
  watchInbox,
} from '../src/batch/inbox/index.js';
import { type Store, openStore } from '../src/batch/store/index.js';
import { composeCiscoMail, renderRaw } from '../src/sandbox/mail/compose.js';
import { type Dovecot, startDovecot } from './helpers/dovecot.js';

let dovecot: Dovecot;
let dir: string;
let store: Store;

beforeAll(async () => {
  dovecot = await startDovecot();
  dir = mkdtempSync(join(tmpdir(), 'inbox-watch-'));
  store = await openStore({ file: join(dir, 'state.db') });
});
afterAll(async () => {
  await store?.close();
  await dovecot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const confirmation = (id: string) =>
  renderRaw(
    composeCiscoMail(
      'activation-confirmation',
      {
        id,
        accountName: `Customer ${id}`,
        accountDomain: `${id}.example`,
        customerEmail: `it@${id}.example`,
        smartAccountId: null,
        locale: 'en',
        expiresAt: null,
        activatedAt: '2025-03-05T08:30:00.000Z',
        userEmails: [],
      },
      { requesterEmail: 'ops@partner.example', now: new Date(), activationUrl: 'http://x' },
    ),
  );

async function deliver(raw: Buffer): Promise<void> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: dovecot.port,
    secure: false,
    auth: { user: 'ops', pass: dovecot.users.ops! },
    logger: false,
  });
  await client.connect();
  await client.append('INBOX', raw);
  await client.logout();
}

/**
 * Stops Dovecot and kills its `imap` session processes (children of this test's
 * master, by pid): a plain stop waits for open sessions, such as the IDLE one.
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

/** Resolves once `check` is true, polling every 20 ms; rejects after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

describe('watchInbox', () => {
  it('picks up new mail through IDLE within a second or two and stops on abort', async () => {
    await deliver(await confirmation('req_w0'));
    const seen: string[] = [];
    const polls: PollSummary[] = [];
    const controller = new AbortController();
    const watching = watchInbox({
      config: imapConfigFromUrl(dovecot.imapUrl('ops')),
      store,
      // Sweeps are far apart: only IDLE can explain a quick pickup.
      sweepIntervalMs: 60_000,
      signal: controller.signal,
      handle: async (mail: ClassifiedMail) => {
        seen.push(mail.requestId ?? '');
        return { outcome: 'applied' };
      },
      onPoll: (summary) => polls.push(summary),
    });

    await until(() => seen.length === 1, 5_000, 'the mail already there');
    await new Promise((r) => setTimeout(r, 300)); // let the IDLE connection settle
    await deliver(await confirmation('req_w1'));
    const pickup = await until(() => seen.length === 2, 3_000, 'IDLE to report new mail');
    expect(pickup).toBeLessThan(2_000);
    await until(() => polls.length >= 2, 2_000, 'the poll to finish');
    expect(seen).toEqual(['req_w0', 'req_w1']);

    const stopping = Date.now();
    controller.abort();
    const result = await watching;
    expect(Date.now() - stopping).toBeLessThan(1_500);
    expect(result.failedPolls).toBe(0);
    expect(result.polls).toBeGreaterThanOrEqual(2);
    expect(polls.flatMap((p) => p.processed.map((m) => m.uid))).toEqual([1, 2]);
  });

  it('reconnects after the server restarts and still sees new mail', async () => {
    const seen: string[] = [];
    const controller = new AbortController();
    const watching = watchInbox({
      config: imapConfigFromUrl(dovecot.imapUrl('ops'), {
        reconnect: { retries: 1, minDelayMs: 100, maxDelayMs: 300 },
      }),
      store,
      sweepIntervalMs: 60_000,
      signal: controller.signal,
      handle: async (mail: ClassifiedMail) => {
        seen.push(mail.requestId ?? '');
        return { outcome: 'applied' };
      },
    });
    await new Promise((r) => setTimeout(r, 300));
    await crashDovecot();
    await dovecot.start();
    await deliver(await confirmation('req_w2'));
    await until(() => seen.length === 1, 8_000, 'the mail after the restart');
    expect(seen).toEqual(['req_w2']);
    controller.abort();
    const result = await watching;
    expect(result.connections).toBeGreaterThanOrEqual(2);
  });
});

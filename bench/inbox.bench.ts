/**
 * Inbox benchmark, against a private Dovecot:
 * (a) an incremental poll with no new mail vs a bare imapflow session (connect, login,
 *     open the mailbox, logout), median of 20 each, interleaved (goal ≤ 1.5×);
 * (b) a first poll over a 10,000-message mailbox where 1 % are Cisco confirmations vs
 *     imapflow's raw envelope fetch of the same mailbox, in messages/s (goal ≥ 0.5×).
 *
 * The mailbox is seeded by writing maildir files into Dovecot's `new/` directory
 * (appends go one at a time, ~250/s). Run: node --import tsx bench/inbox.bench.ts [messages]
 */
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { type InboxConfig, imapConfigFromUrl, pollInbox } from '../src/batch/inbox/index.js';
import { openStore } from '../src/batch/store/index.js';
import { composeCiscoMail, renderRaw } from '../src/sandbox/mail/compose.js';
import { startDovecot } from '../test/helpers/dovecot.js';
import { median, report } from './lib.js';

const MESSAGES = Number(process.argv[2] ?? 10_000);
const NOBODY = 65534;

function filler(i: number): Buffer {
  const body = `Hello,\r\n\r\nweekly note number ${i}.\r\n${'Lorem ipsum dolor sit amet. '.repeat(30)}\r\n`;
  return Buffer.from(
    `From: "Colleague ${i % 50}" <colleague${i % 50}@partner.example>\r\n` +
      `To: ops@partner.example\r\nSubject: Weekly note ${i}\r\n` +
      `Message-ID: <note-${i}@partner.example>\r\nDate: ${new Date(1_700_000_000_000 + i * 60_000).toUTCString()}\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`,
  );
}

async function confirmation(i: number): Promise<Buffer> {
  const id = `req_${i.toString(16).padStart(8, '0')}`;
  return renderRaw(
    composeCiscoMail(
      'activation-confirmation',
      {
        id,
        accountName: `Customer ${i} GmbH`,
        accountDomain: `customer${i}.example`,
        customerEmail: `it@customer${i}.example`,
        smartAccountId: `SA-${1_000_000 + i}`,
        locale: i % 200 === 0 ? 'de' : 'en',
        expiresAt: null,
        activatedAt: '2025-03-05T08:30:00.000Z',
        userEmails: [],
      },
      { requesterEmail: 'ops@partner.example', now: new Date(), activationUrl: 'http://x' },
    ),
  );
}

async function session<T>(config: InboxConfig, fn?: (c: ImapFlow) => Promise<T>): Promise<void> {
  const client = new ImapFlow({
    host: config.host,
    port: config.port,
    secure: false,
    auth: { user: config.user, pass: config.password ?? '' },
    logger: false,
    disableAutoIdle: true,
  });
  await client.connect();
  await client.mailboxOpen(config.mailbox);
  if (fn) await fn(client);
  await client.logout();
}

const ms = async (fn: () => Promise<unknown>): Promise<number> => {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
};

const dovecot = await startDovecot();
const work = mkdtempSync(join(tmpdir(), 'inbox-bench-'));
try {
  const config = imapConfigFromUrl(dovecot.imapUrl('ops'));
  await session(config); // creates the maildir
  const maildirNew = join(dovecot.dir, 'mail', 'ops', 'new');
  let confirmations = 0;
  for (let i = 0; i < MESSAGES; i++) {
    const isCisco = i % 100 === 50;
    if (isCisco) confirmations++;
    const raw = isCisco ? await confirmation(i) : filler(i);
    const file = join(
      maildirNew,
      `${1_700_000_000 + i}.M${i}P${process.pid}.bench,S=${raw.length}`,
    );
    writeFileSync(file, raw);
    chownSync(file, NOBODY, NOBODY);
  }
  const handle = async () => ({ outcome: 'applied' as const });
  const rawEnvelopes = () =>
    session(config, async (c) => {
      let n = 0;
      for await (const m of c.fetch('1:*', { uid: true, envelope: true })) if (m.envelope) n++;
      if (n !== MESSAGES) throw new Error(`expected ${MESSAGES} envelopes, got ${n}`);
    });
  // Warm-up: Dovecot indexes the new files and fills its cache once, for both sides.
  await rawEnvelopes();

  // (b) first poll vs raw envelope fetch, interleaved, median of 3.
  const firstPoll: number[] = [];
  const raw: number[] = [];
  let lastStore;
  for (let rep = 0; rep < 3; rep++) {
    raw.push(await ms(rawEnvelopes));
    const store = await openStore({ file: join(work, `first-${rep}.db`) });
    firstPoll.push(
      await ms(async () => {
        const summary = await pollInbox({ config, store, handle });
        if (summary.processed.length !== confirmations || summary.fetched !== MESSAGES) {
          throw new Error(`poll saw ${summary.fetched} / ${summary.processed.length}`);
        }
      }),
    );
    if (lastStore) await lastStore.close();
    lastStore = store;
  }
  const rawRate = MESSAGES / (median(raw) / 1000);
  const pollRate = MESSAGES / (median(firstPoll) / 1000);
  const ratioB = pollRate / rawRate;

  // (a) incremental poll with nothing new vs a bare session, interleaved, median of 20.
  const store = lastStore!;
  const bare: number[] = [];
  const idle: number[] = [];
  for (let i = 0; i < 22; i++) {
    const b = await ms(() => session(config));
    const p = await ms(async () => {
      const summary = await pollInbox({ config, store, handle });
      if (summary.fetched !== 0) throw new Error('an incremental poll fetched old mail');
    });
    if (i >= 2) {
      bare.push(b);
      idle.push(p);
    }
  }
  await store.close();
  const ratioA = median(idle) / median(bare);

  report({
    name: 'inbox: incremental poll, no new mail / bare imapflow session',
    value: ratioA,
    goal: '≤ 1.5×',
    pass: ratioA <= 1.5,
    detail: `${median(idle).toFixed(2)} ms vs ${median(bare).toFixed(2)} ms (median of 20, ${MESSAGES} messages in the mailbox)`,
  });
  report({
    name: `inbox: first poll of ${MESSAGES} messages (1 % confirmations) / raw envelope fetch`,
    value: ratioB,
    goal: '≥ 0.5×',
    pass: ratioB >= 0.5,
    detail: `${Math.round(pollRate)} msg/s (${median(firstPoll).toFixed(0)} ms, ${confirmations} handled) vs ${Math.round(rawRate)} msg/s (${median(raw).toFixed(0)} ms)`,
  });
} finally {
  await dovecot.stop();
  rmSync(work, { recursive: true, force: true });
}

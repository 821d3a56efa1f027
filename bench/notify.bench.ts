// Sending notices: a pooled SMTP transport vs one connection per mail, to the same
// smtp-server sink in this process. smtp-server waits a fixed 100 ms before its greeting,
// which is exactly the cost pooling saves; one-connection-per-mail is measured on a
// smaller sample and compared in mails per second. The sink only counts what it gets
// (the test sink parses every message with mailparser, which would measure the parser).
import { SMTPServer } from 'smtp-server';
import {
  createMailer,
  loadTemplates,
  noticeMessageId,
  sampleContexts,
} from '../src/batch/notify/index.js';
import type { Mailer } from '../src/batch/notify/index.js';
import { report } from './lib.js';

const POOLED = 2_000;
const SINGLE = 40;
// Same concurrency on both sides (5 connections vs 5 mails in flight); sequential one-per-mail
// would be ~5× slower still. Local TCP with Nagle + delayed ACK caps each connection near 20 mails/s.
const GOAL = 3;

const templates = await loadTemplates();
const sample = sampleContexts()['customer-notice'];
const mails = Array.from({ length: POOLED }, (_, i) => {
  const rendered = templates.render('customer-notice', i % 2 ? 'de' : 'en', {
    ...sample,
    accountName: `Kunde ${i} GmbH`,
  });
  return {
    messageId: noticeMessageId({
      kind: 'customer-notice',
      key: `c_${i}`,
      domain: 'smart-onboard.invalid',
    }),
    to: [`it${i}@kunde.example`],
    ...rendered,
  };
});

/** A counting smtp-server on a free port. */
async function startSink(): Promise<{
  url: string;
  received: () => number;
  close: () => Promise<void>;
}> {
  let received = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function measure(pool: boolean, count: number): Promise<{ perSecond: number; ms: number }> {
  const sink = await startSink();
  const mailer: Mailer = createMailer({
    url: sink.url,
    from: 'ops@distributor.example',
    pool,
    maxConnections: 5,
    rateLimit: false,
  });
  const queue = mails.slice(0, count);
  const start = performance.now();
  // pooled: all at once (the pool queues); single: 5 in flight, like the pool's 5 connections
  const workers = Array.from({ length: pool ? count : 5 }, async () => {
    for (let mail = queue.shift(); mail; mail = queue.shift()) {
      const result = await mailer.send(mail);
      if (result.status !== 'sent') throw new Error(`not sent: ${JSON.stringify(result)}`);
    }
  });
  await Promise.all(workers);
  const ms = performance.now() - start;
  if (sink.received() !== count) throw new Error(`sink got ${sink.received()} of ${count}`);
  mailer.close();
  await sink.close();
  return { perSecond: (count / ms) * 1000, ms };
}

const single = await measure(false, SINGLE);
const pooled = await measure(true, POOLED);
const ratio = pooled.perSecond / single.perSecond;
report({
  name: 'notify: pooled vs one connection per mail',
  value: ratio,
  goal: `≥ ${GOAL}×`,
  pass: ratio >= GOAL,
  detail: `pooled ${POOLED} mails in ${pooled.ms.toFixed(0)} ms = ${pooled.perSecond.toFixed(0)}/s; one connection per mail ${SINGLE} mails in ${single.ms.toFixed(0)} ms = ${single.perSecond.toFixed(1)}/s (5 in flight each)`,
});

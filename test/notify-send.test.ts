import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Mailer,
  type NotifyDeps,
  type TemplateSet,
  createMailer,
  loadTemplates,
  noticeMessageId,
  sendExpiryReminder,
  sendNotice,
  sendPendingNotices,
  sendRunSummary,
} from '../src/batch/notify/index.js';
import { type Customer, type Store, openStore } from '../src/batch/store/index.js';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.js';

const EXPIRES = '2026-12-31T12:00:00.000Z';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

let templates: TemplateSet;
beforeAll(async () => {
  templates = await loadTemplates({ defaultLocale: 'en' });
});

async function setup(
  sinkOptions: Parameters<typeof startSmtpSink>[0] = {},
  templateSet: TemplateSet = templates,
): Promise<{ sink: SmtpSink; store: Store; mailer: Mailer; deps: NotifyDeps; file: string }> {
  const sink = await startSmtpSink(sinkOptions);
  const dir = mkdtempSync(join(tmpdir(), 'so-notify-'));
  const file = join(dir, 'state.db');
  const store = await openStore({ file });
  const mailer = createMailer({
    url: `smtp://ops%40distributor.example:s3cret@127.0.0.1:${sink.port}`,
    from: 'Beispiel Distribution GmbH <ops@distributor.example>',
    rateLimit: false,
    retry: { attempts: 3, minDelayMs: 20, maxDelayMs: 100 },
  });
  cleanups.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => sink.close(),
    () => store.close(),
    () => mailer.close(),
  );
  return { sink, store, mailer, deps: { store, mailer, templates: templateSet }, file };
}

async function pendingCustomer(
  store: Store,
  fields: Partial<Pick<Customer, 'accountName' | 'customerEmail'>> & {
    data?: Record<string, unknown>;
  } = {},
): Promise<Customer> {
  const key = `c_${Math.random().toString(16).slice(2, 14)}`;
  await store.upsertCustomer({
    key,
    accountName: fields.accountName ?? 'Müller Maschinenbau GmbH',
    accountDomain: 'mueller-maschinenbau.de',
    customerEmail: fields.customerEmail ?? 'it@mueller-maschinenbau.de',
    data: {
      userEmails: ['anna@mueller-maschinenbau.de', 'jonas@mueller-maschinenbau.de'],
      ...fields.data,
    },
  });
  return store.transition(key, {
    to: 'pending',
    cause: 'test: submitted',
    patch: { requestId: 'req_123', expiresAt: EXPIRES, submittedAt: '2026-10-02T12:00:00.000Z' },
  });
}

describe('sending notices for a pending row', () => {
  it('sends the customer notice to the customer and the users notice to the users, with both parts', async () => {
    const { sink, store, deps } = await setup();
    const customer = await pendingCustomer(store);
    const outcomes = await sendPendingNotices(deps, customer);
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent']);
    const [notice, users] = await sink.waitFor(2);
    expect(notice!.envelope.to).toEqual(['it@mueller-maschinenbau.de']);
    expect(notice!.subject).toBe(
      'Your Cisco Smart Account for Müller Maschinenbau GmbH: please activate by Dec 31, 2026',
    );
    expect(notice!.from).toBe('ops@distributor.example');
    expect(notice!.text).toContain('smart-acct-pending@cisco.com');
    expect(notice!.text).toContain('Request ID: req_123');
    expect(notice!.html).toContain('<strong>Dec 31, 2026</strong>');
    expect(notice!.messageId).toBe(`<customer-notice.${customer.key}@smart-onboard.invalid>`);
    expect(notice!.headers['auto-submitted']).toBe('auto-generated');
    expect(users!.envelope.to).toEqual([
      'anna@mueller-maschinenbau.de',
      'jonas@mueller-maschinenbau.de',
    ]);
    expect(users!.subject).toContain('You will get access');
    expect(users!.html).toContain('it@mueller-maschinenbau.de');
    const emails = await store.listEmails({ key: customer.key });
    expect(emails.map((e) => [e.kind, e.status])).toEqual([
      ['customer-notice', 'sent'],
      ['users-notice', 'sent'],
    ]);
  });

  it('skips the users notice when the row names no users', async () => {
    const { sink, store, deps } = await setup();
    const customer = await pendingCustomer(store, { data: { userEmails: [] } });
    const outcomes = await sendPendingNotices(deps, customer);
    expect(outcomes).toHaveLength(1);
    await sink.waitFor(1);
    expect(sink.messages.map((m) => m.subject)).toHaveLength(1);
  });

  it('writes German for a row with locale de, the configured default otherwise, and English as the last resort', async () => {
    const { sink, store, mailer } = await setup();
    const german = await loadTemplates({ defaultLocale: 'de' });
    const unknownDefault = await loadTemplates({ defaultLocale: 'fr' });
    const rowDe = await pendingCustomer(store, { data: { userEmails: [], locale: 'de' } });
    const rowNone = await pendingCustomer(store, { data: { userEmails: [] } });
    const rowFr = await pendingCustomer(store, { data: { userEmails: [], locale: 'fr' } });
    await sendPendingNotices({ store, mailer, templates }, rowDe);
    await sendPendingNotices({ store, mailer, templates: german }, rowNone);
    await sendPendingNotices({ store, mailer, templates: unknownDefault }, rowFr);
    const [a, b, c] = await sink.waitFor(3);
    expect(a!.subject).toBe(
      'Ihr Cisco Smart Account für Müller Maschinenbau GmbH: bitte bis 31.12.2026 aktivieren',
    );
    expect(a!.text).toContain('Guten Tag,');
    expect(a!.text).toContain('Mit freundlichen Grüßen');
    expect(b!.subject).toContain('bitte bis 31.12.2026 aktivieren');
    expect(c!.subject).toContain('please activate by Dec 31, 2026');
  });

  it('escapes hostile row data: no header injection, no markup, formulas shown as text', async () => {
    const { sink, store, deps } = await setup();
    const customer = await pendingCustomer(store, {
      accountName: 'Evil Corp\r\nBcc: victim@evil.example\r\n<script>alert(1)</script>',
      data: {
        userEmails: [],
        noteToCustomer: '=HYPERLINK("http://evil.example","Click me") <img src=x onerror=alert(1)>',
      },
    });
    await sendPendingNotices(deps, customer);
    const [mail] = await sink.waitFor(1);
    expect(mail!.envelope.to).toEqual(['it@mueller-maschinenbau.de']);
    expect(mail!.headers['bcc']).toBeUndefined();
    expect(mail!.subject).not.toMatch(/[\r\n]/);
    expect(mail!.subject).toBe(
      'Your Cisco Smart Account for Evil Corp Bcc: victim@evil.example <script>alert(1)</script>: please activate by Dec 31, 2026',
    );
    expect(mail!.html).not.toContain('<script>');
    expect(mail!.html).not.toContain('<img');
    expect(mail!.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail!.html).toContain('&#x3D;HYPERLINK(&quot;http://evil.example&quot;');
    expect(mail!.text).toContain('Note: =HYPERLINK("http://evil.example","Click me")');
  });
});

describe('record-then-send', () => {
  it('never sends the same notice twice: a re-run reports already-sent and the sink got one', async () => {
    const { sink, store, deps } = await setup();
    const customer = await pendingCustomer(store, { data: { userEmails: [] } });
    const first = await sendPendingNotices(deps, customer);
    const again = await sendPendingNotices(deps, customer);
    expect(first[0]!.status).toBe('sent');
    expect(again[0]!.status).toBe('already-sent');
    await sink.waitFor(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.messages).toHaveLength(1);
  });

  it('a re-run with a freshly opened store still finds the notice sent', async () => {
    const { sink, store, mailer, file } = await setup();
    const customer = await pendingCustomer(store, { data: { userEmails: [] } });
    await sendPendingNotices({ store, mailer, templates }, customer);
    const reopened = await openStore({ file });
    cleanups.push(() => reopened.close());
    const again = await sendPendingNotices({ store: reopened, mailer, templates }, customer);
    expect(again[0]!.status).toBe('already-sent');
    expect(sink.messages).toHaveLength(1);
  });

  it('retries a transient 451 and delivers once', async () => {
    const { sink, store, deps } = await setup({ failFirst: 2 });
    const customer = await pendingCustomer(store, { data: { userEmails: [] } });
    const [outcome] = await sendPendingNotices(deps, customer);
    expect(outcome).toMatchObject({ status: 'sent', attempts: 3 });
    expect(sink.transientFailures).toBe(2);
    expect(sink.messages).toHaveLength(1);
    expect((await store.listEmails({ key: customer.key }))[0]!.status).toBe('sent');
  });

  it('leaves a notice recorded (deferred) when the 4xx outlasts the retries; the next run sends it', async () => {
    const { sink, store, deps } = await setup({ failFirst: 3 });
    const customer = await pendingCustomer(store, { data: { userEmails: [] } });
    const [first] = await sendPendingNotices(deps, customer);
    expect(first).toMatchObject({ status: 'deferred', reason: expect.stringContaining('451') });
    expect((await store.listEmails({ key: customer.key }))[0]!.status).toBe('recorded');
    const [second] = await sendPendingNotices(deps, customer);
    expect(second).toMatchObject({ status: 'sent', resumed: true });
    expect(sink.messages).toHaveLength(1);
  });

  it('stores the server reason when a recipient is rejected permanently, and does not throw', async () => {
    const { sink, store, deps } = await setup({
      rejectRecipients: { 'gone@kunde.example': { code: 550, message: '5.1.1 user unknown' } },
    });
    const customer = await pendingCustomer(store, {
      customerEmail: 'gone@kunde.example',
      data: { userEmails: ['anna@kunde.example'] },
    });
    const [notice, users] = await sendPendingNotices(deps, customer);
    expect(notice).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('550 5.1.1 user unknown'),
    });
    expect(users!.status).toBe('sent');
    const stored = await store.listEmails({ key: customer.key, kind: 'customer-notice' });
    expect(stored[0]).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('550 5.1.1 user unknown'),
    });
    // a later run does not hammer the dead address again
    const [again] = await sendPendingNotices(deps, customer);
    expect(again).toMatchObject({ status: 'failed', earlier: true });
    expect(sink.messages).toHaveLength(1);
  });

  it('reports recipients refused while others were accepted', async () => {
    const { store, deps } = await setup({
      rejectRecipients: {
        'jonas@mueller-maschinenbau.de': { code: 550, message: '5.1.1 user unknown' },
      },
    });
    const customer = await pendingCustomer(store);
    const [, users] = await sendPendingNotices(deps, customer);
    expect(users).toMatchObject({
      status: 'sent',
      rejected: [
        {
          address: 'jonas@mueller-maschinenbau.de',
          reason: expect.stringContaining('user unknown'),
        },
      ],
    });
  });

  it('after a crash between record and send, the next run delivers it once with the same Message-ID', async () => {
    const { sink, store, deps } = await setup();
    const customer = await pendingCustomer(store, { data: { userEmails: [] } });
    const messageId = noticeMessageId({
      kind: 'customer-notice',
      key: customer.key,
      domain: 'smart-onboard.invalid',
    });
    // what a run that died right after recording leaves behind
    await store.recordEmail({
      id: messageId,
      key: customer.key,
      kind: 'customer-notice',
      recipients: [customer.customerEmail],
    });
    const [outcome] = await sendPendingNotices(deps, customer);
    expect(outcome).toMatchObject({ status: 'sent', resumed: true, messageId });
    const [mail] = await sink.waitFor(1);
    expect(mail!.messageId).toBe(messageId);
    expect(sink.messages).toHaveLength(1);
    expect((await store.listEmails({ key: customer.key }))[0]!.status).toBe('sent');
  });

  it('dry run renders without recording or sending', async () => {
    const { sink, store, deps } = await setup();
    const customer = await pendingCustomer(store);
    const outcomes = await sendPendingNotices(deps, customer, { dryRun: true });
    expect(outcomes.map((o) => o.status)).toEqual(['dry-run', 'dry-run']);
    expect(outcomes[0]!.status === 'dry-run' && outcomes[0]!.mail.subject).toContain('Müller');
    expect(await store.listEmails()).toEqual([]);
    expect(sink.messages).toEqual([]);
  });

  it('sends one reminder per schedule mark and the run summary once per run', async () => {
    const { sink, store, deps } = await setup();
    const customer = await pendingCustomer(store, { data: { userEmails: [], locale: 'de' } });
    expect((await sendExpiryReminder(deps, customer, 14)).status).toBe('sent');
    expect((await sendExpiryReminder(deps, customer, 14)).status).toBe('already-sent');
    expect((await sendExpiryReminder(deps, customer, 3)).status).toBe('sent');
    const run = await store.startRun({ command: 'reconcile' });
    const summary = {
      to: ['ops@distributor.example'],
      counts: { pending: 1, failed: 1, active: 0 },
      failures: [
        { key: 'c_x', accountName: 'A <b>GmbH</b>', status: 'failed', reason: '409 conflict' },
      ],
    };
    expect((await sendRunSummary(deps, run, summary)).status).toBe('sent');
    expect((await sendRunSummary(deps, run, summary)).status).toBe('already-sent');
    const mails = await sink.waitFor(3);
    expect(mails[0]!.messageId).toBe(`<expiry-reminder.d14.${customer.key}@smart-onboard.invalid>`);
    expect(mails[0]!.subject).toBe(
      'Erinnerung: Cisco Smart Account für Müller Maschinenbau GmbH bis 31.12.2026 aktivieren',
    );
    expect(mails[2]!.subject).toBe('smart-onboard reconcile: 2 rows, 1 need attention');
    expect(mails[2]!.html).toContain('A &lt;b&gt;GmbH&lt;/b&gt;');
    expect(mails[2]!.text).toContain('- A <b>GmbH</b> [c_x] failed: 409 conflict');
  });
});

describe('when the relay cannot be used', () => {
  it('throws a MailTransportError without the password and leaves the notice recorded', async () => {
    const { store, templates: set } = { store: await openStoreTemp(), templates };
    const mailer = createMailer({
      url: 'smtp://ops:very-s3cret-pw@127.0.0.1:1',
      from: 'ops@distributor.example',
      retry: { attempts: 2, minDelayMs: 10 },
    });
    cleanups.push(() => mailer.close());
    const customer = await pendingCustomer(store, { data: { userEmails: [] } });
    const error = await sendPendingNotices({ store, mailer, templates: set }, customer).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'MailTransportError', code: 'unreachable' });
    expect(String((error as Error).message)).toContain('smtp://ops@127.0.0.1:1');
    expect(JSON.stringify(error) + String(error) + String((error as Error).cause)).not.toContain(
      'very-s3cret-pw',
    );
    expect((await store.listEmails({ key: customer.key }))[0]!.status).toBe('recorded');
  });
});

async function openStoreTemp(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'so-notify-'));
  const store = await openStore({ file: join(dir, 'state.db') });
  cleanups.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => store.close(),
  );
  return store;
}

describe('sendNotice', () => {
  it('renders before recording: a context that does not fit leaves nothing in the store', async () => {
    const { store, deps } = await setup();
    await expect(
      sendNotice(deps, {
        kind: 'customer-notice',
        key: 'c_1',
        to: ['a@b.example'],
        context: { accountName: 'X' },
      }),
    ).rejects.toMatchObject({ name: 'TemplateError', code: 'invalid-context' });
    expect(await store.listEmails()).toEqual([]);
  });
});

import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dovecot, startDovecot } from '../helpers/dovecot.js';
import { type TestSandbox, draft, startTestSandbox } from '../helpers/sandbox.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

interface InboxMail {
  subject: string;
  from: string;
  to: string;
  text: string;
  authResults: string;
}

/** Everything in the requester's INBOX, parsed. */
async function requesterInbox(dovecot: Dovecot): Promise<InboxMail[]> {
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    auth: { user: 'ops', pass: dovecot.users.ops ?? '' },
    logger: false,
  });
  await client.connect();
  const out: InboxMail[] = [];
  try {
    await client.mailboxOpen('INBOX');
    for await (const msg of client.fetch('1:*', { source: true })) {
      if (!msg.source) continue;
      const parsed = await simpleParser(msg.source);
      out.push({
        subject: parsed.subject ?? '',
        from: parsed.from?.value[0]?.address ?? '',
        to: parsed.to && !Array.isArray(parsed.to) ? (parsed.to.value[0]?.address ?? '') : '',
        text: parsed.text ?? '',
        authResults: String(parsed.headers.get('authentication-results') ?? ''),
      });
    }
  } catch (error) {
    if (!String(error).includes('Mailbox')) throw error;
  } finally {
    await client.logout();
  }
  return out;
}

describe("sandbox: Cisco's mail to the customer and to the requester", () => {
  let sink: SmtpSink;
  let dovecot: Dovecot;
  let sandbox: TestSandbox;

  beforeAll(async () => {
    sink = await startSmtpSink();
    dovecot = await startDovecot();
    sandbox = await startTestSandbox({
      smtpUrl: sink.url,
      requesterImapUrl: dovecot.imapUrl('ops'),
      requesterEmail: 'ops@partner.example',
    });
  });
  afterAll(async () => {
    await sandbox.close();
    await sink.close();
    await dovecot.stop();
  });

  it('on submit, emails activation instructions to the customer (German for locale de)', async () => {
    const done = await sandbox.submitted(draft());
    const [mail] = await sink.waitFor(1);
    expect(mail?.envelope.to).toEqual(['anna.mueller@mueller-maschinenbau.de']);
    expect(mail?.from).toBe('smart-acct-pending@cisco.com');
    expect(mail?.subject).toBe(
      'Aktion erforderlich: Aktivieren Sie Ihren Cisco Smart Account Müller Maschinenbau GmbH (mueller-maschinenbau.de)',
    );
    expect(mail?.text).toContain(`Anfrage-ID: ${String(done.id)}`);
    expect(mail?.html).toContain(`/activate/${String(done.id)}`);
  });

  it('on activation, delivers the confirmation into the requester mailbox', async () => {
    const done = await sandbox.submitted(
      draft({
        accountName: 'Alpine Data AG',
        accountDomain: 'alpine-data.ch',
        customerEmail: 'it@alpine-data.ch',
        locale: 'en',
      }),
    );
    const res = await sandbox.call(
      'POST',
      `/_sandbox/account-requests/${String(done.id)}/activate`,
    );
    expect(res.status).toBe(200);
    const inbox = await requesterInbox(dovecot);
    const confirmation = inbox.find((m) => m.subject.startsWith('Smart Account activated'));
    expect(confirmation).toMatchObject({
      subject: 'Smart Account activated: Alpine Data AG (alpine-data.ch)',
      from: 'smart-acct-pending@cisco.com',
      to: 'ops@partner.example',
    });
    expect(confirmation?.text).toContain(`Request ID: ${String(done.id)}`);
    expect(confirmation?.text).toContain(String(done.smartAccountId));
    expect(confirmation?.authResults).toContain('dkim=pass');
  });

  it('on day 90, expires the request and tells the requester', async () => {
    const done = await sandbox.submitted(
      draft({ accountName: 'Spät GmbH', accountDomain: 'spaet.de', customerEmail: 'x@spaet.de' }),
    );
    await sandbox.call('POST', '/_sandbox/clock', { body: { advanceDays: 91 } });
    const inbox = await requesterInbox(dovecot);
    const notice = inbox.find((m) => m.subject.includes('Spät GmbH'));
    expect(notice?.subject).toBe('Smart-Account-Anfrage abgelaufen: Spät GmbH (spaet.de)');
    expect(notice?.text).toContain(String(done.id));
    const mail = await sandbox.call<{ items: Array<{ kind: string; status: string }> }>(
      'GET',
      '/_sandbox/mail',
    );
    expect(mail.body.items.map((m) => `${m.kind}:${m.status}`)).toEqual(
      expect.arrayContaining([
        'activation-instructions:delivered',
        'activation-confirmation:delivered',
        'expiry-notice:delivered',
      ]),
    );
  });
});

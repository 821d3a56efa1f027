import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CiscoMailContext,
  type CiscoMailRequest,
  composeCiscoMail,
  renderRaw,
} from '../src/sandbox/mail/compose.js';
import { MailDelivery } from '../src/sandbox/mail/deliver.js';
import { type Dovecot, startDovecot } from './helpers/dovecot.js';
import { freePort } from './helpers/ports.js';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.js';

const request = (over: Partial<CiscoMailRequest> = {}): CiscoMailRequest => ({
  id: 'req_0123456789abcdef',
  accountName: 'Müller GmbH',
  accountDomain: 'mueller-gmbh.de',
  customerEmail: 'it@mueller-gmbh.de',
  smartAccountId: 'SA-4711',
  locale: 'en',
  expiresAt: '2025-06-01T10:00:00.000Z',
  activatedAt: '2025-03-05T08:30:00.000Z',
  userEmails: ['anna@mueller-gmbh.de'],
  ...over,
});

const ctx: CiscoMailContext = {
  requesterEmail: 'ops@partner.example',
  now: new Date('2025-03-05T08:30:00.000Z'),
  activationUrl: 'http://127.0.0.1:9999/activate/req_0123456789abcdef?a=1&b=2',
};

describe('composeCiscoMail', () => {
  it('writes the English activation instructions to the customer', () => {
    const mail = composeCiscoMail('activation-instructions', request(), ctx);
    expect(mail.from).toBe('smart-acct-pending@cisco.com');
    expect(mail.to).toEqual(['it@mueller-gmbh.de']);
    expect(mail.subject).toBe(
      'Action required: activate your Cisco Smart Account Müller GmbH (mueller-gmbh.de)',
    );
    expect(mail.text).toContain('Request ID: req_0123456789abcdef');
    expect(mail.text).toContain('Account domain: mueller-gmbh.de');
    expect(mail.text).toContain('Smart Account ID: SA-4711');
    expect(mail.text).toContain('Activate by: 2025-06-01 10:00 UTC');
    expect(mail.text).toContain(ctx.activationUrl);
    expect(mail.html).toContain(
      'href="http://127.0.0.1:9999/activate/req_0123456789abcdef?a=1&amp;b=2"',
    );
    expect(mail.messageId).toBe(
      '<activation-instructions.req_0123456789abcdef@sandbox.smart-onboard.invalid>',
    );
    expect(mail.headers).toMatchObject({
      'Message-ID': mail.messageId,
      Date: 'Wed, 05 Mar 2025 08:30:00 GMT',
      'X-Smart-Account-Request-Id': 'req_0123456789abcdef',
    });
    expect(mail.requestId).toBe('req_0123456789abcdef');
  });

  it('writes confirmation and expiry notice to the requester, with distinct subjects', () => {
    const confirmation = composeCiscoMail('activation-confirmation', request(), ctx);
    const expiry = composeCiscoMail('expiry-notice', request(), ctx);
    expect(confirmation.to).toEqual(['ops@partner.example']);
    expect(expiry.to).toEqual(['ops@partner.example']);
    expect(confirmation.subject).toBe('Smart Account activated: Müller GmbH (mueller-gmbh.de)');
    expect(expiry.subject).toBe('Smart Account request expired: Müller GmbH (mueller-gmbh.de)');
    expect(confirmation.text).toContain('Activated: 2025-03-05 08:30 UTC');
    expect(expiry.text).toContain('90 days');
    for (const mail of [confirmation, expiry]) {
      expect(mail.text).toContain('Request ID: req_0123456789abcdef');
      expect(mail.text).toContain('Account name: Müller GmbH');
      expect(mail.text).toContain('Account domain: mueller-gmbh.de');
    }
    expect(confirmation.messageId).not.toBe(expiry.messageId);
  });

  it('writes German mail for locale de', () => {
    const de = request({ locale: 'de' });
    const confirmation = composeCiscoMail('activation-confirmation', de, ctx);
    expect(confirmation.subject).toBe('Smart Account aktiviert: Müller GmbH (mueller-gmbh.de)');
    expect(confirmation.text).toContain('Anfrage-ID: req_0123456789abcdef');
    expect(confirmation.text).toContain('Kontodomäne: mueller-gmbh.de');
    expect(confirmation.text).toContain('Smart Account ID: SA-4711');
    expect(confirmation.text).toContain('Aktiviert am: 05.03.2025 08:30 UTC');
    expect(confirmation.html).toContain('<html lang="de">');
    expect(composeCiscoMail('expiry-notice', de, ctx).subject).toBe(
      'Smart-Account-Anfrage abgelaufen: Müller GmbH (mueller-gmbh.de)',
    );
    expect(composeCiscoMail('activation-instructions', de, ctx).text).toContain(
      'Aktivieren bis: 01.06.2025 10:00 UTC',
    );
  });

  it('escapes hostile account names in HTML and keeps them on one line in the subject', () => {
    const hostile = request({ accountName: '<script>alert("x")</script>\r\nBcc: evil@x' });
    const mail = composeCiscoMail('activation-confirmation', hostile, ctx);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text).toContain('Account name: <script>alert("x")</script> Bcc: evil@x');
  });

  it('renders an RFC 822 message with Authentication-Results only for cisco.com senders', async () => {
    const mail = composeCiscoMail('activation-confirmation', request(), ctx);
    const parsed = await simpleParser(await renderRaw(mail));
    expect(parsed.headers.get('authentication-results')).toBe(
      'mx.requester.invalid; dkim=pass header.d=cisco.com',
    );
    expect(parsed.messageId).toBe(mail.messageId);
    expect(parsed.date?.toISOString()).toBe('2025-03-05T08:30:00.000Z');
    expect(parsed.subject).toBe(mail.subject);
    expect(parsed.headers.get('x-smart-account-request-id')).toBe('req_0123456789abcdef');

    const spoof = composeCiscoMail('activation-confirmation', request(), {
      ...ctx,
      from: 'smart-acct-pending@cisco.com.evil.example',
    });
    const raw = (await renderRaw(spoof)).toString();
    expect(raw).not.toContain('Authentication-Results');
  });
});

describe('MailDelivery', () => {
  let sink: SmtpSink;
  let dovecot: Dovecot;
  beforeAll(async () => {
    [sink, dovecot] = await Promise.all([startSmtpSink(), startDovecot()]);
  });
  afterAll(async () => {
    await Promise.all([sink?.close(), dovecot?.stop()]);
  });

  it('sends over SMTP to the customer as the envelope recipient', async () => {
    const delivery = new MailDelivery({ smtpUrl: sink.url });
    try {
      const mail = composeCiscoMail('activation-instructions', request(), ctx);
      const outcome = await delivery.deliver(mail, 'smtp');
      expect(outcome).toEqual({ transport: 'smtp', status: 'delivered', error: null });
      const [got] = await sink.waitFor(1);
      expect(got?.envelope).toEqual({
        from: 'smart-acct-pending@cisco.com',
        to: ['it@mueller-gmbh.de'],
      });
      expect(got?.subject).toBe(mail.subject);
      expect(got?.messageId).toBe(mail.messageId);
      expect(got?.headers['x-smart-account-request-id']).toBe('req_0123456789abcdef');
      expect(got?.text).toContain('Request ID: req_0123456789abcdef');
    } finally {
      await delivery.close();
    }
  });

  it('appends into the requester mailbox over IMAP, creating the mailbox', async () => {
    const delivery = new MailDelivery({
      requesterImapUrl: dovecot.imapUrl('ops', 'Cisco Mail'),
    });
    const mail = composeCiscoMail('activation-confirmation', request({ locale: 'de' }), ctx);
    expect(await delivery.deliver(mail, 'imap')).toEqual({
      transport: 'imap',
      status: 'delivered',
      error: null,
    });
    await delivery.close();

    const client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      auth: { user: 'ops', pass: 'secret' },
      logger: false,
    });
    await client.connect();
    const lock = await client.getMailboxLock('Cisco Mail');
    try {
      const msg = await client.fetchOne('*', { source: true });
      expect(msg && msg.source).toBeTruthy();
      const parsed = await simpleParser(msg ? (msg.source ?? Buffer.alloc(0)) : Buffer.alloc(0));
      expect(parsed.subject).toBe('Smart Account aktiviert: Müller GmbH (mueller-gmbh.de)');
      expect(parsed.headers.get('authentication-results')).toBe(
        'mx.requester.invalid; dkim=pass header.d=cisco.com',
      );
      expect(parsed.text).toContain('Anfrage-ID: req_0123456789abcdef');
    } finally {
      lock.release();
      await client.logout();
    }
  });

  it('keeps mail queued when the route is not configured', async () => {
    const delivery = new MailDelivery({ smtpUrl: sink.url });
    const mail = composeCiscoMail('expiry-notice', request(), ctx);
    expect(await delivery.deliver(mail, 'imap')).toEqual({
      transport: 'none',
      status: 'queued',
      error: null,
    });
    await delivery.close();
  });

  it('reports a failed IMAP delivery without the password', async () => {
    const port = await freePort();
    const warnings: string[] = [];
    const delivery = new MailDelivery({
      requesterImapUrl: `imap://ops:Sup3r%2FSecret@127.0.0.1:${port}/INBOX`,
      logger: { warn: (m) => warnings.push(m) },
      timeoutMs: 2_000,
    });
    const mail = composeCiscoMail('activation-confirmation', request(), ctx);
    const outcome = await delivery.deliver(mail, 'imap');
    expect(outcome.transport).toBe('imap');
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/ECONNREFUSED|refused/i);
    expect(outcome.error).not.toMatch(/Sup3r/);
    expect(warnings.join('\n')).not.toMatch(/Sup3r/);
    expect(warnings).toHaveLength(1);
  });

  it('reports a wrong IMAP password as failed, without the password', async () => {
    const delivery = new MailDelivery({
      requesterImapUrl: `imap://ops:Wr0ngPass@127.0.0.1:${dovecot.port}/INBOX`,
    });
    const outcome = await delivery.deliver(
      composeCiscoMail('activation-confirmation', request(), ctx),
      'imap',
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBeTruthy();
    expect(outcome.error).not.toContain('Wr0ngPass');
  });

  it('reports an SMTP rejection as failed', async () => {
    const picky = await startSmtpSink({
      rejectRecipients: { 'it@mueller-gmbh.de': { code: 550, message: 'Mailbox unavailable' } },
    });
    const delivery = new MailDelivery({ smtpUrl: picky.url.replace('//', '//u:Pw0rdX@') });
    try {
      const outcome = await delivery.deliver(
        composeCiscoMail('activation-instructions', request(), ctx),
        'smtp',
      );
      expect(outcome.status).toBe('failed');
      expect(outcome.error).toMatch(/550|Mailbox unavailable/);
      expect(outcome.error).not.toContain('Pw0rdX');
    } finally {
      await delivery.close();
      await picky.close();
    }
  });
});

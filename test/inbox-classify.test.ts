import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  InboxConfigError,
  classifyMail,
  classifyRules,
  imapConfigFromUrl,
  parseInboxConfig,
} from '../src/batch/inbox/index.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url));
const strict = classifyRules(
  parseInboxConfig({ host: 'h', user: 'u', password: 'p', requireDkim: true }),
);

describe('classifyMail on the sandbox emails', () => {
  it('reads an English activation confirmation', async () => {
    const mail = await classifyMail(fixture('activation-en.eml'));
    expect(mail).toMatchObject({
      kind: 'activation',
      messageId: '<activation-confirmation.req_0a1b2c3d@sandbox.smart-onboard.invalid>',
      requestId: 'req_0a1b2c3d',
      accountName: 'Acme Widgets Ltd',
      accountDomain: 'acme.example',
      smartAccountId: 'SA-0100001',
      eventAt: '2025-03-01T14:05:00.000Z',
      date: '2025-03-01T14:05:00.000Z',
      from: 'smart-acct-pending@cisco.com',
      trusted: true,
      dkim: 'pass',
    });
  });

  it('reads a German activation confirmation (umlauts, encoded subject)', async () => {
    const mail = await classifyMail(fixture('activation-de.eml'), strict);
    expect(mail).toMatchObject({
      kind: 'activation',
      subject: 'Smart Account aktiviert: Müller Maschinenbau GmbH (mueller-maschinen.example)',
      requestId: 'req_4e5f6a7b',
      accountName: 'Müller Maschinenbau GmbH',
      accountDomain: 'mueller-maschinen.example',
      smartAccountId: 'SA-0100002',
      eventAt: '2025-03-01T14:05:00.000Z',
      trusted: true,
    });
  });

  it('reads English and German expiry notices', async () => {
    const en = await classifyMail(fixture('expiry-en.eml'));
    const de = await classifyMail(fixture('expiry-de.eml'));
    expect(en).toMatchObject({ kind: 'expiry', requestId: 'req_0a1b2c3d', smartAccountId: null });
    expect(en.eventAt).toBe('2025-05-30T14:05:00.000Z');
    expect(de).toMatchObject({
      kind: 'expiry',
      requestId: 'req_4e5f6a7b',
      accountDomain: 'mueller-maschinen.example',
      eventAt: '2025-05-30T14:05:00.000Z',
    });
  });

  it('calls the activation instructions to the customer "other"', async () => {
    const mail = await classifyMail(fixture('instructions-en.eml'));
    expect(mail.kind).toBe('other');
    expect(mail.trusted).toBe(true);
  });

  it('takes configured patterns before the built-ins', async () => {
    const rules = classifyRules(
      parseInboxConfig({
        host: 'h',
        user: 'u',
        password: 'p',
        patterns: { activationSubject: ['^Willkommen'], requestId: ['Ticket #(\\d+)'] },
      }),
    );
    const raw = [
      'From: notify@cisco.com',
      'To: ops@partner.example',
      'Subject: Willkommen bei Cisco',
      'Message-ID: <custom@cisco.com>',
      '',
      'Ticket #4711 ist erledigt.',
      '',
    ].join('\r\n');
    expect(await classifyMail(raw, rules)).toMatchObject({
      kind: 'activation',
      requestId: '4711',
      trusted: true,
    });
  });
});

describe('trust', () => {
  it('distrusts a confirmation from a sender off the allow-list', async () => {
    const mail = await classifyMail(fixture('spoof-wrong-sender.eml'));
    expect(mail.kind).toBe('activation');
    expect(mail.trusted).toBe(false);
    expect(mail.trustReason).toContain('cisco-support.example is not on the allow-list');
  });

  it('distrusts a lookalike domain even with its own dkim=pass', async () => {
    const mail = await classifyMail(fixture('spoof-lookalike-domain.eml'), strict);
    expect(mail.from).toBe('smart-acct-pending@cisco.com.evil.example');
    expect(mail.trusted).toBe(false);
    expect(mail.trustReason).toMatch(/not on the allow-list/);
  });

  it('distrusts a cisco.com From without dkim=pass only when DKIM is required', async () => {
    const relaxed = await classifyMail(fixture('spoof-no-dkim.eml'));
    expect(relaxed.trusted).toBe(true);
    const noDkim = await classifyMail(fixture('spoof-no-dkim.eml'), strict);
    expect(noDkim).toMatchObject({ trusted: false, dkim: 'none' });
    expect(noDkim.trustReason).toMatch(/DKIM is required/);
    const failed = await classifyMail(fixture('spoof-dkim-fail.eml'), strict);
    expect(failed).toMatchObject({ trusted: false, dkim: 'fail' });
  });

  it('accepts subdomains and exact addresses on the allow-list', async () => {
    const rules = classifyRules(
      parseInboxConfig({
        host: 'h',
        user: 'u',
        password: 'p',
        allowSenders: ['cisco.com', 'Alerts@Partner.Example'],
      }),
    );
    const raw = (from: string) =>
      `From: ${from}\r\nSubject: Smart Account activated: A (a.example)\r\n\r\nRequest ID: req_1\r\n`;
    expect((await classifyMail(raw('x@mail.cisco.com'), rules)).trusted).toBe(true);
    expect((await classifyMail(raw('alerts@partner.example'), rules)).trusted).toBe(true);
    expect((await classifyMail(raw('other@partner.example'), rules)).trusted).toBe(false);
    expect((await classifyMail(raw('x@notcisco.com'), rules)).trusted).toBe(false);
  });
});

describe('inbox configuration', () => {
  it('reads SMART_ONBOARD_IMAP_URL with percent-decoding and defaults', () => {
    const config = imapConfigFromUrl(
      'imaps://ops%40partner.example:p%40ss%3Aw0rd@mail.example/Cisco%20Mail',
    );
    expect(config).toMatchObject({
      host: 'mail.example',
      port: 993,
      secure: true,
      user: 'ops@partner.example',
      password: 'p@ss:w0rd',
      mailbox: 'Cisco Mail',
      processed: { action: 'flag', keyword: '$SmartOnboardProcessed' },
      allowSenders: ['cisco.com'],
      requireDkim: false,
    });
    expect(imapConfigFromUrl('imap://u:p@127.0.0.1:1143')).toMatchObject({
      port: 1143,
      secure: false,
      mailbox: 'INBOX',
    });
  });

  it('takes an OAuth2 token instead of a password', () => {
    const config = imapConfigFromUrl('imaps://ops@outlook.office365.com', { accessToken: 'tok' });
    expect(config.accessToken).toBe('tok');
    expect(config.password).toBeUndefined();
  });

  it('rejects bad configuration with a message that names the field, never the password', () => {
    expect(() => imapConfigFromUrl('http://u:hunter2@h/INBOX')).toThrow(InboxConfigError);
    expect(() => imapConfigFromUrl('imap://u@h/INBOX')).toThrow(
      /password or an OAuth2 accessToken/,
    );
    const err = (() => {
      try {
        imapConfigFromUrl('imap://u:hunter2@h/INBOX', {
          processed: { action: 'move', folder: '' },
        });
      } catch (e) {
        return e as Error;
      }
      return new Error('no error');
    })();
    expect(err.message).toMatch(/processed/);
    expect(err.message).not.toContain('hunter2');
    expect(() =>
      parseInboxConfig({ host: 'h', user: 'u', password: 'p', patterns: { requestId: ['('] } }),
    ).toThrow(/patterns\.requestId\.0: not a valid regular expression/);
  });
});

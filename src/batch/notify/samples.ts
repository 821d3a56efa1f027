/**
 * Sample contexts: what `templates preview` renders without a row, and what every
 * template is rendered against at load so a missing variable fails early.
 */
import { CISCO_SENDER, type TemplateContext, type TemplateName } from './contexts.js';

const DAY = 86_400_000;

/** A full context per built-in template: every optional value present, lists non-empty. */
export function sampleContexts(now: Date = new Date()): {
  [N in TemplateName]: TemplateContext<N>;
} {
  const at = (days: number) => new Date(now.getTime() + days * DAY).toISOString();
  const sender = {
    senderName: 'Beispiel Distribution GmbH',
    senderEmail: 'ops@distributor.example',
  };
  const account = {
    accountName: 'Müller Maschinenbau GmbH',
    accountDomain: 'mueller-maschinenbau.de',
    customerEmail: 'it@mueller-maschinenbau.de',
  };
  return {
    'customer-notice': {
      ...sender,
      ...account,
      userEmails: ['anna.schmidt@mueller-maschinenbau.de', 'jonas.weber@mueller-maschinenbau.de'],
      noteToCustomer: 'Ihre Lizenzen aus Auftrag 4711 werden diesem Konto zugeordnet.',
      requestId: 'req_8f3a2c',
      expiresAt: at(90),
      ciscoSender: CISCO_SENDER,
    },
    'users-notice': {
      ...sender,
      ...account,
      userEmails: ['anna.schmidt@mueller-maschinenbau.de', 'jonas.weber@mueller-maschinenbau.de'],
      noteToUsers: 'Sie verwalten künftig die Netzwerklizenzen.',
      expiresAt: at(90),
    },
    'expiry-reminder': {
      ...sender,
      ...account,
      requestId: 'req_8f3a2c',
      expiresAt: at(14),
      reminderDay: 14,
      ciscoSender: CISCO_SENDER,
    },
    'expired-notice': {
      ...sender,
      ...account,
      key: 'c_0123456789abcdef0123',
      requestId: 'req_8f3a2c',
      submittedAt: at(-90),
      expiredAt: now.toISOString(),
      sourceFile: 'kunden-q3.csv',
      sourceRow: 42,
    },
    'run-summary': {
      ...sender,
      runId: 'run_20260101_0200',
      command: 'reconcile',
      status: 'partial',
      startedAt: at(-1 / 24),
      finishedAt: now.toISOString(),
      total: 120,
      counts: [
        { status: 'pending', count: 80 },
        { status: 'active', count: 35 },
        { status: 'failed', count: 3 },
        { status: 'attention', count: 2 },
      ],
      failures: [
        {
          key: 'c_0123456789abcdef0123',
          accountName: 'Müller Maschinenbau GmbH',
          status: 'failed',
          reason: '409: the domain already has a Smart Account',
        },
        {
          key: 'c_fedcba98765432100123',
          accountName: 'Schulz & Partner KG',
          status: 'attention',
          reason: 'confirmation email matched no pending request',
        },
      ],
    },
  };
}

import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';

/** The three emails Cisco sends about a Smart Account request. */
export type CiscoMailKind = 'activation-instructions' | 'activation-confirmation' | 'expiry-notice';

/** What compose needs to know about the request (a subset of the sandbox's record). */
export interface CiscoMailRequest {
  id: string;
  accountName: string;
  accountDomain: string;
  customerEmail: string;
  smartAccountId: string | null;
  locale: 'en' | 'de';
  expiresAt: string | null;
  activatedAt: string | null;
  userEmails: string[];
}

export interface CiscoMailContext {
  /** Sender; default {@link DEFAULT_CISCO_SENDER}. */
  from?: string;
  /** The partner who asked for the account; gets confirmations and expiry notices. */
  requesterEmail: string;
  /** The sandbox clock: the Date header and the expiry date. */
  now: Date;
  /** Where the customer activates the account. */
  activationUrl: string;
}

/** A composed email, ready to be rendered or sent. */
export interface ComposedMail {
  kind: CiscoMailKind;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** `<kind.requestId@sandbox.smart-onboard.invalid>`: the same request and kind, the same id. */
  messageId: string;
  /** `Message-ID`, `Date`, `X-Smart-Account-Request-Id` and the like. */
  headers: Record<string, string>;
  requestId: string;
}

export const DEFAULT_CISCO_SENDER = 'smart-acct-pending@cisco.com';
export const REQUEST_ID_HEADER = 'X-Smart-Account-Request-Id';
const MESSAGE_ID_DOMAIN = 'sandbox.smart-onboard.invalid';
const SENDER_NAME = 'Cisco Smart Account';

type Labels = {
  name: string;
  domain: string;
  requestId: string;
  smartAccountId: string;
  users: string;
  deadline: string;
  activated: string;
  expired: string;
  greeting: string;
  signature: string;
};

const LABELS: Record<'en' | 'de', Labels> = {
  en: {
    name: 'Account name',
    domain: 'Account domain',
    requestId: 'Request ID',
    smartAccountId: 'Smart Account ID',
    users: 'Users to be added',
    deadline: 'Activate by',
    activated: 'Activated',
    expired: 'Expired',
    greeting: 'Hello,',
    signature: 'Regards,\nCisco Smart Account Team',
  },
  de: {
    name: 'Kontoname',
    domain: 'Kontodomäne',
    requestId: 'Anfrage-ID',
    smartAccountId: 'Smart Account ID',
    users: 'Hinzuzufügende Benutzer',
    deadline: 'Aktivieren bis',
    activated: 'Aktiviert am',
    expired: 'Abgelaufen am',
    greeting: 'Guten Tag,',
    signature: 'Mit freundlichen Grüßen\nIhr Cisco Smart Account Team',
  },
};

/** The sentences of each kind, per locale. `account` is "Name (domain)". */
const WORDING: Record<
  CiscoMailKind,
  Record<'en' | 'de', { subject: (account: string) => string; intro: string[]; outro: string[] }>
> = {
  'activation-instructions': {
    en: {
      subject: (a) => `Action required: activate your Cisco Smart Account ${a}`,
      intro: [
        'A Cisco partner has requested a Cisco Smart Account for your organization.',
        'Please review the details below and activate the account before the deadline.',
      ],
      outro: [
        'If the account is not activated by then, the request expires and your partner has to request a new one.',
        'If you did not expect this email, you can ignore it.',
      ],
    },
    de: {
      subject: (a) => `Aktion erforderlich: Aktivieren Sie Ihren Cisco Smart Account ${a}`,
      intro: [
        'Ein Cisco-Partner hat für Ihr Unternehmen einen Cisco Smart Account beantragt.',
        'Bitte prüfen Sie die folgenden Angaben und aktivieren Sie das Konto vor Ablauf der Frist.',
      ],
      outro: [
        'Wird das Konto bis dahin nicht aktiviert, verfällt die Anfrage und Ihr Partner muss eine neue stellen.',
        'Falls Sie diese E-Mail nicht erwartet haben, können Sie sie ignorieren.',
      ],
    },
  },
  'activation-confirmation': {
    en: {
      subject: (a) => `Smart Account activated: ${a}`,
      intro: [
        'The customer has accepted your Smart Account request. The Smart Account is now active.',
      ],
      outro: ['You can now manage licenses and users for this account in Cisco Software Central.'],
    },
    de: {
      subject: (a) => `Smart Account aktiviert: ${a}`,
      intro: [
        'Der Kunde hat Ihre Smart-Account-Anfrage angenommen. Der Smart Account ist jetzt aktiv.',
      ],
      outro: [
        'Sie können Lizenzen und Benutzer dieses Kontos jetzt in Cisco Software Central verwalten.',
      ],
    },
  },
  'expiry-notice': {
    en: {
      subject: (a) => `Smart Account request expired: ${a}`,
      intro: [
        'The customer did not accept your Smart Account request within 90 days. The request has expired.',
      ],
      outro: ['If the customer still needs a Smart Account, please submit a new request.'],
    },
    de: {
      subject: (a) => `Smart-Account-Anfrage abgelaufen: ${a}`,
      intro: [
        'Der Kunde hat Ihre Smart-Account-Anfrage nicht innerhalb von 90 Tagen angenommen. Die Anfrage ist abgelaufen.',
      ],
      outro: [
        'Benötigt der Kunde weiterhin einen Smart Account, stellen Sie bitte eine neue Anfrage.',
      ],
    },
  },
};

/** HTML-escapes text for element content and quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** One line of text: no CR/LF can reach a header or break the layout. */
const oneLine = (value: string) => value.replace(/[\r\n]+/g, ' ').trim();

/** `2025-03-01 14:05 UTC` (en) or `01.03.2025 14:05 UTC` (de). */
function formatDate(iso: string | Date, locale: 'en' | 'de'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const [date, time] = d.toISOString().split('T') as [string, string];
  const [y, m, day] = date.split('-');
  const hm = time.slice(0, 5);
  return locale === 'de' ? `${day}.${m}.${y} ${hm} UTC` : `${date} ${hm} UTC`;
}

/**
 * Composes one of Cisco's emails about a request, in the request's locale.
 * Instructions go to the customer; confirmation and expiry notice to the requester.
 */
export function composeCiscoMail(
  kind: CiscoMailKind,
  req: CiscoMailRequest,
  ctx: CiscoMailContext,
): ComposedMail {
  const locale = req.locale === 'de' ? 'de' : 'en';
  const l = LABELS[locale];
  const words = WORDING[kind][locale];
  const name = oneLine(req.accountName);
  const domain = oneLine(req.accountDomain);
  const from = ctx.from ?? DEFAULT_CISCO_SENDER;
  const to = [kind === 'activation-instructions' ? req.customerEmail : ctx.requesterEmail];

  const facts: [string, string][] = [
    [l.name, name],
    [l.domain, domain],
    [l.requestId, req.id],
  ];
  if (req.smartAccountId) facts.push([l.smartAccountId, req.smartAccountId]);
  if (kind === 'activation-instructions') {
    if (req.userEmails.length) facts.push([l.users, req.userEmails.join(', ')]);
    if (req.expiresAt) facts.push([l.deadline, formatDate(req.expiresAt, locale)]);
  } else if (kind === 'activation-confirmation') {
    facts.push([l.activated, formatDate(req.activatedAt ?? ctx.now, locale)]);
  } else {
    facts.push([l.expired, formatDate(req.expiresAt ?? ctx.now, locale)]);
  }
  const link =
    kind === 'activation-instructions'
      ? {
          label: locale === 'de' ? 'Smart Account aktivieren' : 'Activate your Smart Account',
          url: ctx.activationUrl,
        }
      : null;

  const text = [
    l.greeting,
    '',
    ...words.intro,
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    '',
    ...(link ? [`${link.label}:`, link.url, ''] : []),
    ...words.outro,
    '',
    l.signature,
    '',
  ].join('\n');

  const e = escapeHtml;
  const html = [
    `<!doctype html>`,
    `<html lang="${locale}"><body style="font-family: Arial, sans-serif">`,
    `<p>${e(l.greeting)}</p>`,
    ...words.intro.map((p) => `<p>${e(p)}</p>`),
    `<table>`,
    ...facts.map(([k, v]) => `<tr><th align="left">${e(k)}:</th><td>${e(v)}</td></tr>`),
    `</table>`,
    ...(link ? [`<p><a href="${e(link.url)}">${e(link.label)}</a></p>`] : []),
    ...words.outro.map((p) => `<p>${e(p)}</p>`),
    `<p>${l.signature.split('\n').map(e).join('<br>')}</p>`,
    `</body></html>`,
    '',
  ].join('\n');

  const messageId = `<${kind}.${req.id}@${MESSAGE_ID_DOMAIN}>`;
  return {
    kind,
    from,
    to,
    subject: words.subject(`${name} (${domain})`),
    text,
    html,
    messageId,
    headers: {
      'Message-ID': messageId,
      Date: ctx.now.toUTCString(),
      [REQUEST_ID_HEADER]: req.id,
      'Auto-Submitted': 'auto-generated',
      'Content-Language': locale,
    },
    requestId: req.id,
  };
}

/** The bare address in `Name <a@b>` or `a@b`, lower case. */
function addressOf(from: string): string {
  const match = /<([^>]+)>/.exec(from);
  return (match?.[1] ?? from).trim().toLowerCase();
}

/** Whether the sender's domain is cisco.com (or a subdomain of it). */
export function isCiscoSender(from: string): boolean {
  const domain = addressOf(from).split('@').pop() ?? '';
  return domain === 'cisco.com' || domain.endsWith('.cisco.com');
}

/** Nodemailer message options for a composed mail (shared by SMTP sending and renderRaw). */
export function messageOptions(mail: ComposedMail): Mail.Options {
  const { 'Message-ID': _id, Date: date, ...headers } = mail.headers;
  return {
    from: mail.from.includes('<') ? mail.from : { name: SENDER_NAME, address: mail.from },
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    date: date ? new Date(date) : new Date(),
    headers,
  };
}

/**
 * The RFC 822 message as it lands in the requester's mailbox. Mail from cisco.com gets
 * the `Authentication-Results` header the requester's mail server would prepend after
 * checking DKIM; the inbox reader may insist on it.
 */
export async function renderRaw(mail: ComposedMail): Promise<Buffer> {
  const built = await new MailComposer(messageOptions(mail)).compile().build();
  if (!isCiscoSender(mail.from)) return built;
  const auth = 'Authentication-Results: mx.requester.invalid; dkim=pass header.d=cisco.com\r\n';
  return Buffer.concat([Buffer.from(auth), built]);
}

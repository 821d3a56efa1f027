/**
 * What `templates preview` shows: the context a template gets for a stored customer, a
 * spreadsheet row, or the sample, and the full MIME message (`.eml`) it would send.
 */
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { isTemplateName, type TemplateName } from './contexts.js';
import { headerSafe } from './header-safe.js';
import { noticeMessageId } from './message-id.js';
import {
  type NoticeSubject,
  type Sender,
  customerNoticeContext,
  dueReminderDay,
  expiredNoticeContext,
  expiryReminderContext,
  rowLocale,
  usersNoticeContext,
} from './row-notices.js';
import { sampleContexts } from './samples.js';
import type { RenderedMail } from './template-set.js';

const DAY = 86_400_000;
const REQUEST_ID_PLACEHOLDER = 'req_…';

/** A rendered preview with what it would be sent as. */
export interface PreviewContext {
  context: Record<string, unknown>;
  /** The row's locale, if the preview is about a row. */
  rowLocale?: string;
  to: string[];
  /** Message-ID key (row key, or the sample's). */
  key: string;
  /** What was assumed, for the person looking at the preview. */
  notes: string[];
}

/** Where a preview's data comes from. */
export type PreviewSubject =
  { type: 'sample' } | { type: 'customer'; customer: NoticeSubject; pending: boolean };

/**
 * Builds the context of template `name` for a preview. A row that is not yet pending
 * gets an expiry 90 days from `now` and a placeholder request id (noted in `notes`).
 */
export function previewContext(
  name: string,
  subject: PreviewSubject,
  options: { sender?: Sender; now?: Date; opsEmail?: string[] } = {},
): PreviewContext {
  const now = options.now ?? new Date();
  const samples = sampleContexts(now);
  const sample = (isTemplateName(name) ? samples[name] : samples['customer-notice']) as Record<
    string,
    unknown
  >;
  const sender = options.sender ?? {
    senderName: String(sample['senderName']),
    senderEmail: String(sample['senderEmail']),
  };
  const ops = options.opsEmail?.length ? options.opsEmail : ['ops@distributor.example'];
  if (subject.type === 'sample' || name === 'run-summary') {
    const notes =
      subject.type === 'sample'
        ? ['sample data']
        : ['run-summary is about a run, not a row: sample data'];
    const to =
      name === 'users-notice'
        ? (sample['userEmails'] as string[])
        : name === 'customer-notice' || name === 'expiry-reminder' || !isTemplateName(name)
          ? [String(sample['customerEmail'])]
          : ops;
    return { context: { ...sample, ...sender }, to, key: 'c_sample', notes };
  }

  const notes: string[] = [];
  let c = subject.customer;
  if (!subject.pending || c.requestId === null || c.expiresAt === null) {
    c = {
      ...c,
      requestId: c.requestId ?? REQUEST_ID_PLACEHOLDER,
      expiresAt: c.expiresAt ?? new Date(now.getTime() + 90 * DAY).toISOString(),
    };
    notes.push(
      `not submitted yet: request id shown as "${c.requestId}", expiry as submit + 90 days`,
    );
  }
  const locale = rowLocale(c);
  const base = { key: c.key, notes, ...(locale !== undefined ? { rowLocale: locale } : {}) };
  const kind = (isTemplateName(name) ? name : 'customer-notice') satisfies TemplateName;
  switch (kind) {
    case 'users-notice': {
      const context = usersNoticeContext(c, sender);
      if (context.userEmails.length === 0)
        notes.push('this row names no users: the users-notice would not be sent');
      return { ...base, context, to: context.userEmails };
    }
    case 'expiry-reminder': {
      const day = dueReminderDay(c.expiresAt as string, now) ?? 30;
      return { ...base, context: expiryReminderContext(c, sender, day), to: [c.customerEmail] };
    }
    case 'expired-notice':
      return {
        ...base,
        context: expiredNoticeContext(c, sender, c.expiresAt ?? now.toISOString()),
        to: ops,
      };
    default:
      return { ...base, context: customerNoticeContext(c, sender), to: [c.customerEmail] };
  }
}

/** The full MIME message (`.eml`) a rendered mail would be sent as. */
export function composeEml(
  mail: RenderedMail,
  options: { from: string; to: string[]; key: string; messageIdDomain?: string },
): Promise<Buffer> {
  const messageId = noticeMessageId({
    kind: mail.name,
    key: options.key,
    domain: options.messageIdDomain ?? 'smart-onboard.invalid',
  });
  return new MailComposer({
    from: options.from,
    to: options.to,
    subject: headerSafe(mail.subject),
    text: mail.text,
    html: mail.html,
    messageId,
    headers: { 'Auto-Submitted': 'auto-generated' },
  })
    .compile()
    .build();
}

/**
 * Record-then-send: the one way a notice leaves smart-onboard.
 *
 * Delivery guarantee — **at least once, never silently lost, normally exactly once**:
 * the notice is recorded in the store under its deterministic Message-ID *before* the
 * SMTP transaction and marked `sent` after it. A re-run finds `sent` and skips. If the
 * process dies between the two (or the server accepted but the mark was not written),
 * the record stays `recorded` and the next run sends it again with the *same*
 * Message-ID — the recipient may then get it twice, and mail clients that de-duplicate
 * by Message-ID show it once. A permanent rejection is recorded as `failed` with the
 * server's reason and not retried by later runs.
 */
import type { Store } from '../store/index.js';
import { MailTransportError } from './errors.js';
import type { Mailer, OutgoingMail } from './mailer.js';
import { noticeMessageId } from './message-id.js';
import type { RenderedMail, TemplateSet } from './template-set.js';

/** What sending needs: the store, an SMTP mailer and loaded templates. */
export interface NotifyDeps {
  store: Store;
  mailer: Mailer;
  templates: TemplateSet;
}

/** One notice to send. */
export interface NoticeRequest {
  /** Template name, also the store's `kind` (`customer-notice`, …). */
  kind: string;
  /** The customer row's key; for run-level mail (run-summary) the run id. */
  key: string;
  /** Customer row key to record with the email; `null` for run-level mail. @default key */
  rowKey?: string | null;
  /** Distinguishes repeated notices of one kind, e.g. `d14` for the 14-day reminder. */
  variant?: string;
  /** The row's locale; falls back to the configured default, then `en`. */
  locale?: string | null;
  to: string[];
  /** The template's context (validated against its schema). */
  context: unknown;
  /** Render only: no record, no SMTP. */
  dryRun?: boolean;
  /** Files to attach. */
  attachments?: OutgoingMail['attachments'];
}

/**
 * - `sent`: delivered now (`resumed` when a crashed run had recorded it already).
 * - `already-sent`: a previous run delivered it; nothing was sent.
 * - `failed`: permanently rejected, now or by an earlier run; `reason` is the server's reply.
 * - `deferred`: still a transient failure after retries; stays recorded, the next run sends it.
 * - `dry-run`: rendered, not recorded nor sent.
 */
export type NoticeOutcome =
  | {
      status: 'sent';
      messageId: string;
      locale: string;
      resumed: boolean;
      attempts: number;
      /** Recipients the server refused while accepting others. */
      rejected: { address: string; reason: string }[];
    }
  | { status: 'already-sent'; messageId: string; locale: string }
  | { status: 'failed'; messageId: string; locale: string; reason: string; earlier: boolean }
  | { status: 'deferred'; messageId: string; locale: string; reason: string }
  | { status: 'dry-run'; messageId: string; locale: string; mail: RenderedMail };

/**
 * Renders, records and sends one notice, at most once per Message-ID (see the module
 * comment for the exact guarantee). Rendering comes first, so a template error leaves
 * nothing recorded.
 *
 * @throws TemplateError when the context does not fit the template.
 * @throws MailTransportError when the relay is unreachable or refuses the login; the
 *   notice stays `recorded` and is sent by the next run.
 */
export async function sendNotice(deps: NotifyDeps, notice: NoticeRequest): Promise<NoticeOutcome> {
  const to = [...new Set(notice.to.map((a) => a.trim()).filter(Boolean))];
  if (to.length === 0) throw new TypeError(`${notice.kind} for ${notice.key}: no recipient`);
  const locale = deps.templates.resolveLocale(notice.kind, notice.locale);
  const mail = deps.templates.render(notice.kind, locale, notice.context);
  const messageId = noticeMessageId({
    kind: notice.kind,
    key: notice.key,
    ...(notice.variant !== undefined ? { variant: notice.variant } : {}),
    domain: deps.mailer.messageIdDomain,
  });
  if (notice.dryRun) return { status: 'dry-run', messageId, locale, mail };

  const { existed, email } = await deps.store.recordEmail({
    id: messageId,
    key: notice.rowKey === undefined ? notice.key : notice.rowKey,
    kind: notice.kind,
    recipients: to,
  });
  if (existed && email.status === 'sent') return { status: 'already-sent', messageId, locale };
  if (existed && email.status === 'failed') {
    return {
      status: 'failed',
      messageId,
      locale,
      reason: email.error ?? 'rejected',
      earlier: true,
    };
  }

  const result = await deps.mailer.send({
    messageId,
    to,
    ...mail,
    ...(notice.attachments ? { attachments: notice.attachments } : {}),
  });
  switch (result.status) {
    case 'sent':
      await deps.store.markEmailSent(messageId);
      return {
        status: 'sent',
        messageId,
        locale,
        resumed: existed,
        attempts: result.attempts,
        rejected: result.rejected,
      };
    case 'rejected':
      await deps.store.markEmailFailed(messageId, result.reason);
      return { status: 'failed', messageId, locale, reason: result.reason, earlier: false };
    case 'deferred':
      return { status: 'deferred', messageId, locale, reason: result.reason };
  }
}

/** Whether an error means the SMTP relay could not be used at all (exit code 3). */
export const isMailUnavailable = (error: unknown): error is MailTransportError =>
  error instanceof MailTransportError;

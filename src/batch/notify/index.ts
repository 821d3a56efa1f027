/**
 * Notify: our own emails — Handlebars templates per locale, checked at load, sent over
 * pooled SMTP with a record in the store before every send (DESIGN §5).
 *
 * @packageDocumentation
 */
export {
  loadTemplates,
  type LoadTemplatesOptions,
  type TemplateSet,
  type TemplateInfo,
  type RenderedMail,
} from './template-set.js';
export { builtinTemplatesDir } from './locate-templates.js';
export {
  CONTEXT_SCHEMAS,
  TEMPLATE_NAMES,
  CISCO_SENDER,
  contextSchemaFor,
  isTemplateName,
  type TemplateName,
  type TemplateContext,
  type TemplateContextInput,
} from './contexts.js';
export { sampleContexts } from './samples.js';
export { headerSafe } from './header-safe.js';
export {
  createMailer,
  parseSender,
  type Mailer,
  type OutgoingMail,
  type DeliveryResult,
} from './mailer.js';
export {
  MAILER_DEFAULTS,
  redactUrl,
  type MailerOptions,
  type SmtpAuth,
  type PasswordAuth,
  type OAuth2Auth,
  type DkimOptions,
  type RetryOptions,
} from './mailer-options.js';
export {
  smtpOptionsFromEnv,
  notifySettingsFromEnv,
  mailConfigSchema,
  type MailConfig,
  type NotifySettings,
} from './mail-config.js';
export { classifySmtpError, type SmtpFailure, type FailureKind } from './smtp-retry.js';
export { noticeMessageId } from './message-id.js';
export {
  sendNotice,
  isMailUnavailable,
  type NotifyDeps,
  type NoticeRequest,
  type NoticeOutcome,
} from './send-notice.js';
export {
  sendPendingNotices,
  sendExpiryReminder,
  sendExpiredNotice,
  sendRunSummary,
  dueReminderDay,
  rowLocale,
  customerNoticeContext,
  usersNoticeContext,
  expiryReminderContext,
  expiredNoticeContext,
  type NoticeSubject,
  type Sender,
  type SummaryFailure,
  type RowNoticeOptions,
} from './row-notices.js';
export {
  TemplateError,
  MailConfigError,
  MailTransportError,
  isTemplateError,
  type TemplateErrorCode,
} from './errors.js';
export { previewContext, composeEml, type PreviewContext, type PreviewSubject } from './preview.js';

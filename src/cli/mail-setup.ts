import type { LoadedConfig } from '../batch/config.js';
import { ConfigError } from '../batch/errors.js';
import { type InboxConfig, imapConfigFromUrl } from '../batch/inbox/index.js';
import {
  type NotifyDeps,
  createMailer,
  loadTemplates,
  notifySettingsFromEnv,
  smtpOptionsFromEnv,
} from '../batch/notify/index.js';
import type { Store } from '../batch/store/index.js';

/** The requester's mailbox from SMART_ONBOARD_IMAP_URL or the config; undefined when unset. */
export function inboxFrom(loaded: LoadedConfig): InboxConfig | undefined {
  const { imapUrl, ...rest } = loaded.config.inbox as { imapUrl?: string } & Record<
    string,
    unknown
  >;
  const url = process.env.SMART_ONBOARD_IMAP_URL || imapUrl;
  if (!url) return undefined;
  try {
    const token = process.env.SMART_ONBOARD_IMAP_ACCESS_TOKEN;
    return imapConfigFromUrl(url, { ...rest, ...(token ? { accessToken: token } : {}) });
  } catch (error) {
    throw new ConfigError(`Inbox settings: ${(error as Error).message}`);
  }
}

/** Outgoing mail (mailer + templates) when an SMTP relay is configured; undefined otherwise. */
export async function notifyFrom(
  loaded: LoadedConfig,
  store: Store,
  options: { required: boolean },
): Promise<{ deps: NotifyDeps; opsEmail: string[]; reminderDays: number[] } | undefined> {
  const mail = loaded.config.mail;
  if (!options.required && !process.env.SMART_ONBOARD_SMTP_URL && !mail.smtpUrl) return undefined;
  try {
    const settings = notifySettingsFromEnv(process.env, mail);
    const mailer = createMailer(smtpOptionsFromEnv(process.env, mail));
    const templates = await loadTemplates({
      ...(settings.templatesDir ? { overrideDir: settings.templatesDir } : {}),
      defaultLocale: settings.defaultLocale,
      timeZone: settings.timeZone,
    });
    return {
      deps: { store, mailer, templates },
      opsEmail: settings.opsEmail,
      reminderDays: settings.reminderDays,
    };
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}; or pass --no-email.`);
  }
}

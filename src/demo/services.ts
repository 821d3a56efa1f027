/**
 * Everything the demo runs beside the CLI, started on free loopback ports with
 * temporary state: the Smart Account sandbox, an SMTP sink and the requester's mailbox.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '../sandbox/index.js';
import { type MailboxKind, type RequesterMailbox, startRequesterMailbox } from './mailbox.js';
import { type SmtpCapture, startSmtpCapture } from './smtp-capture.js';

/** The requester (the partner's address where Cisco's confirmations go). */
export const REQUESTER_EMAIL = 'requester@partner.example';
/** Our sender and the operations team, as a distributor would configure them. */
export const MAIL_FROM = 'Demo Distribution GmbH <onboarding@distribution.example>';
export const OPS_EMAIL = 'ops@distribution.example';

/** The running services and the environment that points the CLI at them. */
export interface DemoServices {
  sandbox: Sandbox;
  smtp: SmtpCapture;
  mailbox: RequesterMailbox;
  /** Temporary directory: the SQLite state and scratch files. */
  tmpDir: string;
  stateFile: string;
  /** The child environment: the caller's, minus any smart-onboard settings, plus ours. */
  env: NodeJS.ProcessEnv;
  /** Stops every server; removes the temporary directory unless `keep`. Never throws. */
  close(options?: { keep?: boolean }): Promise<string[]>;
}

/** The caller's environment without settings that would point the demo elsewhere. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('SMART_ONBOARD_') || name === 'DATABASE_URL') continue;
    env[name] = value;
  }
  return env;
}

/** Starts the services in order; what started is stopped again if a later one fails. */
export async function startDemoServices(options: {
  mailDir: string;
  imap: MailboxKind;
}): Promise<DemoServices> {
  const stops: Array<() => Promise<void>> = [];
  const tmpDir = await mkdtemp(join(tmpdir(), 'smart-onboard-demo-'));
  let keepTmp = false;
  stops.push(async () => {
    if (!keepTmp) await rm(tmpDir, { recursive: true, force: true });
  });
  const close = async (closeOptions: { keep?: boolean } = {}): Promise<string[]> => {
    keepTmp = closeOptions.keep ?? false;
    const errors: string[] = [];
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((error: unknown) => errors.push((error as Error).message));
    }
    return errors;
  };
  try {
    const smtp = await startSmtpCapture(options.mailDir);
    stops.push(() => smtp.close());
    const mailbox = await startRequesterMailbox(options.imap);
    stops.push(() => mailbox.close());
    const sandbox = await startSandbox({
      port: 0,
      smtpUrl: smtp.url,
      ...(mailbox.imapUrl ? { requesterImapUrl: mailbox.imapUrl } : {}),
      requesterEmail: REQUESTER_EMAIL,
    });
    stops.push(() => sandbox.close());
    const stateFile = join(tmpDir, 'state.db');
    const env: NodeJS.ProcessEnv = {
      ...cleanEnv(),
      SMART_ONBOARD_BASE_URL: sandbox.baseUrl,
      SMART_ONBOARD_TOKEN_URL: sandbox.tokenUrl,
      SMART_ONBOARD_CLIENT_ID: sandbox.clientId,
      SMART_ONBOARD_CLIENT_SECRET: sandbox.clientSecret,
      SMART_ONBOARD_SMTP_URL: smtp.url,
      SMART_ONBOARD_MAIL_FROM: MAIL_FROM,
      SMART_ONBOARD_OPS_EMAIL: OPS_EMAIL,
      SMART_ONBOARD_TIME_ZONE: 'Europe/Berlin',
      ...(mailbox.imapUrl ? { SMART_ONBOARD_IMAP_URL: mailbox.imapUrl } : {}),
    };
    return { sandbox, smtp, mailbox, tmpDir, stateFile, env, close };
  } catch (error) {
    await close();
    throw error;
  }
}

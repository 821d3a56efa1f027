import { type Command, InvalidArgumentError, Option } from 'commander';

const number = (name: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}.`);
  }
  return n;
};

interface SandboxFlags {
  port: number;
  host: string;
  json?: boolean;
  data?: string;
  clientId: string;
  clientSecret: string;
  tokenTtl: number;
  latency: number;
  jitter: number;
  errorRate: number;
  resetRate: number;
  rateLimit: number;
  smtpUrl?: string;
  requesterImapUrl?: string;
  requesterEmail?: string;
  mailFrom?: string;
}

/** `smart-onboard sandbox`: run the Smart Account service simulator until stopped. */
export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description(
      'Run the bundled simulator of the Smart Account service (and its mail) until Ctrl-C.',
    )
    .option(
      '--port <n>',
      'port to listen on (0 picks a free one)',
      number('--port', 0, 65535),
      4010,
    )
    .option('--host <address>', 'interface to bind', '127.0.0.1')
    .option('--json', 'print one JSON line with the URLs and credentials once listening')
    .option('--data <file>', 'persist the sandbox state in this JSON file across restarts')
    .option('--client-id <id>', 'client id of the default client', 'sandbox-client')
    .addOption(
      new Option('--client-secret <secret>', 'secret of the default client')
        .default('sandbox-secret')
        .env('SMART_ONBOARD_SANDBOX_SECRET'),
    )
    .option('--token-ttl <seconds>', 'access token lifetime', number('--token-ttl', 1, 86400), 3600)
    .option('--latency <ms>', 'latency added to every API call', number('--latency', 0, 60000), 0)
    .option('--jitter <ms>', 'random extra latency up to this', number('--jitter', 0, 60000), 0)
    .option('--error-rate <0..1>', 'share of calls answered 503', number('--error-rate', 0, 1), 0)
    .option('--reset-rate <0..1>', 'share of connections reset', number('--reset-rate', 0, 1), 0)
    .option(
      '--rate-limit <n>',
      'API calls per second before 429 (0 = no limit)',
      number('--rate-limit', 0, 100000),
      0,
    )
    .option('--smtp-url <url>', 'SMTP relay for mail to customers, smtp://host:port')
    .option(
      '--requester-imap-url <url>',
      "requester's mailbox for Cisco's confirmations, imap://user:pass@host:port/INBOX",
    )
    .option('--requester-email <email>', "the requester's address", 'requester@partner.example')
    .option('--mail-from <email>', "sender of Cisco's mail", 'smart-acct-pending@cisco.com')
    .action(async (flags: SandboxFlags) => {
      // Loaded only when this command runs: keeps every other command's start-up light.
      const { startSandbox } = await import('../../sandbox/index.js');
      const sandbox = await startSandbox({
        port: flags.port,
        host: flags.host,
        clientId: flags.clientId,
        clientSecret: flags.clientSecret,
        tokenTtlSeconds: flags.tokenTtl,
        faults: {
          latencyMs: flags.latency,
          jitterMs: flags.jitter,
          errorRate: flags.errorRate,
          resetRate: flags.resetRate,
          rateLimitPerSecond: flags.rateLimit,
        },
        ...(flags.data ? { dataFile: flags.data } : {}),
        ...(flags.smtpUrl ? { smtpUrl: flags.smtpUrl } : {}),
        ...(flags.requesterImapUrl ? { requesterImapUrl: flags.requesterImapUrl } : {}),
        ...(flags.requesterEmail ? { requesterEmail: flags.requesterEmail } : {}),
        ...(flags.mailFrom ? { mailFrom: flags.mailFrom } : {}),
      });
      const stop = () => {
        void sandbox.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const info = {
        baseUrl: sandbox.baseUrl,
        tokenUrl: sandbox.tokenUrl,
        clientId: sandbox.clientId,
        clientSecret: sandbox.clientSecret,
        controlUrl: sandbox.controlUrl,
      };
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(info)}\n`);
      } else {
        process.stdout.write(
          [
            `Smart Account sandbox listening on ${info.baseUrl}`,
            '',
            'Point smart-onboard at it with:',
            `  export SMART_ONBOARD_BASE_URL=${info.baseUrl}`,
            `  export SMART_ONBOARD_TOKEN_URL=${info.tokenUrl}`,
            `  export SMART_ONBOARD_CLIENT_ID=${info.clientId}`,
            `  export SMART_ONBOARD_CLIENT_SECRET=${info.clientSecret}`,
            '',
            `Control routes (activate, clock, faults, state): ${info.controlUrl}/`,
            'Stop with Ctrl-C.',
            '',
          ].join('\n'),
        );
      }
    });
}

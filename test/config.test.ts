import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/batch/config.js';
import { ConfigError } from '../src/batch/errors.js';

const dir = () => mkdtempSync(join(tmpdir(), 'config-'));

describe('configuration: file overlaid by SMART_ONBOARD_* variables', () => {
  it('reads smart-onboard.config.yaml from the working directory, env wins', () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, 'smart-onboard.config.yaml'),
      'service:\n  baseUrl: https://file.example\n  clientId: from-file\nsubmit:\n  concurrency: 4\n',
    );
    const { config, service, file } = loadConfig({
      cwd,
      env: {
        SMART_ONBOARD_CLIENT_ID: 'from-env',
        SMART_ONBOARD_CLIENT_SECRET: 's3cr3t',
        SMART_ONBOARD_RATE: '20',
      },
    });
    expect(file).toBe(join(cwd, 'smart-onboard.config.yaml'));
    expect(service).toMatchObject({
      baseUrl: 'https://file.example',
      clientId: 'from-env',
      clientSecret: 's3cr3t',
    });
    expect(config.submit).toMatchObject({ concurrency: 4, rate: 20, defaultLocale: 'en' });
  });

  it('reads the client secret from the file service.clientSecretFile names', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'secret.txt'), 'from-a-file\n');
    writeFileSync(
      join(cwd, 'c.json'),
      JSON.stringify({ service: { clientSecretFile: 'secret.txt' } }),
    );
    expect(loadConfig({ cwd, file: 'c.json', env: {} }).service.clientSecret).toBe('from-a-file');
  });

  it.each([
    ['service: { clientSecret: hunter2 }', 'service.clientSecret'],
    ['mail: { smtpUrl: "smtp://u:hunter2@relay:587" }', 'mail.smtpUrl contains a password'],
    ['inbox: { imapUrl: "imap://u:hunter2@imap:143/INBOX" }', 'inbox.imapUrl contains a password'],
    ['inbox: { accessToken: hunter2 }', 'inbox.accessToken'],
  ])('refuses a secret in the config file: %s', (yaml, expected) => {
    const cwd = dir();
    writeFileSync(join(cwd, 'smart-onboard.config.yaml'), `${yaml}\n`);
    const error = (() => {
      try {
        loadConfig({ cwd, env: {} });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(expected);
    expect(error.message).not.toContain('hunter2');
  });

  it('names each bad key and a missing --config file', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'c.json'), JSON.stringify({ submit: { concurrency: 0, typo: 1 } }));
    expect(() => loadConfig({ cwd, file: 'c.json', env: {} })).toThrow(
      /submit\.concurrency[\s\S]*submit/,
    );
    expect(() => loadConfig({ cwd, file: 'missing.yaml', env: {} })).toThrow(/does not exist/);
    expect(() => loadConfig({ cwd, env: { SMART_ONBOARD_CONCURRENCY: 'many' } })).toThrow(
      'SMART_ONBOARD_CONCURRENCY must be a number',
    );
  });
});

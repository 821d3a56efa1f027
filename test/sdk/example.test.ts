import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('examples/request-smart-account.ts', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());

  const example = () =>
    run(process.execPath, ['--import', 'tsx', 'examples/request-smart-account.ts'], {
      cwd: root,
      env: {
        ...process.env,
        SMART_ONBOARD_BASE_URL: sandbox.baseUrl,
        SMART_ONBOARD_TOKEN_URL: sandbox.tokenUrl,
        SMART_ONBOARD_CLIENT_ID: sandbox.clientId,
        SMART_ONBOARD_CLIENT_SECRET: sandbox.clientSecret,
      },
    });

  it('requests the account, and a second run finds it instead of requesting again', async () => {
    const first = await example();
    expect(first.stdout).toMatch(/Request req_\w+ is pending; Smart Account SA-\d+ expires/);
    const second = await example();
    expect(second.stdout).toContain('already has Smart Account');
  });
});

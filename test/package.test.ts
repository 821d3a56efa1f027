import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import './helpers/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = (args: string[]) =>
  execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();

describe('the built package', () => {
  it('imports as ESM through the "./sdk" export', () => {
    const out = node([
      '--input-type=module',
      '-e',
      "import { SmartAccountClient, ConflictError, SDK_VERSION } from 'smart-onboard/sdk'; console.log(typeof SmartAccountClient, typeof ConflictError, SDK_VERSION)",
    ]);
    expect(out).toBe('function function 0.1.0');
  });

  it('requires as CommonJS through the "./sdk" and "." exports', () => {
    const out = node([
      '-e',
      "const sdk = require('smart-onboard/sdk'); const root = require('smart-onboard'); console.log(typeof sdk.SmartAccountClient, root.SmartAccountClient === sdk.SmartAccountClient || typeof root.SmartAccountClient)",
    ]);
    expect(out.split(' ')[0]).toBe('function');
  });

  it('a consumer file type-checks against the published types', () => {
    const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
    expect(() =>
      execFileSync(process.execPath, [tsc, '-p', 'test/consumer/tsconfig.json'], {
        cwd: root,
        encoding: 'utf8',
      }),
    ).not.toThrow();
  });

  it('a CJS consumer can construct a client and gets a clear configuration error', () => {
    const out = node([
      '-e',
      "const { SmartAccountClient } = require('smart-onboard/sdk'); try { new SmartAccountClient({ env: {} }) } catch (e) { console.log(e.name + ': ' + e.message) }",
    ]);
    expect(out).toMatch(/^ConfigurationError: No service URL/);
  });
});

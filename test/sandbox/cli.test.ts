import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';

interface Info {
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  controlUrl: string;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGTERM');
});

/** Starts `smart-onboard sandbox --port 0 --json …` and reads its one JSON line. */
async function startCli(args: string[] = []): Promise<{ child: ChildProcess; info: Info }> {
  const child = spawn(process.execPath, [cliPath, 'sandbox', '--port', '0', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  return { child, info: JSON.parse(line) as Info };
}

async function tokenFor(info: Info): Promise<string> {
  const res = await fetch(info.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: info.clientId,
      client_secret: info.clientSecret,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('smart-onboard sandbox (the built CLI)', () => {
  it('prints one JSON line with the URLs and credentials, then serves them', async () => {
    const { info } = await startCli();
    expect(Object.keys(info).sort()).toEqual([
      'baseUrl',
      'clientId',
      'clientSecret',
      'controlUrl',
      'tokenUrl',
    ]);
    const res = await fetch(`${info.baseUrl}/account-requests`, {
      headers: { authorization: `Bearer ${await tokenFor(info)}` },
    });
    expect(res.status).toBe(200);
    expect((await fetch(`${info.controlUrl}/state`)).status).toBe(200);
  });

  it('keeps its state across a restart with --data', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sandbox-data-')), 'state.json');
    const first = await startCli(['--data', file]);
    const created = await fetch(`${first.info.baseUrl}/account-requests`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await tokenFor(first.info)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        accountName: 'Persistent AG',
        customerEmail: 'it@persistent.ch',
        accountDomain: 'persistent.ch',
      }),
    });
    const { id } = (await created.json()) as { id: string };
    first.child.kill('SIGTERM');
    await new Promise((resolve) => first.child.once('exit', resolve));

    const second = await startCli(['--data', file]);
    const res = await fetch(`${second.info.baseUrl}/account-requests/${id}`, {
      headers: { authorization: `Bearer ${await tokenFor(second.info)}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { accountName: string }).accountName).toBe('Persistent AG');
  });

  it('stops cleanly on SIGTERM', async () => {
    const { child } = await startCli();
    child.kill('SIGTERM');
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.once('exit', (c, s) => resolve([c, s])),
    );
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it('explains a bad flag and exits 2 (usage error)', async () => {
    const child = spawn(process.execPath, [cliPath, 'sandbox', '--error-rate', '7'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('--error-rate must be a number from 0 to 1');
  });
});

/**
 * Helpers for the `smart-onboard submit` tests: run the built CLI as a real process
 * (with its own environment, collecting stdout, stderr and the exit code), generate
 * customer CSVs, read the results files, and summarize the sandbox's requests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { cliPath } from './cli.js';
import { sandboxRequests } from './sdk.js';
import type { TestSandbox } from './sandbox.js';

export { cliPath };

/** How a CLI process ended. */
export interface CliResult {
  /** Exit code; null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Extra environment on top of a clean copy of this process's (no SMART_ONBOARD_*). */
  env?: Record<string, string | undefined>;
  /** Working directory; a config file there would be read, so tests use a temp dir. */
  cwd?: string;
  /** Kill the process (SIGKILL) after this long and fail. @default 60000 */
  timeoutMs?: number;
}

/** This process's environment without anything that could configure the CLI. */
function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('SMART_ONBOARD_') || k === 'DATABASE_URL' || k.startsWith('VITEST')) continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** A running CLI process plus a promise for how it ends. */
export interface CliProcess {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** Starts `node dist/cli/index.js <args>`; `done` resolves when it exits (never rejects). */
export function spawnCli(args: string[], options: CliOptions = {}): CliProcess {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? tmpdir(),
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timeoutMs = options.timeoutMs ?? 60_000;
  const done = new Promise<CliResult>((resolve) => {
    const timer = setTimeout(() => {
      stderr += `\n[test helper] killed after ${timeoutMs} ms\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

/** Resolves once the process wrote a line matching `pattern` to stderr (false if it ended first). */
export function waitForStderr(child: ChildProcess, pattern: RegExp): Promise<boolean> {
  return new Promise((resolve) => {
    let seen = '';
    const onData = (chunk: Buffer | string) => {
      seen += String(chunk);
      if (pattern.test(seen)) {
        child.stderr?.off('data', onData);
        resolve(true);
      }
    };
    child.stderr?.on('data', onData);
    child.once('close', () => resolve(false));
  });
}

/** Runs the CLI to the end. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, options).done;
}

/** The environment that points the CLI at a sandbox. */
export function serviceEnv(
  sandbox: Pick<TestSandbox, 'baseUrl' | 'tokenUrl' | 'clientId' | 'clientSecret'>,
): Record<string, string> {
  return {
    SMART_ONBOARD_BASE_URL: sandbox.baseUrl,
    SMART_ONBOARD_TOKEN_URL: sandbox.tokenUrl,
    SMART_ONBOARD_CLIENT_ID: sandbox.clientId,
    SMART_ONBOARD_CLIENT_SECRET: sandbox.clientSecret,
  };
}

/** A temp directory and its removal. */
export function tempDir(prefix = 'so-submit-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One generated customer. */
export interface GeneratedRow {
  accountName: string;
  customerEmail: string;
  accountDomain: string;
  note: string;
}

/** `count` distinct valid customers; `tag` keeps domains apart between files. */
export function customers(count: number, tag = 'gen'): GeneratedRow[] {
  return Array.from({ length: count }, (_, i) => ({
    accountName: `Kunde ${tag} ${i} GmbH`,
    customerEmail: `info@${tag}-kunde${i}.example`,
    accountDomain: `${tag}-kunde${i}.example`,
    note: `Hallo Kunde ${i}`,
  }));
}

/** Writes customers as an English-header, comma-separated CSV (CRLF, like Excel). */
export function writeCustomersCsv(file: string, rows: GeneratedRow[]): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [
    'Account Name,Customer Email,Account Domain,Note to Customer',
    ...rows.map((r) =>
      [r.accountName, r.customerEmail, r.accountDomain, r.note].map(cell).join(','),
    ),
  ];
  writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

/** A line of the `--out` results file. */
export interface ResultRecord {
  row: string;
  key: string;
  accountName: string;
  accountDomain: string;
  status: string;
  requestId: string;
  smartAccountId: string;
  expiresAt: string;
  reason: string;
}

/** Reads a results file written by `--out` (UTF-8 with BOM). */
export function readResults(file: string): ResultRecord[] {
  return parse(readFileSync(file, 'utf8'), { columns: true, bom: true }) as ResultRecord[];
}

/** What the sandbox holds per clientReference. */
export interface RequestsByRef {
  /** clientReference → number of requests carrying it. */
  requests: Map<string, number>;
  /** clientReference → sum of submitCount over its requests. */
  submits: Map<string, number>;
  /** clientReference → number of requests in a live state (draft, pending, active). */
  live: Map<string, number>;
  /** Requests without a clientReference (the CLI always sets one). */
  withoutRef: number;
  /** Sum of all submitCounts. */
  totalSubmits: number;
  total: number;
}

export async function requestsByRef(sandbox: TestSandbox): Promise<RequestsByRef> {
  const { requests } = await sandboxRequests(sandbox);
  const out: RequestsByRef = {
    requests: new Map(),
    submits: new Map(),
    live: new Map(),
    withoutRef: 0,
    totalSubmits: 0,
    total: requests.length,
  };
  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  for (const r of requests) {
    out.totalSubmits += r.submitCount;
    if (!r.clientReference) {
      out.withoutRef += 1;
      continue;
    }
    add(out.requests, r.clientReference, 1);
    add(out.submits, r.clientReference, r.submitCount);
    if (r.status !== 'cancelled' && r.status !== 'expired') add(out.live, r.clientReference, 1);
  }
  return out;
}

/** Keys (clientReferences) whose counts are not exactly one, for readable failures. */
export function notExactlyOnce(byRef: RequestsByRef, keys: Iterable<string>): string[] {
  const bad: string[] = [];
  for (const k of keys) {
    const s = byRef.submits.get(k) ?? 0;
    const l = byRef.live.get(k) ?? 0;
    if (s !== 1 || l !== 1) bad.push(`${k}: submitCount ${s}, live requests ${l}`);
  }
  for (const [k, l] of byRef.live) if (l > 1) bad.push(`${k}: ${l} live requests`);
  return [...new Set(bad)];
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

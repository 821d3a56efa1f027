import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { reportSchema } from '../src/batch/report/index.js';
import { openStore } from '../src/batch/store/index.js';
import { registerReportCommand } from '../src/cli/commands/report.js';

let dir: string;
let state: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'so-report-cli-'));
  state = join(dir, 'state.db');
  const store = await openStore({ file: state });
  await store.upsertCustomer({
    key: 'k1',
    accountName: 'Käse | Co KG',
    accountDomain: 'kaese.de',
    customerEmail: 'a@kaese.de',
    data: {},
  });
  await store.transition('k1', {
    to: 'active',
    cause: 'test',
    patch: { submittedAt: '2025-01-01T00:00:00.000Z', activatedAt: '2025-01-03T00:00:00.000Z' },
  });
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** Run `smart-onboard report …` in-process as the CLI's entry point would. */
async function run(...args: string[]) {
  const stderr: string[] = [];
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeErr: (s) => stderr.push(s), writeOut: (s) => stderr.push(s) });
  registerReportCommand(program);
  let error: unknown;
  try {
    await program.parseAsync(['node', 'smart-onboard', 'report', ...args]);
  } catch (caught) {
    error = caught;
  }
  return { error, stderr: stderr.join('') };
}

describe('smart-onboard report', () => {
  it('writes the chosen format to --out, creating directories', async () => {
    const out = join(dir, 'reports', 'nightly', 'report.json');
    const log = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { error } = await run('--format', 'json', '--state', state, '--out', out);
    expect(error).toBeUndefined();
    const report = reportSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(report.summary.active).toBe(1);
    expect(report.customers[0]?.accountName).toBe('Käse | Co KG');
    expect(String(log.mock.calls[0]?.[0])).toContain(
      `Wrote the json report (1 customers) to ${out}`,
    );
  });

  it('prints Markdown to stdout by default', async () => {
    const chunks: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string, ...rest: unknown[]) => {
      chunks.push(chunk);
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof process.stdout.write);
    const { error } = await run('--state', state);
    expect(error).toBeUndefined();
    expect(chunks.join('')).toContain('| k1 | Käse \\| Co KG |');
  });

  it('rejects an unknown format as a usage error, listing the choices', async () => {
    const { error, stderr } = await run('--format', 'xml', '--state', state);
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).code).toBe('commander.invalidArgument');
    expect(stderr).toContain('Allowed choices are csv, json, html, md');
  });

  it('refuses to report from a state file that does not exist (exit code 2)', async () => {
    const missing = join(dir, 'nope', 'state.db');
    const { error, stderr } = await run('--state', missing);
    expect((error as CommanderError).exitCode).toBe(2);
    expect(stderr).toContain(`no state store at ${missing}`);
  });

  it('honours DATABASE_URL, but --state wins over it', async () => {
    vi.stubEnv('DATABASE_URL', 'mysql://db.example/so');
    const bad = await run();
    expect((bad.error as CommanderError).exitCode).toBe(2);
    expect(bad.stderr).toContain('DATABASE_URL must be a postgres://');
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = join(dir, 'state-wins.csv');
    const good = await run('--state', state, '--format', 'csv', '--out', out);
    expect(good.error).toBeUndefined();
    expect(readFileSync(out, 'utf8')).toContain('k1,Käse | Co KG,kaese.de');
  });

  it('rejects --state together with --database-url', async () => {
    const { error, stderr } = await run('--state', state, '--database-url', 'postgres://x/y');
    expect((error as CommanderError).exitCode).toBe(2);
    expect(stderr).toContain('either --state or --database-url');
  });
});

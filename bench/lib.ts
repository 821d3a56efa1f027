import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';

/** One measured ratio, as bench/run.mjs collects it. */
export interface BenchResult {
  name: string;
  /** The measured ratio (or value). */
  value: number;
  /** How the goal reads, e.g. "≤ 1.3×". */
  goal: string;
  pass: boolean;
  /** The raw figures behind the ratio. */
  detail: string;
}

/** Prints a result line for bench/run.mjs and a readable line for people. */
export function report(result: BenchResult): void {
  console.log(
    `${result.name}: ${result.value.toFixed(2)} (goal ${result.goal}) — ${result.detail}`,
  );
  console.log(`bench-result ${JSON.stringify(result)}`);
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface SandboxProcess {
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  controlUrl: string;
  child: ChildProcess;
  stop(): void;
}

/** Runs the built sandbox in its own process, so its CPU is not the client's. */
export async function spawnSandbox(args: string[] = []): Promise<SandboxProcess> {
  const cli = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
  const child = spawn(process.execPath, [cli, 'sandbox', '--port', '0', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  const info = JSON.parse(line) as Omit<SandboxProcess, 'child' | 'stop'>;
  return { ...info, child, stop: () => child.kill('SIGTERM') };
}

/** Writes a German-Excel-style customer CSV of `rows` rows (`;`, quoted `;`, CRLF). */
export async function generateCustomersCsv(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write(
    'Kontoname;Kunden-E-Mail;Kontodomäne;Hinweis für den Kunden;Benutzer-E-Mails;Sprache\r\n',
  );
  for (let i = 0; i < rows; i++) {
    const line = `Kunde ${i} GmbH;Info@Kunde${i}.de;kunde${i}.de;"Bitte aktivieren; danke";a@kunde${i}.de, b@kunde${i}.de;de\r\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

/** The ceiling for ingest: csv-parse alone over the same file; returns the data rows. */
export async function rawCsvParse(file: string): Promise<number> {
  let n = 0;
  const parser = createReadStream(file).pipe(parse({ delimiter: ';', relax_column_count: true }));
  for await (const _record of parser) n++;
  return n - 1;
}

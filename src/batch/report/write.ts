/** Write a rendered report to a file (atomically) or to standard output. */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { renderReport } from './formats.js';
import type { ReportFormat } from './formats.js';
import type { Report } from './schema.js';

export interface WriteReportResult {
  /** Absolute path written, or `undefined` for standard output. */
  path: string | undefined;
  bytes: number;
}

function writeStream(stream: Writable, text: string): Promise<void> {
  return new Promise((done, fail) => {
    stream.write(text, 'utf8', (error) => (error ? fail(error) : done()));
  });
}

/**
 * Render `report` as `format` and write it to `outPath` (parent directories created;
 * written to a temporary file and renamed, so a reader never sees half a report) or,
 * without `outPath`, to `stdout`.
 */
export async function writeReport(
  report: Report,
  format: ReportFormat,
  outPath?: string,
  stdout: Writable = process.stdout,
): Promise<WriteReportResult> {
  const text = renderReport(report, format);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (outPath === undefined) {
    await writeStream(stdout, text);
    return { path: undefined, bytes };
  }
  const path = resolve(outPath);
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, text, 'utf8');
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { path, bytes };
}

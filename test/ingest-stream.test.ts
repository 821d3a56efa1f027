import { createWriteStream } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { readCustomers } from '../src/batch/ingest/index.js';
import { tempCsv } from './ingest-helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function bigFile(rows: number, tail = ''): Promise<string> {
  const file = tempCsv('', 'big.csv');
  const out = createWriteStream(file);
  out.write('Kontoname;Kunden-E-Mail;Kontodomäne;Hinweis für den Kunden;Benutzer-E-Mails\r\n');
  const note = 'Bitte aktivieren Sie Ihr Smart Account; bei Fragen melden Sie sich. '.repeat(4);
  for (let i = 0; i < rows; i++) {
    const line = `Kunde ${i} GmbH;info@kunde${i}.de;kunde${i}.de;"${note}";a@kunde${i}.de, b@kunde${i}.de\r\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  out.write(tail);
  await new Promise<void>((r) => out.end(() => r()));
  return file;
}

describe('ingest: streaming', () => {
  it('streams a 50k-row file with heap growth far below what holding the rows would need', async () => {
    const file = await bigFile(50_000);
    gc();
    const before = process.memoryUsage().heapUsed;
    let count = 0;
    let last = 0;
    let retained = 0;
    for await (const e of readCustomers(file)) {
      if (e.type !== 'row') continue;
      count++;
      last = e.row;
      if (count === 49_999) {
        gc();
        retained = process.memoryUsage().heapUsed - before;
      }
    }
    expect(count).toBe(50_000);
    expect(last).toBe(50_001);
    // Holding the 50k row events takes about 50 MB here; streaming keeps the key set (a few MB).
    expect(retained).toBeLessThan(20 * 1024 * 1024);
  });

  it('finds duplicates of rows far apart in a 50k-row file', async () => {
    // Same customers as rows 2, 25,002 and 50,001, written differently (case, spacing, IDN-free).
    const tail =
      'KUNDE 0  GMBH;x@kunde0.de;Kunde0.DE;;\r\n' +
      'kunde 25000 gmbh;y@kunde25000.de;kunde25000.de;;\r\n' +
      ' Kunde 49999 GmbH ;z@kunde49999.de;KUNDE49999.de.;;\r\n';
    const file = await bigFile(50_000, tail);
    let rows = 0;
    const duplicates: Array<[number, number]> = [];
    for await (const e of readCustomers(file)) {
      if (e.type === 'row') rows++;
      if (e.type === 'duplicate') duplicates.push([e.row, e.firstRow]);
    }
    expect(rows).toBe(50_000);
    expect(duplicates).toEqual([
      [50_002, 2],
      [50_003, 25_002],
      [50_004, 50_001],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  InputError,
  parseMapOption,
  readCustomers,
  validateFile,
} from '../src/batch/ingest/index.js';
import { events, tempCsv } from './ingest-helpers.js';

const HEADER = 'Account Name,Customer Email,Account Domain,Note to Customer\n';

describe('ingest: files that cannot be read', () => {
  it('reports an unclosed quote with file and row, after delivering the rows before it', async () => {
    const file = tempCsv(
      `${HEADER}A,a@a.de,a.de,ok\nB,b@b.de,b.de,"never closed\nC,c@c.de,c.de,x\n`,
    );
    const seen: number[] = [];
    let caught: unknown;
    try {
      for await (const e of readCustomers(file)) if (e.type === 'row') seen.push(e.row);
    } catch (error) {
      caught = error;
    }
    expect(seen).toEqual([2]);
    expect(caught).toBeInstanceOf(InputError);
    expect(caught).toMatchObject({ code: 'malformed-csv', row: 3, file });
    expect((caught as Error).message).toContain(
      `${file}: row 3: a quoted cell starts here but its closing quote is missing`,
    );
  });

  it('validateFile turns a malformed file into a result, not an exception', async () => {
    const result = await validateFile(tempCsv(`${HEADER}A,a@a.de,a.de,"open\n`));
    expect(result.fatal).toMatchObject({ code: 'malformed-csv', row: 2 });
    expect(result.ok).toBe(false);
  });

  it('keeps stray quotes inside unquoted cells, as Excel does', async () => {
    const all = await events(tempCsv(`${HEADER}Bäckerei "Zum Korn" GmbH,a@a.de,a.de,\n`));
    expect(all.find((e) => e.type === 'row')).toMatchObject({
      data: { accountName: 'Bäckerei "Zum Korn" GmbH' },
    });
  });

  it('rejects an Excel workbook with a message that says to save as CSV', async () => {
    const xlsx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);
    const result = await validateFile(tempCsv(xlsx, 'customers.xlsx'));
    expect(result.fatal?.code).toBe('binary-file');
    expect(result.fatal?.message).toMatch(
      /customers\.xlsx: this is not a CSV text file but an Excel workbook .* Save As › "CSV UTF-8/,
    );
  });

  it('rejects other binary data', async () => {
    const bytes = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919) % 256));
    const result = await validateFile(tempCsv(bytes));
    expect(result.fatal?.code).toBe('binary-file');
  });

  it('reports an empty file and a missing file clearly', async () => {
    expect((await validateFile(tempCsv(''))).fatal?.code).toBe('empty-file');
    expect((await validateFile(tempCsv('\ufeff\r\n'))).fatal?.code).toBe('empty-file');
    const missing = await validateFile('/nonexistent/customers.csv');
    expect(missing.fatal).toMatchObject({
      code: 'file-not-found',
      message: '/nonexistent/customers.csv: no such file — check the path.',
    });
  });

  it('reads a file with only a header as zero rows', async () => {
    expect(await validateFile(tempCsv(HEADER))).toMatchObject({ rows: 0, ok: true, fatal: null });
  });

  it('replaces invalid bytes in an otherwise UTF-8 file and says so', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`${HEADER}Grün Ökö AG,a@a.de,a.de,\nB`),
      Buffer.from([0xfc]),
      Buffer.from(' GmbH,b@b.de,b.de,\n'),
    ]);
    const file = tempCsv(bytes);
    const result = await validateFile(file);
    expect(result.valid).toBe(2);
    expect(result.notices.map((n) => n.code)).toContain('invalid-bytes');
    const names = (await events(file)).flatMap((e) =>
      e.type === 'row' ? [e.data.accountName] : [],
    );
    expect(names).toEqual(['Grün Ökö AG', 'B\ufffd GmbH']);
  });
});

describe('ingest: --map option', () => {
  it('parses field=header pairs, quoted headers with commas, and several values', () => {
    expect(parseMapOption('accountName=Firma,customerEmail=Mail')).toEqual({
      accountName: 'Firma',
      customerEmail: 'Mail',
    });
    expect(parseMapOption(['noteToCustomer="Hinweis, Kunde"', 'accountDomain=Web'])).toEqual({
      noteToCustomer: 'Hinweis, Kunde',
      accountDomain: 'Web',
    });
  });

  it('rejects unknown fields and malformed pairs with the list of fields', () => {
    expect(() => parseMapOption('company=Firma')).toThrow(
      /"company" is not a field — use one of accountName, customerEmail/,
    );
    expect(() => parseMapOption('accountName')).toThrow(/not field=header/);
  });
});

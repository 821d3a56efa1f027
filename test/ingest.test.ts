import { describe, expect, it } from 'vitest';
import { customerKey, formatProblems, validateFile } from '../src/batch/ingest/index.js';
import { events, fixture, rows, tempCsv } from './ingest-helpers.js';

describe('ingest: real spreadsheet exports', () => {
  it('reads an English comma-separated UTF-8 file with the portal headers', async () => {
    const got = await rows(fixture('customers-en.csv'));
    expect(got.map((r) => r.row)).toEqual([2, 3, 4, 5]);
    expect(got[0]?.data).toEqual({
      accountName: 'Northwind Traders Ltd',
      customerEmail: 'jane.doe@northwind.co.uk',
      accountDomain: 'northwind.co.uk',
      noteToCustomer: 'Welcome to Cisco Smart Licensing',
      userEmails: ['ops@northwind.co.uk'],
      noteToUsers: 'Your access is ready',
    });
    expect(got[1]?.data.accountDomain).toBe('contoso.ch');
    expect(got[1]?.data.noteToCustomer).toBeUndefined();
    expect(got[2]?.data.userEmails).toEqual(['a.smith@acme.com', 'b.jones@acme.com']);
  });

  it('reads a German Excel export: Windows-1252, semicolons, CRLF, German headers', async () => {
    const all = await events(fixture('customers-de-excel.csv'));
    const notices = all.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
    expect(notices).toContain('read as Windows-1252 (bytes that are not valid UTF-8)');
    expect(notices).toContain('columns are separated by semicolons');
    const got = all.flatMap((e) => (e.type === 'row' ? [e] : []));
    expect(got.map((r) => r.data.accountName)).toEqual([
      'Müller Bäckerei GmbH',
      'Schöne Straße Immobilien KG',
      'Österreichische Öl AG',
      'Zürcher Uhrenmanufaktur AG',
    ]);
    expect(got[0]?.data.customerEmail).toBe('jürgen.müller@mueller-baeckerei.de');
    // Windows-1252, not Latin-1: the en dash and euro sign survive; the quoted ";" stays.
    expect(got[0]?.data.noteToCustomer).toBe('Grüße aus Köln – bitte bestätigen');
    expect(got[2]?.data.noteToCustomer).toBe('Preis: 1.200 €; Lieferung ab März');
    expect(got[1]?.data.accountDomain).toBe('schoene-strasse.de');
    expect(got.map((r) => r.data.locale)).toEqual(['de', 'de', undefined, 'de']);
  });

  it('strips a UTF-8 byte order mark so the first header is still recognized', async () => {
    const got = await rows(fixture('customers-utf8-bom.csv'));
    expect(got.map((r) => r.data.accountName)).toEqual([
      'Société Générale Conseil SARL',
      'Ødegaard Fiskeri AS',
      'Ärztehaus Süd GmbH',
    ]);
    expect(got.map((r) => r.data.locale)).toEqual(['en', undefined, 'de']);
  });

  it('reads Excel "Unicode Text": UTF-16LE with BOM, tab-separated', async () => {
    const got = await rows(fixture('customers-utf16.csv'));
    expect(got.map((r) => [r.row, r.data.accountName, r.data.customerReference])).toEqual([
      [2, 'Łódź Logistics Sp. z o.o.', 'K-1001'],
      [3, 'Weiß & Söhne OHG', 'K-1002'],
      [4, '東京テック株式会社', 'K-1003'],
    ]);
  });

  it('reads UTF-16BE with BOM', async () => {
    const text = 'Account Name,Customer Email,Account Domain\r\nGrün AG,a@gruen.de,gruen.de\r\n';
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.alloc(le.length);
    for (let i = 0; i < le.length; i += 2) {
      be[i] = le[i + 1] ?? 0;
      be[i + 1] = le[i] ?? 0;
    }
    const got = await rows(tempCsv(Buffer.concat([Buffer.from([0xfe, 0xff]), be])));
    expect(got[0]?.data.accountName).toBe('Grün AG');
  });

  it('switches to Windows-1252 when the first non-ASCII byte comes after many ASCII rows', async () => {
    const ascii = Array.from({ length: 3000 }, (_, i) => `Firma ${i},a${i}@x${i}.de,x${i}.de`).join(
      '\r\n',
    );
    const tail = Buffer.from('\r\nBöhm GmbH,info@boehm.de,boehm.de\r\n', 'latin1');
    const file = tempCsv(
      Buffer.concat([
        Buffer.from(`Kontoname,Kunden-E-Mail,Kontodomäne\r\n`, 'latin1'),
        Buffer.from(ascii),
        tail,
      ]),
    );
    const got = await rows(file);
    expect(got).toHaveLength(3001);
    expect(got.at(-1)?.data.accountName).toBe('Böhm GmbH');
  });
});

describe('ingest: row layout quirks', () => {
  it('numbers rows as the spreadsheet shows them, also after quoted cells spanning lines', async () => {
    const got = await rows(fixture('customers-multiline.csv'));
    // Alpen (row 2) spans 4 physical lines; row 4 is blank; Fjord (row 5) spans 3 lines; row 6 is only commas.
    expect(got.map((r) => [r.row, r.data.accountName])).toEqual([
      [2, 'Alpen Hotel Betriebs GmbH'],
      [3, 'Rheinland Software GmbH'],
      [5, 'Fjord Data AS'],
      [7, 'Baltic Shipping SIA'],
    ]);
  });

  it('keeps line breaks inside quoted notes, as \\n', async () => {
    const got = await rows(fixture('customers-multiline.csv'));
    expect(got[0]?.data.noteToCustomer).toBe(
      'Liebe Kundin, lieber Kunde,\nbitte aktivieren Sie Ihr Konto.\nDanke!',
    );
    expect(got[2]?.data.noteToCustomer).toBe('Two\n\nparagraphs');
  });

  it('splits several user emails in one cell on ; , spaces and line breaks, lower-cased', async () => {
    const got = await rows(fixture('customers-multiline.csv'));
    expect(got[0]?.data.userEmails).toEqual([
      'anna@alpenhotel.at',
      'bernd@alpenhotel.at',
      'carla@alpenhotel.at',
      'dieter@alpenhotel.at',
      'erika@alpenhotel.at',
    ]);
  });

  it('skips blank lines and rows of empty cells without reporting them', async () => {
    const result = await validateFile(fixture('customers-multiline.csv'));
    expect(result).toMatchObject({ rows: 4, valid: 4, invalid: 0, problems: [] });
  });

  it('ignores trailing empty header columns without notices', async () => {
    const all = await events(fixture('customers-multiline.csv'));
    expect(all.filter((e) => e.type === 'notice' && e.code === 'unknown-column')).toEqual([]);
  });

  it('honours an Excel "sep=;" first line and still calls the header row 1', async () => {
    const file = tempCsv(
      'sep=;\r\nAccount Name;Customer Email;Account Domain\r\nA, B und C GmbH;x@abc.de;abc.de\r\n',
    );
    const got = await rows(file);
    expect(got.map((r) => [r.row, r.data.accountName])).toEqual([[2, 'A, B und C GmbH']]);
  });

  it('detects the delimiter from the header only, ignoring delimiters inside quotes', async () => {
    const file = tempCsv(
      '"Account Name";"Customer Email";"Account Domain";"Note, to Customer"\nA;a@a.de;a.de;"x, y, z"\n',
    );
    const got = await rows(file);
    expect(got[0]?.data.noteToCustomer).toBe('x, y, z');
  });
});

describe('ingest: headers', () => {
  it('recognizes header names regardless of case, spacing, punctuation and umlaut spelling', async () => {
    const file = tempCsv(
      'ACCOUNT_NAME ; kunden e-mail ; Kontodomaene ; hinweis fuer den kunden;BENUTZER E MAILS\nA;a@a.de;a.de;n;u@a.de\n',
    );
    const got = await rows(file);
    expect(got[0]?.data).toMatchObject({
      accountName: 'A',
      customerEmail: 'a@a.de',
      accountDomain: 'a.de',
      noteToCustomer: 'n',
      userEmails: ['u@a.de'],
    });
  });

  it('recognizes the optional German columns', async () => {
    const file = tempCsv(
      'Kontoname,Kunden-E-Mail,Kontodomäne,Hinweis für hinzugefügte Benutzer,Hinweis für den Cisco-Genehmiger,Kundenreferenz,Sprache\nA,a@a.de,a.de,u,c,R-1,Deutsch\n',
    );
    const got = await rows(file);
    expect(got[0]?.data).toMatchObject({
      noteToUsers: 'u',
      noteToCiscoApprover: 'c',
      customerReference: 'R-1',
      locale: 'de',
    });
  });

  it('lets an explicit mapping override recognition', async () => {
    const file = tempCsv('Firma,Mail,Web,Email\nA GmbH,boss@a.de,a.de,other@a.de\n');
    const got = await rows(file, { map: { customerEmail: 'Mail', accountDomain: 'Web' } });
    expect(got[0]?.data).toMatchObject({
      accountName: 'A GmbH',
      customerEmail: 'boss@a.de',
      accountDomain: 'a.de',
    });
  });

  it('reports unknown columns as notices, not errors', async () => {
    const all = await events(fixture('customers-invalid.csv'));
    const unknown = all.filter((e) => e.type === 'notice' && e.code === 'unknown-column');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatchObject({ column: 'Fax' });
  });

  it('fails the file when a required column is missing, naming it and listing the headers', async () => {
    const file = tempCsv('Kontoname;E-Mail-Adresse des Kunden;Kontodomäne\nA;a@a.de;a.de\n');
    const result = await validateFile(file);
    expect(result.fatal?.code).toBe('missing-column');
    expect(result.fatal?.message).toContain('"Customer Email" (or "Kunden-E-Mail") is missing');
    expect(result.fatal?.message).toContain(
      'headers found: "Kontoname", "E-Mail-Adresse des Kunden", "Kontodomäne"',
    );
    expect(result.fatal?.message).toContain('--map customerEmail=<header>');
    expect(result.ok).toBe(false);
  });

  it('fails the file when the mapping names a header the file does not have', async () => {
    const result = await validateFile(fixture('customers-en.csv'), {
      map: { accountName: 'Firma' },
    });
    expect(result.fatal?.code).toBe('bad-mapping');
    expect(result.fatal?.message).toContain('accountName=Firma names no column');
  });
});

describe('ingest: validation and problems', () => {
  it('reports each bad cell with row, column header, value and a fix; the rest goes on', async () => {
    const result = await validateFile(fixture('customers-invalid.csv'));
    expect(result).toMatchObject({ rows: 8, valid: 2, invalid: 5, duplicates: 1, ok: false });
    const lines = result.problems.map((p) => [p.row, p.column, p.field, p.value, p.severity]);
    expect(lines).toEqual([
      [3, 'Customer Email', 'customerEmail', 'max@@badmail.de', 'error'],
      [4, 'Account Domain', 'accountDomain', 'https://bad-domain.de/', 'error'],
      [5, 'Account Name', 'accountName', '', 'error'],
      [6, 'User Emails', 'userEmails', expect.stringContaining('user51@bigcorp.de'), 'error'],
      [7, 'Account Name', 'accountName', 'good customer  gmbh', 'warning'],
      [9, 'User Emails', 'userEmails', 'broken.usermail.de', 'error'],
    ]);
  });

  it('formats problems as file:row column "Header": message, with a summary', async () => {
    const text = formatProblems(await validateFile(fixture('customers-invalid.csv')));
    const lines = text.split('\n');
    expect(lines).toContain(
      `${fixture('customers-invalid.csv')}:3 column "Customer Email": "max@@badmail.de" is not a valid email address — write it like name@example.com`,
    );
    expect(text).toContain(
      ':4 column "Account Domain": "https://bad-domain.de/" is a web address, not a domain — write just bad-domain.de',
    );
    expect(text).toContain(':5 column "Account Name": the account name is empty');
    expect(text).toContain(
      ':6 column "User Emails": 51 user email addresses; at most 50 are allowed',
    );
    expect(text).toContain(':7 column "Account Name": warning: duplicate of row 2');
    expect(text).toContain('column "Fax" is not a known field');
    expect(lines.at(-1)).toBe(
      `${fixture('customers-invalid.csv')}: 8 rows: 2 valid, 5 invalid, 1 duplicate skipped`,
    );
  });

  it('accepts an IDN domain and stores it as punycode', async () => {
    const got = await rows(fixture('customers-invalid.csv'));
    const munich = got.find((r) => r.data.accountName === 'München AG');
    expect(munich?.data.accountDomain).toBe('xn--mnchen-ag-q9a.de');
    expect(munich?.key).toBe(customerKey('München AG', 'münchen-ag.de'));
  });

  it('tells how to fix an email pasted as the domain', async () => {
    const file = tempCsv(
      'Account Name,Customer Email,Account Domain\nA,a@a.de,info@a-gmbh.de\nB,b@b.de,b-gmbh.de/kontakt\n',
    );
    const result = await validateFile(file);
    expect(result.problems.map((p) => p.message)).toEqual([
      '"info@a-gmbh.de" is an email address, not a domain — write just the part after @: a-gmbh.de',
      '"b-gmbh.de/kontakt" has a path after the domain — write just b-gmbh.de',
    ]);
  });

  it('enforces the service limits on names and notes', async () => {
    const file = tempCsv(
      `Account Name,Customer Email,Account Domain,Note to Customer\n${'N'.repeat(101)},a@a.de,a.de,\nB,b@b.de,b.de,${'x'.repeat(2001)}\n`,
    );
    const result = await validateFile(file);
    expect(result.problems.map((p) => [p.row, p.field])).toEqual([
      [2, 'accountName'],
      [3, 'noteToCustomer'],
    ]);
    expect(result.problems[1]?.message).toBe(
      'the note to the customer has 2,001 characters; at most 2,000 are allowed — shorten it',
    );
  });

  it('normalizes: trims, NFC, collapses spaces in names, lower-cases emails and domains', async () => {
    const decomposed = 'Mu\u0308ller'; // "Müller" with a combining diaeresis, as macOS writes it
    const file = tempCsv(
      `Account Name,Customer Email,Account Domain\n"  ${decomposed}   GmbH ", Info@Mueller.DE ,MUELLER.de.\n`,
    );
    const got = await rows(file);
    expect(got[0]?.data).toMatchObject({
      accountName: 'Müller GmbH',
      customerEmail: 'info@mueller.de',
      accountDomain: 'mueller.de',
    });
  });

  it('maps locale spellings to de/en, leaves empty for the default, warns on unsupported ones', async () => {
    const file = tempCsv(
      'Account Name,Customer Email,Account Domain,Language\nA,a@a.de,a.de,de-DE\nB,b@b.de,b.de,German\nC,c@c.de,c.de,en-GB\nD,d@d.de,d.de,\nE,e@e.de,e.de,français\n',
    );
    const got = await rows(file, { defaultLocale: 'de' });
    expect(got.map((r) => r.data.locale)).toEqual(['de', 'de', 'en', 'de', 'de']);
    expect(got[4]?.warnings[0]?.message).toBe(
      '"français" is not a supported language — write de or en; the default language is used',
    );
    const noDefault = await rows(file);
    expect(noDefault[3]?.data.locale).toBeUndefined();
  });

  it('reports a cell over 10,000 characters as a row problem', async () => {
    const file = tempCsv(
      `Account Name,Customer Email,Account Domain,Note to Customer\nA,a@a.de,a.de,"${'y'.repeat(10_001)}"\nB,b@b.de,b.de,ok\n`,
    );
    const result = await validateFile(file);
    expect(result).toMatchObject({ valid: 1, invalid: 1 });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.message).toMatch(
      /^the cell has 10,001 characters; at most 10,000 are read/,
    );
  });
});

describe('ingest: duplicates and keys', () => {
  it('keeps the first row of a customer and reports later ones as duplicates', async () => {
    const all = await events(fixture('customers-invalid.csv'));
    const dup = all.find((e) => e.type === 'duplicate');
    expect(dup).toMatchObject({ type: 'duplicate', row: 7, firstRow: 2 });
    const first = all.find((e) => e.type === 'row' && e.row === 2);
    expect(first).toMatchObject({ data: { customerEmail: 'ok@good-customer.de' } });
    expect(dup?.type === 'duplicate' && first?.type === 'row' && dup.key === first.key).toBe(true);
  });

  it('does not let an invalid first row shadow a corrected later row', async () => {
    const file = tempCsv(
      'Account Name,Customer Email,Account Domain\nA GmbH,broken,a.de\nA GmbH,fixed@a.de,a.de\n',
    );
    const all = await events(file);
    expect(all.filter((e) => e.type !== 'notice').map((e) => [e.type, e.row])).toEqual([
      ['invalid', 2],
      ['row', 3],
    ]);
  });

  it('derives the same key from differently written names and domains', () => {
    const key = customerKey('Müller  GmbH ', 'MÜLLER.de');
    expect(key).toMatch(/^c_[0-9a-f]{20}$/);
    expect(customerKey('müller gmbh', 'xn--mller-kva.de')).toBe(key);
    expect(customerKey('Mu\u0308ller GmbH', 'müller.de')).toBe(key);
    expect(customerKey('Müller GmbH', 'mueller.de')).not.toBe(key);
    expect(customerKey('Müller AG', 'müller.de')).not.toBe(key);
  });
});

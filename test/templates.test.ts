import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { Command, CommanderError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  TEMPLATE_NAMES,
  builtinTemplatesDir,
  loadTemplates,
  sampleContexts,
} from '../src/batch/notify/index.js';
import { openStore } from '../src/batch/store/index.js';
import { previewTemplate, registerTemplatesCommand } from '../src/cli/commands/templates.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'so-templates-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

function writeTemplate(
  dir: string,
  locale: string,
  name: string,
  parts: Partial<Record<'subject' | 'html' | 'text', string>>,
) {
  mkdirSync(join(dir, locale), { recursive: true });
  for (const [part, source] of Object.entries(parts))
    writeFileSync(join(dir, locale, `${name}.${part}.hbs`), source);
}

/** Runs `smart-onboard templates …` in-process; returns what it printed and the exit code. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeErr: (s) => void err.push(s), writeOut: (s) => void out.push(s) });
  registerTemplatesCommand(program);
  let code = 0;
  try {
    await program.parseAsync(['node', 'smart-onboard', ...args]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // as src/cli/index.ts does: help is not an error, every other parse failure is usage (2)
    code = error.exitCode === 0 ? 0 : 2;
  }
  vi.restoreAllMocks();
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('built-in templates', () => {
  it('exist for every name in en and de with subject, html and text, and use no triple-stash', () => {
    const root = builtinTemplatesDir();
    for (const locale of ['en', 'de']) {
      const files = readdirSync(join(root, locale));
      for (const name of TEMPLATE_NAMES) {
        for (const part of ['subject', 'html', 'text'])
          expect(files).toContain(`${name}.${part}.hbs`);
      }
      for (const file of [
        ...files.filter((f) => f.endsWith('.hbs')),
        ...readdirSync(join(root, locale, 'partials')).map((f) => `partials/${f}`),
      ]) {
        expect(readFileSync(join(root, locale, file), 'utf8'), `${locale}/${file}`).not.toContain(
          '{{{',
        );
      }
    }
  });

  it('every built-in template renders in both locales through the preview code path', async () => {
    for (const name of TEMPLATE_NAMES) {
      for (const locale of ['en', 'de']) {
        const preview = await previewTemplate(name, { locale });
        expect(preview.mail.locale).toBe(locale);
        expect(preview.mail.subject.length).toBeGreaterThan(10);
        expect(preview.mail.text).not.toMatch(/undefined|null|\[object Object\]/);
        expect(preview.mail.html).toMatch(/^<!DOCTYPE html>/);
        expect(preview.mail.html).toContain(`<html lang="${locale}">`);
      }
    }
  });

  it('formats dates and lists per locale', async () => {
    const set = await loadTemplates();
    const context = {
      ...sampleContexts()['customer-notice'],
      expiresAt: '2026-12-31T12:00:00Z',
      userEmails: ['a@x.de', 'b@x.de', 'c@x.de'],
    };
    const de = set.render('customer-notice', 'de', context);
    const en = set.render('customer-notice', 'en', context);
    expect(de.text).toContain('bis spätestens 31.12.2026');
    expect(de.text).toContain('a@x.de, b@x.de und c@x.de');
    expect(en.text).toContain('by Dec 31, 2026 at the latest');
    expect(en.text).toContain('a@x.de, b@x.de, and c@x.de');
  });

  it('resolves the locale: row, then configured default, then en', async () => {
    const set = await loadTemplates({ defaultLocale: 'de' });
    expect(set.resolveLocale('customer-notice', 'en')).toBe('en');
    expect(set.resolveLocale('customer-notice', undefined)).toBe('de');
    expect(set.resolveLocale('customer-notice', 'fr')).toBe('de');
    const english = await loadTemplates({ defaultLocale: 'fr' });
    expect(english.resolveLocale('customer-notice', 'it')).toBe('en');
  });

  it('removes CR/LF from a subject even when the template puts them there', async () => {
    const dir = tempDir();
    writeTemplate(dir, 'en', 'customer-notice', {
      subject: 'Hello\r\n{{accountName}}\nBcc: x@evil.example',
    });
    const set = await loadTemplates({ overrideDir: dir });
    const mail = set.render('customer-notice', 'en', {
      ...sampleContexts()['customer-notice'],
      accountName: 'A\r\nB',
    });
    expect(mail.subject).toBe('Hello A B Bcc: x@evil.example');
  });
});

describe('override directory', () => {
  it('a template with a built-in name wins (part by part); a new name is added', async () => {
    const dir = tempDir();
    writeTemplate(dir, 'de', 'customer-notice', { subject: 'Eigener Betreff für {{accountName}}' });
    writeTemplate(dir, 'en', 'welcome-pack', {
      subject: 'Welcome, {{accountName}}',
      html: '{{#> layout title="Welcome"}}<p>{{accountName}} / {{formatDate expiresAt}}</p>{{/layout}}',
      text: 'Welcome {{accountName}}, activate by {{formatDate expiresAt}}.',
    });
    const set = await loadTemplates({ overrideDir: dir });
    const list = set.list();
    expect(list.find((t) => t.name === 'customer-notice')).toMatchObject({
      source: 'override',
      locales: ['de', 'en'],
    });
    expect(list.find((t) => t.name === 'users-notice')).toMatchObject({ source: 'built-in' });
    expect(list.find((t) => t.name === 'welcome-pack')).toMatchObject({
      source: 'override',
      locales: ['en'],
    });
    const sample = sampleContexts()['customer-notice'];
    const de = set.render('customer-notice', 'de', sample);
    expect(de.subject).toBe('Eigener Betreff für Müller Maschinenbau GmbH');
    expect(de.text).toContain('Guten Tag,'); // built-in text part kept
    expect(set.render('customer-notice', 'en', sample).subject).toContain(
      'Your Cisco Smart Account',
    );
    const welcome = set.render('welcome-pack', set.resolveLocale('welcome-pack', 'de'), sample);
    expect(welcome.locale).toBe('en');
    expect(welcome.html).toContain('<p>Müller Maschinenbau GmbH / ');

    const listed = await cli('templates', 'list', '--templates', dir);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/customer-notice\s+de,en\s+override/);
    expect(listed.stdout).toMatch(/welcome-pack\s+en\s+override/);
    expect(listed.stdout).toMatch(/run-summary\s+de,en\s+built-in/);
  });

  it('a new template without all three parts is rejected at load', async () => {
    const dir = tempDir();
    writeTemplate(dir, 'en', 'half-done', { subject: 'Hi' });
    await expect(loadTemplates({ overrideDir: dir })).rejects.toThrow(
      /"half-done" \(en\) has no html, text part/,
    );
  });
});

describe('a variable the context does not provide', () => {
  it('fails at load, naming template, locale and variable', async () => {
    const dir = tempDir();
    writeTemplate(dir, 'de', 'customer-notice', { text: 'Hallo {{accountNmae}}' });
    const error = await loadTemplates({ overrideDir: dir }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'TemplateError',
      code: 'missing-variable',
    });
    expect(error).toMatchObject({
      details: { template: 'customer-notice', locale: 'de', variable: 'accountNmae' },
    });
    expect((error as Error).message).toMatch(
      /template "customer-notice" \(de\) text part uses "accountNmae"/,
    );
  });

  it('is found as a helper argument, in a branch, inside #each and in a partial', async () => {
    const cases: [string, string, string][] = [
      ['customer-notice', 'html', '{{#> layout title="x"}}{{formatDate expiresOn}}{{/layout}}'],
      ['customer-notice', 'text', '{{#if noteToCustomer}}ok{{else}}{{noteToCustomr}}{{/if}}'],
      ['run-summary', 'text', '{{#each failures}}{{reson}}{{/each}}'],
      ['run-summary', 'text', '{{#each failures}}{{../runIdd}}{{/each}}'],
    ];
    for (const [name, part, source] of cases) {
      const dir = tempDir();
      writeTemplate(dir, 'en', name, { [part]: source });
      await expect(loadTemplates({ overrideDir: dir }), source).rejects.toMatchObject({
        code: 'missing-variable',
      });
    }
    const dir = tempDir();
    mkdirSync(join(dir, 'en', 'partials'), { recursive: true });
    writeFileSync(join(dir, 'en', 'partials', 'signature.text.hbs'), '{{senderPhone}}');
    await expect(loadTemplates({ overrideDir: dir })).rejects.toMatchObject({
      details: { variable: 'senderPhone' },
    });
  });

  it('fails in preview with exit code 2 and the variable in the message', async () => {
    const dir = tempDir();
    writeTemplate(dir, 'en', 'users-notice', { subject: 'Hi {{firstName}}' });
    const result = await cli('templates', 'preview', 'users-notice', '--templates', dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"firstName"');
    expect(result.stderr).toContain('users-notice');
  });
});

describe('templates preview', () => {
  it('prints subject and text for a spreadsheet row, in the row language', async () => {
    const result = await cli(
      'templates',
      'preview',
      'customer-notice',
      '--file',
      'fixtures/customers-de-excel.csv',
      '--line',
      '2',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Subject: Ihr Cisco Smart Account für Müller Bäckerei GmbH');
    expect(result.stdout).toContain('To: jürgen.müller@mueller-baeckerei.de');
    expect(result.stdout).toContain('Hinweis: Grüße aus Köln');
    expect(result.stderr).toContain('not submitted yet');
  });

  it('writes a full .eml for a stored customer and the HTML part to .html', async () => {
    const dir = tempDir();
    const state = join(dir, 'state.db');
    const store = await openStore({ file: state });
    await store.upsertCustomer({
      key: 'c_preview1',
      accountName: 'Contoso AG',
      accountDomain: 'contoso.ch',
      customerEmail: 'it@contoso.ch',
      data: { userEmails: ['a@contoso.ch'], locale: 'de' },
    });
    await store.transition('c_preview1', {
      to: 'pending',
      cause: 'test',
      patch: { requestId: 'req_77', expiresAt: '2027-01-15T10:00:00.000Z' },
    });
    await store.close();
    const eml = join(dir, 'notice.eml');
    const html = join(dir, 'notice.html');
    expect(
      (
        await cli(
          'templates',
          'preview',
          'users-notice',
          '--row',
          'c_preview1',
          '--state',
          state,
          '--out',
          eml,
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await cli(
          'templates',
          'preview',
          'customer-notice',
          '--row',
          'contoso.ch',
          '--state',
          state,
          '--locale',
          'en',
          '--out',
          html,
        )
      ).code,
    ).toBe(0);
    const parsed = await simpleParser(readFileSync(eml));
    expect(parsed.subject).toBe('Sie erhalten Zugriff auf den Cisco Smart Account von Contoso AG');
    expect(parsed.messageId).toBe('<users-notice.c_preview1@smart-onboard.invalid>');
    expect(parsed.text).toContain('15.01.2027');
    expect(parsed.html).toContain('Contoso AG');
    expect(readFileSync(html, 'utf8')).toContain('Request ID</td><td>req_77');
  });

  it('usage errors exit with code 2', async () => {
    const cases = [
      ['templates', 'preview', 'no-such-template'],
      ['templates', 'preview', 'customer-notice', '--locale', 'fr'],
      ['templates', 'preview', 'customer-notice', '--file', 'fixtures/customers-en.csv'],
      [
        'templates',
        'preview',
        'customer-notice',
        '--file',
        'fixtures/customers-en.csv',
        '--line',
        '1',
      ],
      [
        'templates',
        'preview',
        'customer-notice',
        '--file',
        'fixtures/customers-en.csv',
        '--line',
        '99',
      ],
      ['templates', 'preview', 'customer-notice', '--out', 'x.pdf'],
      [
        'templates',
        'preview',
        'customer-notice',
        '--row',
        'c_missing',
        '--state',
        join(tempDir(), 's.db'),
      ],
    ];
    for (const args of cases) {
      const result = await cli(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/error/);
    }
  });
});

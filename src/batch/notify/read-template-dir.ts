import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The three parts of a mail template. */
export const PARTS = ['subject', 'html', 'text'] as const;
export type Part = (typeof PARTS)[number];

/** Template sources found in one directory, by locale. */
export interface TemplateSources {
  /** locale → template name → part → { source, file } */
  templates: Map<string, Map<string, Partial<Record<Part, { source: string; file: string }>>>>;
  /** locale → partial name → { source, file } */
  partials: Map<string, Map<string, { source: string; file: string }>>;
}

const TEMPLATE_FILE = /^([a-z0-9][a-z0-9_-]*)\.(subject|html|text)\.hbs$/i;
const PARTIAL_FILE = /^([a-z0-9][a-z0-9_-]*)(?:\.(?:html|text))?\.hbs$/i;
const LOCALE_DIR = /^[a-z]{2}(?:-[A-Za-z]{2})?$/;

async function entries(dir: string): Promise<{ name: string; isDirectory: boolean }[]> {
  try {
    const list = await readdir(dir, { withFileTypes: true });
    return list.map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Reads `<dir>/<locale>/<name>.<part>.hbs` and `<dir>/<locale>/partials/<name>[.html|.text].hbs`.
 * Files with other names are ignored.
 *
 * @throws Error with code `ENOENT` when `dir` itself does not exist.
 */
export async function readTemplateDir(dir: string): Promise<TemplateSources> {
  const result: TemplateSources = { templates: new Map(), partials: new Map() };
  for (const localeEntry of await readdir(dir, { withFileTypes: true })) {
    if (!localeEntry.isDirectory() || !LOCALE_DIR.test(localeEntry.name)) continue;
    const locale = localeEntry.name;
    const localeDir = join(dir, locale);
    const templates = new Map<string, Partial<Record<Part, { source: string; file: string }>>>();
    const partials = new Map<string, { source: string; file: string }>();
    for (const entry of await entries(localeDir)) {
      const match = TEMPLATE_FILE.exec(entry.name);
      if (entry.isDirectory || !match) continue;
      const file = join(localeDir, entry.name);
      const parts = templates.get(match[1] as string) ?? {};
      parts[match[2] as Part] = { source: await readFile(file, 'utf8'), file };
      templates.set(match[1] as string, parts);
    }
    for (const entry of await entries(join(localeDir, 'partials'))) {
      const match = PARTIAL_FILE.exec(entry.name);
      if (entry.isDirectory || !match) continue;
      const file = join(localeDir, 'partials', entry.name);
      partials.set(match[1] as string, { source: await readFile(file, 'utf8'), file });
    }
    result.templates.set(locale, templates);
    result.partials.set(locale, partials);
  }
  return result;
}

/**
 * Loads, compiles and checks the mail templates: the built-ins, then an override
 * directory (same name wins part by part, new names are added). Everything is
 * compiled once; every template is checked against its context schema at load, so a
 * reference to a variable the context does not provide fails here, never in a sent email.
 */
import Handlebars from 'handlebars';
import type { z } from 'zod';
import { findMissingVariables } from './check-variables.js';
import { contextSchemaFor, isTemplateName, type TemplateName } from './contexts.js';
import { TemplateError } from './errors.js';
import { headerSafe } from './header-safe.js';
import { registerHelpers } from './helpers.js';
import { builtinTemplatesDir } from './locate-templates.js';
import { PARTS, type Part, type TemplateSources, readTemplateDir } from './read-template-dir.js';
import { sampleContexts } from './samples.js';

/** Options of {@link loadTemplates}. */
export interface LoadTemplatesOptions {
  /** Your templates: `<dir>/<locale>/<name>.{subject,html,text}.hbs`, `<dir>/<locale>/partials/*.hbs`. */
  overrideDir?: string;
  /** @default the package's `templates/` directory */
  builtinDir?: string;
  /** Language when a row names none, or one without this template. Then `en`. @default 'en' */
  defaultLocale?: string;
  /** IANA time zone for dates in mails. @default 'UTC' */
  timeZone?: string;
  /** Clock for `daysLeft` and the sample contexts. @default () => new Date() */
  now?: () => Date;
}

/** One template as `templates list` shows it. */
export interface TemplateInfo {
  name: string;
  locales: string[];
  /** `override` when any part in any locale comes from the override directory. */
  source: 'built-in' | 'override';
  /** Whether the context is one of the built-in schemas (else the customer-notice one). */
  builtinContext: boolean;
}

/** A rendered mail: header-safe subject, HTML and text parts. */
export interface RenderedMail {
  name: string;
  locale: string;
  subject: string;
  html: string;
  text: string;
}

/** Compiled templates, ready to render. */
export interface TemplateSet {
  list(): TemplateInfo[];
  /** Locales that have `name`. */
  locales(name: string): string[];
  /**
   * The locale to render `name` in: the row's locale if the template exists in it,
   * else the configured default, else `en`, else any locale that has it.
   * @throws TemplateError `unknown-template`
   */
  resolveLocale(name: string, rowLocale?: string | null): string;
  /**
   * Validates `context` against the template's schema and renders all three parts.
   * @throws TemplateError (`unknown-template`, `invalid-context`, `missing-variable`, `render`)
   */
  render(name: string, locale: string, context: unknown): RenderedMail;
}

type Compiled = Record<Part, Handlebars.TemplateDelegate>;
type Source = { source: string; file: string; override: boolean };

interface LocaleTemplates {
  templates: Map<string, Record<Part, Source>>;
  partials: Map<string, Source>;
}

const VARIABLE = /"([^"]+)" not defined in/;

function merge(
  builtin: TemplateSources,
  override: TemplateSources | undefined,
): Map<string, LocaleTemplates> {
  const out = new Map<string, LocaleTemplates>();
  const sources = [
    { set: builtin, override: false },
    ...(override ? [{ set: override, override: true }] : []),
  ];
  const partial = new Map<string, Map<string, Partial<Record<Part, Source>>>>();
  for (const { set, override: isOverride } of sources) {
    for (const [locale, templates] of set.templates) {
      const byName = partial.get(locale) ?? new Map<string, Partial<Record<Part, Source>>>();
      for (const [name, parts] of templates) {
        const merged = { ...byName.get(name) };
        for (const part of PARTS) {
          const found = parts[part];
          if (found) merged[part] = { ...found, override: isOverride };
        }
        byName.set(name, merged);
      }
      partial.set(locale, byName);
    }
    for (const [locale, partials] of set.partials) {
      const entry = out.get(locale) ?? { templates: new Map(), partials: new Map() };
      for (const [name, p] of partials) entry.partials.set(name, { ...p, override: isOverride });
      out.set(locale, entry);
    }
  }
  for (const [locale, byName] of partial) {
    const entry = out.get(locale) ?? { templates: new Map(), partials: new Map() };
    for (const [name, parts] of byName) {
      const absent = PARTS.filter((p) => parts[p] === undefined);
      if (absent.length > 0) {
        throw new TemplateError(
          'missing-part',
          `template "${name}" (${locale}) has no ${absent.join(', ')} part — add ${absent.map((p) => `${locale}/${name}.${p}.hbs`).join(', ')}`,
          { template: name, locale },
        );
      }
      entry.templates.set(name, parts as Record<Part, Source>);
    }
    out.set(locale, entry);
  }
  return out;
}

function parse(source: Source, name: string, locale: string): hbs.AST.Program {
  try {
    return Handlebars.parse(source.source);
  } catch (error) {
    throw new TemplateError(
      'syntax',
      `template "${name}" (${locale}) in ${source.file}: ${(error as Error).message}`,
      {
        template: name,
        locale,
        file: source.file,
        cause: error,
      },
    );
  }
}

/** Removes the blank lines optional sections leave behind in text parts. */
const tidyText = (text: string) =>
  `${text
    .replace(/\r\n?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;

/** Loads and checks the templates. @throws TemplateError naming template, locale, file and variable. */
export async function loadTemplates(options: LoadTemplatesOptions = {}): Promise<TemplateSet> {
  const now = options.now ?? (() => new Date());
  const timeZone = options.timeZone ?? 'UTC';
  const defaultLocale = options.defaultLocale ?? 'en';
  const builtin = await readTemplateDir(options.builtinDir ?? builtinTemplatesDir());
  let override: TemplateSources | undefined;
  if (options.overrideDir !== undefined) {
    try {
      override = await readTemplateDir(options.overrideDir);
    } catch (error) {
      throw new TemplateError(
        'unknown-template',
        `template directory ${options.overrideDir} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}) — check the templates setting`,
        { cause: error },
      );
    }
  }
  const merged = merge(builtin, override);
  const compiled = new Map<string, Map<string, Compiled>>();
  const info = new Map<string, { locales: string[]; override: boolean }>();
  const samples = sampleContexts(now());

  for (const [locale, { templates, partials }] of merged) {
    const envs = { html: Handlebars.create(), text: Handlebars.create() };
    const partialAsts = new Map<string, hbs.AST.Program>();
    for (const [kind, env] of Object.entries(envs)) {
      registerHelpers(env, { locale, timeZone, now });
      for (const [name, p] of partials) {
        const ast = parse(p, `partials/${name}`, locale);
        partialAsts.set(name, ast);
        env.registerPartial(name, env.compile(ast, { strict: true, noEscape: kind === 'text' }));
      }
    }
    const byName = new Map<string, Compiled>();
    for (const [name, parts] of templates) {
      const schema = contextSchemaFor(name);
      const out = {} as Compiled;
      for (const part of PARTS) {
        const src = parts[part];
        const ast = parse(src, name, locale);
        const [first] = findMissingVariables(ast, schema, partialAsts);
        if (first !== undefined) {
          throw new TemplateError(
            'missing-variable',
            `template "${name}" (${locale}) ${part} part uses "${first.variable}" on line ${first.line}, which its context does not provide — ${src.file}`,
            { template: name, locale, variable: first.variable, file: src.file },
          );
        }
        const env = part === 'html' ? envs.html : envs.text;
        out[part] = env.compile(ast, { strict: true, noEscape: part !== 'html' });
      }
      byName.set(name, out);
      const entry = info.get(name) ?? { locales: [], override: false };
      entry.locales.push(locale);
      entry.override ||= PARTS.some((p) => parts[p].override);
      info.set(name, entry);
    }
    compiled.set(locale, byName);
  }

  const render = (name: string, locale: string, context: unknown): RenderedMail => {
    const parts = compiled.get(locale)?.get(name);
    if (parts === undefined) {
      throw new TemplateError(
        'unknown-template',
        `no template "${name}" in locale "${locale}" — see "smart-onboard templates list"`,
        { template: name, locale },
      );
    }
    const parsed = (contextSchemaFor(name) as z.ZodType).safeParse(context);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(context)'}: ${i.message}`)
        .join('; ');
      const variable = parsed.error.issues[0]?.path.join('.');
      throw new TemplateError(
        'invalid-context',
        `template "${name}" (${locale}): the context is incomplete — ${issues}`,
        {
          template: name,
          locale,
          ...(variable ? { variable } : {}),
        },
      );
    }
    const run = (part: Part) => {
      try {
        return parts[part](parsed.data);
      } catch (error) {
        const message = (error as Error).message;
        const variable = VARIABLE.exec(message)?.[1];
        throw new TemplateError(
          variable ? 'missing-variable' : 'render',
          `template "${name}" (${locale}) ${part} part: ${variable ? `variable "${variable}" is not provided` : message}`,
          { template: name, locale, ...(variable ? { variable } : {}), cause: error },
        );
      }
    };
    return {
      name,
      locale,
      subject: headerSafe(run('subject')),
      html: run('html'),
      text: tidyText(run('text')),
    };
  };

  // Render everything once against the sample, full and sparse: helpers that need a value
  // and strict lookups fail now rather than at send time.
  for (const [locale, byName] of compiled) {
    for (const name of byName.keys()) {
      const sample: Record<string, unknown> = isTemplateName(name)
        ? samples[name as TemplateName]
        : samples['customer-notice'];
      render(name, locale, sample);
      render(name, locale, sparse(name, sample));
    }
  }

  return {
    list: () =>
      [...info]
        .map(([name, i]) => ({
          name,
          locales: [...i.locales].sort(),
          source: i.override ? ('override' as const) : ('built-in' as const),
          builtinContext: isTemplateName(name),
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    locales: (name) => [...(info.get(name)?.locales ?? [])].sort(),
    resolveLocale(name, rowLocale) {
      const have = info.get(name)?.locales;
      if (have === undefined) {
        throw new TemplateError(
          'unknown-template',
          `no template named "${name}" — see "smart-onboard templates list"`,
          { template: name },
        );
      }
      const pick = [rowLocale, defaultLocale, 'en'].find((l) => l != null && have.includes(l));
      return pick ?? (have[0] as string);
    },
    render,
  };
}

/** The sample with every nullable value null and every list empty, where the schema allows. */
function sparse(name: string, sample: Record<string, unknown>): Record<string, unknown> {
  const schema = contextSchemaFor(name);
  const out: Record<string, unknown> = { ...sample };
  for (const key of Object.keys(out)) {
    const field = schema.shape[key] as z.ZodType | undefined;
    if (field?.safeParse(null).success) out[key] = null;
    else if (Array.isArray(out[key]) && field?.safeParse([]).success) out[key] = [];
  }
  return out;
}

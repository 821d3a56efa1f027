/**
 * The Handlebars helpers every template can use, formatting per locale with `Intl`:
 *
 * - `{{formatDate expiresAt}}` → `31.12.2026` (de) / `Dec 31, 2026` (en);
 *   `{{formatDate startedAt time=true}}` adds the time and zone.
 * - `{{list userEmails}}` → `a, b und c` (de) / `a, b, and c` (en).
 * - `{{daysLeft expiresAt}}` → whole days until then (never negative).
 * - `{{plural n "Tag" "Tagen"}}` → `1 Tag`, `3 Tagen`.
 * - `{{statusLabel status}}` → `ausstehend` (de) / `pending` (en).
 *
 * A helper given no value throws instead of printing a blank: Handlebars' strict mode
 * does not check helper arguments.
 */
import type Handlebars from 'handlebars';
import type { HelperOptions } from 'handlebars';

/** What the helpers need to know besides their arguments. */
export interface HelperSettings {
  locale: string;
  /** IANA zone for dates. @default 'UTC' */
  timeZone: string;
  /** The clock `daysLeft` counts from. */
  now: () => Date;
}

type Registrar = Pick<typeof Handlebars, 'registerHelper'>;

const DAY = 86_400_000;

const STATUS_LABELS: Record<string, Record<string, string>> = {
  de: {
    invalid: 'ungültig',
    queued: 'in Warteschlange',
    requested: 'angefragt',
    submitting: 'wird eingereicht',
    pending: 'ausstehend',
    active: 'aktiv',
    expired: 'abgelaufen',
    skipped: 'übersprungen',
    failed: 'fehlgeschlagen',
    attention: 'zu prüfen',
    running: 'läuft',
    succeeded: 'erfolgreich',
    partial: 'teilweise erfolgreich',
  },
};

function required(helper: string, value: unknown): unknown {
  if (value === undefined || value === null) {
    throw new Error(`helper "${helper}" got no value — the variable passed to it is missing`);
  }
  return value;
}

function toDate(helper: string, value: unknown): Date {
  const date = new Date(required(helper, value) as string | number | Date);
  if (Number.isNaN(date.getTime()))
    throw new Error(`helper "${helper}": "${String(value)}" is not a date`);
  return date;
}

/** Registers the helpers on a Handlebars environment for one locale. */
export function registerHelpers(hb: Registrar, settings: HelperSettings): void {
  const lang =
    settings.locale === 'de' ? 'de-DE' : settings.locale === 'en' ? 'en-US' : settings.locale;
  const dateFormat = new Intl.DateTimeFormat(lang, {
    timeZone: settings.timeZone,
    year: 'numeric',
    month: lang.startsWith('de') ? '2-digit' : 'short',
    day: '2-digit',
  });
  const dateTimeFormat = new Intl.DateTimeFormat(lang, {
    timeZone: settings.timeZone,
    year: 'numeric',
    month: lang.startsWith('de') ? '2-digit' : 'short',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  });
  const listFormat = new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' });
  const labels = STATUS_LABELS[settings.locale] ?? {};

  hb.registerHelper('formatDate', (value: unknown, options: HelperOptions) => {
    const date = toDate('formatDate', value);
    return (options.hash as { time?: unknown }).time === true
      ? dateTimeFormat.format(date)
      : dateFormat.format(date);
  });
  hb.registerHelper('list', (items: unknown) => {
    const list = required('list', items);
    if (!Array.isArray(list)) throw new Error('helper "list" needs a list');
    return listFormat.format(list.map(String));
  });
  hb.registerHelper('daysLeft', (value: unknown) => {
    const ms = toDate('daysLeft', value).getTime() - settings.now().getTime();
    return Math.max(0, Math.ceil(ms / DAY));
  });
  hb.registerHelper('plural', (count: unknown, one: unknown, many: unknown) => {
    const n = Number(required('plural', count));
    return `${n} ${String(n === 1 ? one : many)}`;
  });
  hb.registerHelper('statusLabel', (status: unknown) => {
    const value = String(required('statusLabel', status));
    return labels[value] ?? value;
  });
}

/** Names of the helpers {@link registerHelpers} adds (plus Handlebars' built-ins). */
export const HELPER_NAMES: ReadonlySet<string> = new Set([
  'formatDate',
  'list',
  'daysLeft',
  'plural',
  'statusLabel',
  'if',
  'unless',
  'each',
  'with',
  'lookup',
  'log',
  'blockHelperMissing',
  'helperMissing',
]);

import { formatDay, formatInstant } from '../calendar/calendar';

import { LOCALES, type Locale } from '../db/schema';

export { LOCALES, type Locale };
export const DEFAULT_LOCALE: Locale = 'kk';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The language a browser prefers among ours, from its Accept-Language header: the supported
 * language with the highest q-value (ties: the one listed first; `q=0` means "not this one"), by
 * the primary subtag (`ru-RU` is ru). None of ours listed: Kazakh. So `en;q=0.1, kk` is kk.
 */
export function localeFromAcceptLanguage(header: string | undefined): Locale {
  let best: { locale: Locale; q: number } | null = null;
  for (const part of (header ?? '').slice(0, 1000).split(',')) {
    const [range = '', ...params] = part.split(';');
    const tag = range.trim().split('-')[0]?.toLowerCase();
    if (!isLocale(tag)) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.toLowerCase().startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q) || q <= 0 || q > 1) continue;
    if (!best || q > best.q) best = { locale: tag, q };
  }
  return best?.locale ?? DEFAULT_LOCALE;
}

/**
 * A dictionary per language for one part of the portal. The Kazakh text fixes the shape;
 * Russian and English must have exactly the same keys, so a missing or extra translation
 * fails the type check.
 */
export function defineMessages<T>(messages: { kk: T; ru: NoInfer<T>; en: NoInfer<T> }): Record<Locale, T> {
  return messages;
}

/** One text (or text-making function) in each of the three languages. */
export type Translated<V> = { readonly kk: V; readonly ru: V; readonly en: V };

/** A table of texts by key: each leaf says one thing in all three languages. */
type KeyTable = { readonly [key: string]: Translated<unknown> | KeyTable };

/** What one language gets from a key table: the same keys, that language's text at each leaf. */
export type OneLanguage<T> = T extends Translated<unknown> ? T['kk'] : { [K in keyof T]: OneLanguage<T[K]> };

/** Every leaf's Russian and English are of the Kazakh one's type (same parameters for functions). */
type SameTypeInEachLanguage<T> = {
  [K in keyof T]: T[K] extends Translated<unknown> ? Translated<T[K]['kk']> : SameTypeInEachLanguage<T[K]>;
};

/**
 * Dictionaries declared key by key: `{ title: { kk: '…', ru: '…', en: '…' }, errors: { … } }`
 * gives the same per-language dictionaries as defineMessages, each key set written once. A leaf
 * without one of the languages, or with one of another type, fails the type check. (A leaf is
 * an object with a `kk` key, so a group of texts may not use kk, ru or en as its own keys.)
 */
export function messagesByKey<T extends KeyTable>(
  table: T & SameTypeInEachLanguage<NoInfer<T>>,
): Record<Locale, OneLanguage<T>> {
  const pick = (node: KeyTable, locale: Locale): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(node).map(([key, value]) => [
        key,
        'kk' in value ? (value as Translated<unknown>)[locale] : pick(value as KeyTable, locale),
      ]),
    );
  return {
    kk: pick(table, 'kk') as OneLanguage<T>,
    ru: pick(table, 'ru') as OneLanguage<T>,
    en: pick(table, 'en') as OneLanguage<T>,
  };
}

/** Month names and abbreviations (the settlement month picker uses the seed's abbreviations). */
export const MONTHS: Record<Locale, { long: string[]; short: string[] }> = {
  kk: {
    long: [
      'қаңтар',
      'ақпан',
      'наурыз',
      'сәуір',
      'мамыр',
      'маусым',
      'шілде',
      'тамыз',
      'қыркүйек',
      'қазан',
      'қараша',
      'желтоқсан',
    ],
    short: ['Қаң', 'Ақп', 'Нау', 'Сәу', 'Мам', 'Мау', 'Шіл', 'Там', 'Қыр', 'Қаз', 'Қар', 'Жел'],
  },
  ru: {
    long: [
      'январь',
      'февраль',
      'март',
      'апрель',
      'май',
      'июнь',
      'июль',
      'август',
      'сентябрь',
      'октябрь',
      'ноябрь',
      'декабрь',
    ],
    short: ['Янв', 'Фев', 'Мар', 'Апр', 'Май', 'Июн', 'Июл', 'Авг', 'Сен', 'Окт', 'Ноя', 'Дек'],
  },
  en: {
    long: [
      'January',
      'February',
      'March',
      'April',
      'May',
      'June',
      'July',
      'August',
      'September',
      'October',
      'November',
      'December',
    ],
    short: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  },
};

/** "мамыр 2020 ж.", "май 2020 г.", "May 2020". */
export function formatPeriod(locale: Locale, period: string): string {
  const year = period.slice(0, 4);
  const month = MONTHS[locale].long[Number(period.slice(5, 7)) - 1] ?? period;
  if (locale === 'kk') return `${year} ж. ${month}`;
  if (locale === 'ru') return `${month} ${year} г.`;
  return `${month} ${year}`;
}

/** Dates as people here write them: 25.05.2020. */
export function formatDate(date: string | null | undefined): string {
  return formatDay(date);
}

/** Date and time in Almaty time: 25.05.2020 14:03. */
export function formatDateTime(instant: Date | null | undefined): string {
  return formatInstant(instant);
}

/** Fills {name} placeholders of a text; a name without a value stays as it is. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => (key in values ? String(values[key]) : m));
}

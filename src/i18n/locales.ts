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

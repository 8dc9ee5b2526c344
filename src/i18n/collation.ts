import type { Locale } from './locales';

/**
 * Names (streets, people, companies) are Kazakh and Russian words in Cyrillic. A Kazakh page lists
 * them in the Kazakh alphabet (А Ә Б … К Қ Л … Н Ң О Ө … У Ұ Ү … Һ … Ы І …), a Russian page in the
 * Russian one (Ә beside А, Қ beside К, …); the English page uses the Russian order too, as the names
 * stay Cyrillic there. A database's ORDER BY puts Қ, Ә, Ү, Ө, Ұ, Ғ, Ң, Һ, І after Я, so lists are
 * sorted here with ICU's collation (Node ships full ICU with the kk rules).
 */
const COLLATION_LOCALE: Record<Locale, string> = { kk: 'kk', ru: 'ru', en: 'ru' };

const collators = new Map<Locale, Intl.Collator>();

/** The collator for names on a page in `locale` (case and accents are secondary, digits numeric). */
export function nameCollator(locale: Locale): Intl.Collator {
  let collator = collators.get(locale);
  if (!collator) {
    collator = new Intl.Collator(COLLATION_LOCALE[locale], { numeric: true });
    collators.set(locale, collator);
  }
  return collator;
}

/** A copy of `items` in the page language's alphabetical order of `name`. */
export function sortByName<T>(items: readonly T[], locale: Locale, name: (item: T) => string): T[] {
  const collator = nameCollator(locale);
  return [...items].sort((a, b) => collator.compare(name(a), name(b)));
}

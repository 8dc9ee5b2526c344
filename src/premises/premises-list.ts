import { formatAddress } from '../accounts/accounts.queries';
import { nameCollator } from '../i18n/collation';
import type { Locale } from '../i18n/locales';

export const PAGE_SIZE = 20;

export type PremisesSort = 'number' | 'address';

export interface ListQuery {
  /** Text to find in the account number or the address (any case); empty: every account. */
  find: string;
  sort: PremisesSort;
  /** 1-based; out of range is brought into range. */
  page: number;
}

type Listed = { number: string; street: string; house: string; prefix: string; apartment: string };

/** The list query from a page's query string: anything unknown falls back to the default. */
export function listQueryOf(query: Record<string, unknown>): ListQuery {
  const str = (k: string) => (typeof query[k] === 'string' ? (query[k] as string) : '');
  const page = /^\d{1,4}$/.test(str('page')) ? Number(str('page')) : 1;
  return {
    find: str('find').trim().slice(0, 100),
    sort: str('sort') === 'address' ? 'address' : 'number',
    page: Math.max(1, page),
  };
}

/**
 * One page of a user's accounts: those whose number or address holds the text sought, in the order
 * asked (addresses in the page language's alphabet, house and flat numbers as numbers).
 */
export function listPage<T extends Listed>(
  all: readonly T[],
  q: ListQuery,
  locale: Locale,
  pageSize = PAGE_SIZE,
): { rows: T[]; total: number; page: number; pages: number; from: number } {
  const needle = q.find.toLocaleLowerCase('ru');
  const found = needle
    ? all.filter(
        (a) => a.number.includes(needle) || formatAddress(a).toLocaleLowerCase('ru').includes(needle),
      )
    : [...all];
  const collator = nameCollator(locale);
  found.sort((a, b) =>
    q.sort === 'address'
      ? collator.compare(formatAddress(a), formatAddress(b)) || a.number.localeCompare(b.number)
      : a.number.localeCompare(b.number),
  );
  const pages = Math.max(1, Math.ceil(found.length / pageSize));
  const page = Math.min(q.page, pages);
  const from = (page - 1) * pageSize;
  return { rows: found.slice(from, from + pageSize), total: found.length, page, pages, from: from + 1 };
}

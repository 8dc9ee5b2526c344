import { describe, expect, it } from 'vitest';
import { listPage, listQueryOf } from './premises-list';

const at = (number: string, street: string, house: string, apartment: string) => ({
  number,
  street,
  house,
  prefix: '',
  apartment,
});
const all = [
  at('05000301', 'Қабанбай батыр', '12', '3'),
  at('05000101', 'Абай даңғылы', '17', '10'),
  at('05000201', 'Абай даңғылы', '17', '9'),
  at('05000401', 'Ушанов', '35', '2'),
];

describe('the list of a user’s accounts', () => {
  it('reads the query: unknown order and bad pages fall back', () => {
    expect(listQueryOf({})).toEqual({ find: '', sort: 'number', page: 1 });
    expect(listQueryOf({ find: ' абай ', sort: 'address', page: '2' })).toEqual({
      find: 'абай',
      sort: 'address',
      page: 2,
    });
    expect(listQueryOf({ sort: 'x', page: '-1' })).toEqual({ find: '', sort: 'number', page: 1 });
    expect(listQueryOf({ page: ['1', '2'] })).toEqual({ find: '', sort: 'number', page: 1 });
  });

  it('orders by number, or by address in the page language’s alphabet with flats as numbers', () => {
    const q = { find: '', page: 1 };
    expect(listPage(all, { ...q, sort: 'number' }, 'ru').rows.map((r) => r.number)).toEqual([
      '05000101',
      '05000201',
      '05000301',
      '05000401',
    ]);
    // Kazakh: Қ after К, before Л (and so before У); flat 9 before flat 10.
    expect(listPage(all, { ...q, sort: 'address' }, 'kk').rows.map((r) => r.number)).toEqual([
      '05000201',
      '05000101',
      '05000301',
      '05000401',
    ]);
  });

  it('finds by part of the number or of the address in any case', () => {
    const find = (text: string) =>
      listPage(all, { find: text, sort: 'number', page: 1 }, 'ru').rows.map((r) => r.number);
    expect(find('АБАЙ')).toEqual(['05000101', '05000201']);
    expect(find('0401')).toEqual(['05000401']);
    expect(find('17-9')).toEqual(['05000201']);
    expect(find('нет такого')).toEqual([]);
  });

  it('pages, and brings a page past the end back to the last one', () => {
    const page = listPage(all, { find: '', sort: 'number', page: 9 }, 'en', 3);
    expect(page).toMatchObject({ page: 2, pages: 2, total: 4, from: 4 });
    expect(page.rows.map((r) => r.number)).toEqual(['05000401']);
    expect(listPage([], { find: '', sort: 'number', page: 1 }, 'en')).toMatchObject({ pages: 1, total: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { localeFromAcceptLanguage, messagesByKey } from './locales';

describe('the language of a first visit, from Accept-Language', () => {
  it.each([
    [undefined, 'kk'],
    ['', 'kk'],
    ['de-DE, fr;q=0.8', 'kk'],
    ['en;q=0.1, kk', 'kk'],
    ['kk-KZ, ru;q=0.9, en;q=0.8', 'kk'],
    ['ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7', 'ru'],
    ['en-US,en;q=0.9', 'en'],
    ['ru;q=0.5, en;q=0.7', 'en'],
    ['de, ru;q=0.3', 'ru'],
    ['en;q=0, ru;q=0.2', 'ru'],
    ['en;q=abc, kk;q=0.1', 'kk'],
    ['english, ru', 'ru'],
  ])('%s → %s', (header, locale) => {
    expect(localeFromAcceptLanguage(header)).toBe(locale);
  });
});

describe('dictionaries declared key by key', () => {
  const text = messagesByKey({
    title: { kk: 'Тақырып', ru: 'Заголовок', en: 'Title' },
    count: { kk: (n: number) => `${n} дана`, ru: (n: number) => `${n} шт.`, en: (n: number) => `${n} pcs` },
    errors: { empty: { kk: 'Бос', ru: 'Пусто', en: 'Empty' } },
  });

  it('gives each language its own dictionary with the same keys', () => {
    expect(text.kk.title).toBe('Тақырып');
    expect(text.ru.errors.empty).toBe('Пусто');
    expect(text.en.count(3)).toBe('3 pcs');
    expect(Object.keys(text.ru)).toEqual(Object.keys(text.kk));
    expect(Object.keys(text.en.errors)).toEqual(['empty']);
  });

  it('refuses, at the type check, a text missing a language or of another type in one', () => {
    // @ts-expect-error: no English
    messagesByKey({ title: { kk: 'Тақырып', ru: 'Заголовок' } });
    messagesByKey({
      // @ts-expect-error: the Russian takes a text, not a number
      count: { kk: (n: number) => `${n} дана`, ru: (s: string) => `${s} шт.`, en: (n: number) => `${n} pcs` },
    });
    messagesByKey({
      // @ts-expect-error: English is a number, not a text
      title: { kk: 'Тақырып', ru: 'Заголовок', en: 3 },
    });
  });
});

import { describe, expect, it } from 'vitest';
import { localeFromAcceptLanguage } from './locales';

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

import { describe, expect, it } from 'vitest';
import { DEMO_STREETS } from '../demo/demo-catalogue';
import { nameCollator, sortByName } from './collation';

const sorted = (locale: 'kk' | 'ru' | 'en') => sortByName(DEMO_STREETS, locale, (s) => s);

describe('names in the alphabetical order of the page language', () => {
  it('has the Kazakh rules in this Node (ICU with kk)', () => {
    expect(nameCollator('kk').resolvedOptions().locale).toBe('kk');
    expect(nameCollator('kk').compare('Қ', 'Л')).toBeLessThan(0);
    expect(nameCollator('kk').compare('Қ', 'К')).toBeGreaterThan(0);
  });

  it("puts the demo city's Қазақстан between К… and Л… streets in kk, not at the end", () => {
    const kk = sorted('kk');
    expect(kk).toEqual([
      'Абай даңғылы',
      'Әуезов даңғылы',
      'Бажов',
      'Бурова',
      'Виноградов',
      'Головков',
      'Горький',
      'Ертіс жағалауы',
      'Красина',
      'Крылов',
      'Қабанбай батыр',
      'Қазақстан',
      'Қайсенов',
      'Михаэлис',
      'Мызы',
      'Пограничная',
      'Потанин',
      'Протозанов',
      'Сәтбаев', // Ә is the second letter: Сә… before Се…
      'Серікбаев',
      'Тәуелсіздік даңғылы',
      'Тохтаров',
      'Ушанов',
      'Шәкәрім даңғылы',
    ]);
    const at = kk.indexOf('Қазақстан');
    expect(kk[at - 1]?.[0]).toMatch(/[КҚ]/);
    expect(kk[at + 1]?.[0]).not.toBe('Л'); // no Л street in the demo: the next is a Қ or М one
  });

  it('sorts the Kazakh letters in the Kazakh alphabet: Ә after А, Ғ after Г, Ң after Н, Ө after О, Ұ Ү after У, Һ after Х, І after Ы', () => {
    const words = [
      'Ілияс',
      'Ыбырай',
      'Һадис',
      'Хан',
      'Үшкүн',
      'Ұлан',
      'Ушанов',
      'Өскемен',
      'Орал',
      'Ңа',
      'Нура',
      'Ғабит',
      'Гоголь',
      'Әуезов',
      'Абай',
      'Эдем',
      'Ясная',
      'Қазақстан',
      'Лесная',
      'Кирова',
    ];
    expect(sortByName(words, 'kk', (w) => w)).toEqual([
      'Абай',
      'Әуезов',
      'Гоголь',
      'Ғабит',
      'Кирова',
      'Қазақстан',
      'Лесная',
      'Нура',
      'Ңа',
      'Орал',
      'Өскемен',
      'Ушанов',
      'Ұлан',
      'Үшкүн',
      'Хан',
      'Һадис',
      'Ыбырай',
      'Ілияс',
      'Эдем',
      'Ясная',
    ]);
  });

  it('sorts the same names in the Russian order on Russian and English pages: Қ after К, Ә after А', () => {
    const ru = sorted('ru');
    expect(sorted('en')).toEqual(ru);
    expect(ru.slice(0, 2)).toEqual(['Абай даңғылы', 'Әуезов даңғылы']);
    const k = ru.filter((s) => /^[КҚ]/.test(s));
    expect(k).toEqual(['Красина', 'Крылов', 'Қабанбай батыр', 'Қазақстан', 'Қайсенов']);
    // І: beside И in the Russian order, after Ы in the Kazakh one.
    const words = ['Ілияс', 'Ыбырай', 'Иванов', 'Йошкар'];
    expect(sortByName(words, 'ru', (w) => w)).toEqual(['Иванов', 'Ілияс', 'Йошкар', 'Ыбырай']);
    expect(sortByName(words, 'kk', (w) => w)).toEqual(['Иванов', 'Йошкар', 'Ыбырай', 'Ілияс']);
    expect(ru.indexOf('Қазақстан')).toBeLessThan(ru.indexOf('Михаэлис'));
  });
});

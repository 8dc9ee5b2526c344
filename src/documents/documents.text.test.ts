import { describe, expect, it } from 'vitest';
import { documentsText } from './documents.text';

describe('the penalty basis line', () => {
  it('names one day by its date and in the singular, more days as a range', () => {
    const line = (locale: 'kk' | 'ru' | 'en', days: number, to: string) =>
      documentsText[locale].penaltyBasis(days, '26.06.2026', to, '1 066', '16.5', '0.5');
    expect(line('en', 1, '26.06.2026')).toBe('1 day (26.06.2026), overdue debt 1 066: 16.5% × K 0.5 / 365');
    expect(line('en', 3, '28.06.2026')).toBe(
      '3 days (26.06.2026–28.06.2026), overdue debt 1 066: 16.5% × K 0.5 / 365',
    );
    expect(line('ru', 1, '26.06.2026')).toBe(
      '1 дн. (26.06.2026), просроченный долг 1 066: 16.5% × K 0.5 / 365',
    );
    expect(line('kk', 2, '27.06.2026')).toBe(
      '2 күн (26.06.2026–27.06.2026), мерзімі өткен қарыз 1 066: 16.5% × K 0.5 / 365',
    );
  });
});

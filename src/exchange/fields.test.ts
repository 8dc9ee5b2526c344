import { describe, expect, it } from 'vitest';
import { date, litres, percentBp, period, tiyn } from './fields';

const value = <T>(p: { ok: true; value: T } | { ok: false }) => (p.ok ? p.value : 'error');

describe('exchange field parsers', () => {
  it('money is exact tiyn', () => {
    expect(value(tiyn('1749.50'))).toBe(174950);
    expect(value(tiyn('-17.71'))).toBe(-1771);
    expect(value(tiyn('7212'))).toBe(721200);
    expect(value(tiyn('0.1'))).toBe(10);
    expect(value(tiyn('12.345'))).toBe('error');
    expect(value(tiyn('1e3'))).toBe('error');
  });
  it('volumes are exact litres', () => {
    expect(value(litres('117.5'))).toBe(117500);
    expect(value(litres('00117.500'))).toBe(117500);
    expect(value(litres('3,222'))).toBe(3222);
    expect(value(litres('1.2345'))).toBe('error');
    expect(value(litres('-1'))).toBe('error');
  });
  it('dates and months', () => {
    expect(value(date('2026-02-28'))).toBe('2026-02-28');
    expect(value(date('25.05.2020'))).toBe('2020-05-25');
    expect(value(date('2026-02-30'))).toBe('error');
    expect(value(period('2026-10'))).toBe('2026-10-01');
    expect(value(period('10.2026'))).toBe('2026-10-01');
    expect(value(period('2026-13'))).toBe('error');
  });
  it('percentages to basis points', () => {
    expect(value(percentBp('16'))).toBe(1600);
    expect(value(percentBp('16.5'))).toBe(1650);
    expect(value(percentBp('x'))).toBe('error');
  });
});

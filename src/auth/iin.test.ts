import { describe, expect, it } from 'vitest';
import { iinCheckDigit, isValidIinBin } from './iin';

describe('IIN/BIN check digit', () => {
  it('accepts numbers whose 12th digit matches', () => {
    // 1*0+2*2+3*0+4*5+5*4+6*0+7*0+8*0+9*1+10*2+11*3 = 106; 106 mod 11 = 7
    expect(iinCheckDigit('02054000123')).toBe(7);
    expect(isValidIinBin('020540001237')).toBe(true);
    expect(isValidIinBin('020540001238')).toBe(false);
  });
  it('uses the second weights when the first pass gives 10', () => {
    // first pass: 1*0+...: find a prefix with first pass 10
    const prefix = '00000000010'; // 10*1 = 10 -> second pass: weights 3..11,1,2 -> 1*1 = 1
    expect(iinCheckDigit(prefix)).toBe(1);
    expect(isValidIinBin(`${prefix}1`)).toBe(true);
  });
  it('rejects when both passes give 10', () => {
    // first pass 10 and second pass 10: digit 5 at position 2 (weight 2 -> 10; second weight 4 -> 20 mod 11 = 9) ...
    let found: string | undefined;
    for (let n = 0; n < 100_000 && !found; n++) {
      const p = String(n).padStart(11, '0');
      if (iinCheckDigit(p) === null) found = p;
    }
    expect(found).toBeDefined();
    for (let d = 0; d <= 9; d++) expect(isValidIinBin(`${found}${d}`)).toBe(false);
  });
  it('rejects wrong shapes', () => {
    for (const v of ['', '12345678901', '1234567890123', '12345678901a', ' 020540001237']) {
      expect(isValidIinBin(v)).toBe(false);
    }
  });
});

import { createRequire } from 'node:module';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { paymentSettings } from '../config';
import { paymentQrPayload } from './document-model';
import { maskPenalty, qrMatrix } from './qr-code';

/** The library's own code of a payload: one byte-mode segment, level M, the mask it searches for or `mask`. */
function libraryCode(payload: string, mask?: number) {
  return QRCode.create([{ data: new TextEncoder().encode(payload), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
    ...(mask === undefined ? {} : { maskPattern: mask as QRCode.QRCodeMaskPattern }),
  });
}

/** The library's own penalty rules (the ones its mask search adds up). */
type Scored = { size: number; data: Uint8Array; get(row: number, col: number): number };
const rules = createRequire(import.meta.url)('qrcode/lib/core/mask-pattern.js') as Record<
  'getPenaltyN1' | 'getPenaltyN2' | 'getPenaltyN3' | 'getPenaltyN4',
  (m: Scored) => number
>;
const libraryPenalty = (m: Scored) =>
  rules.getPenaltyN1(m) + rules.getPenaltyN2(m) + rules.getPenaltyN3(m) + rules.getPenaltyN4(m);

/** Payloads of many lengths (versions 1 to about 20), Latin, Cyrillic and Kazakh letters. */
function payloads(): string[] {
  const out: string[] = [];
  const words = ['Водоканал', 'су арнасы', 'KZ86125', 'БИН 990140000123', 'қ ә ң ө ұ ү һ і', '12 345,67 ₸'];
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let length = 1; length <= 700; length += 3 + next(9)) {
    let text = '';
    while (text.length < length) text += `${words[next(words.length)]}${next(3) === 0 ? '\n' : ' '}`;
    out.push(text.slice(0, length));
  }
  return out;
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('qrMatrix', () => {
  it('makes the modules the qrcode library makes, the mask it would choose included', () => {
    const masks = new Set<number>();
    const versions = new Set<number>();
    for (const payload of payloads()) {
      const expected = libraryCode(payload);
      masks.add(expected.maskPattern ?? -1);
      versions.add(expected.version);
      const actual = qrMatrix(payload);
      expect(actual.size).toBe(expected.modules.size);
      expect(same(actual.dark, expected.modules.data)).toBe(true);
    }
    // Not one lucky case: the library chose several masks among these, and many sizes.
    expect(masks.size).toBeGreaterThanOrEqual(4);
    expect(versions.size).toBeGreaterThan(15);
  });

  it('applies each of the eight masks with its format bits as the library does, and scores it as the library', () => {
    for (const payload of payloads().filter((_, i) => i % 8 === 0)) {
      for (let mask = 0; mask < 8; mask++) {
        const expected = libraryCode(payload, mask).modules;
        const actual = qrMatrix(payload, mask);
        expect(same(actual.dark, expected.data)).toBe(true);
        expect(maskPenalty(actual.dark, actual.size)).toBe(libraryPenalty(expected));
      }
    }
  });

  it('makes the invoice payment details code the library makes (a version 15-16 code)', () => {
    const payee = paymentSettings({});
    const payload = paymentQrPayload([
      ['Получатель', payee.PAYEE_NAME],
      ['БИН', payee.PAYEE_BIN],
      ['ИИК', payee.PAYEE_IBAN],
      ['Назначение', 'Оплата за воду, лицевой счёт 01003317, октябрь 2026'],
      ['Сумма', '12 345,67 ₸'],
    ]);
    const expected = libraryCode(payload);
    const actual = qrMatrix(payload);
    expect(expected.version).toBeGreaterThanOrEqual(10);
    expect(same(actual.dark, expected.modules.data)).toBe(true);
  });
});

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { type SubsetSourceFont, SubsetWriter } from './font-subset';

const require = createRequire(import.meta.url);

interface TestFont extends SubsetSourceFont {
  glyphsForString(text: string): { id: number }[];
}

const open = (file: string) =>
  fontkit.create(readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`))) as TestFont;

const TEXTS = [
  // Kazakh letters, й and ё (composite glyphs: their parts join the subset), digits, signs.
  'Қалалық су арнасы: Шәкәрім даңғылы, 180 — ғ ң ө ұ ү һ і',
  'Счёт-извещение за май 2020 г. Сальдо на 01.06.2020 -460.22 ₸ м³ 7212 / 6712*',
  'Payment invoice for May 2020 · Тоқтаров, 3-45',
];

describe('SubsetWriter', () => {
  for (const file of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']) {
    it(`writes the same subset bytes as fontkit for ${file}`, () => {
      const font = open(file);
      const writer = SubsetWriter.for(font);
      expect(writer).not.toBeNull();
      // Several documents in a row from one writer, each with its own glyphs in its own order.
      for (const text of [...TEXTS, TEXTS.join(' '), '']) {
        const ours = writer?.subset();
        const theirs = font.createSubset();
        for (const glyph of font.glyphsForString(text)) {
          expect(ours?.includeGlyph(glyph.id)).toBe(theirs.includeGlyph(glyph.id));
        }
        expect(Buffer.from(ours?.encode() ?? [])).toEqual(Buffer.from(theirs.encode()));
      }
    });
  }
});

/**
 * TrueType subsets for embedding in PDFs, with everything that does not depend on the document
 * prepared once per font.
 *
 * pdfkit embeds, for every document, the subset of the font's glyphs the document uses, written by
 * fontkit's subsetter. That subsetter re-encodes the whole font program (hinting tables `cvt `,
 * `prep`, `fpgm`, and `head`) number by number for every document, and re-reads every glyph. Here
 * those tables are taken once from one subset fontkit itself writes, each glyph's bytes, parts and
 * metrics are read once, and a document's subset only lays out its glyphs: the same bytes fontkit
 * would write (font-subset.test.ts compares them).
 */

/** The part of a parsed fontkit TrueType font the subset reads. */
export interface SubsetSourceFont {
  createSubset(): { includeGlyph(id: number): number; encode(): Uint8Array };
  getGlyph(id: number): {
    advanceWidth: number;
    _getMetrics(): { leftBearing: number };
    _decode(): { numberOfContours: number; components?: { glyphID: number; pos: number }[] } | null;
  } | null;
  loca: { version: number; offsets: number[] };
  directory: { tables: Record<string, { offset: number; length: number } | undefined> };
  stream: { buffer: Uint8Array };
  _variationProcessor?: unknown;
}

interface GlyphData {
  bytes: Uint8Array;
  /** For a composite glyph: its parts' glyph ids and where each id sits in `bytes`. */
  parts: { glyphID: number; pos: number }[] | null;
  advance: number;
  bearing: number;
}

/** The tables of a subset as fontkit lays them out: tag and, for fixed ones, their bytes. */
interface TableSlot {
  tag: string;
  bytes: Uint8Array;
}

const DIRECTORY_ENTRY = 16;
const DIRECTORY_HEADER = 12;

export class SubsetWriter {
  private readonly glyphs = new Map<number, GlyphData>();
  private readonly slots: TableSlot[] = [];
  private readonly glyfStart: number;
  private readonly longOffsets: boolean;
  private readonly header: Uint8Array;

  /** `null` when the font is not one this writer handles (CFF outlines, variations). */
  static for(font: SubsetSourceFont): SubsetWriter | null {
    if (!font.directory.tables.glyf || font._variationProcessor) return null;
    return new SubsetWriter(font);
  }

  private constructor(private readonly font: SubsetSourceFont) {
    this.glyfStart = font.directory.tables.glyf?.offset ?? 0;
    this.longOffsets = font.loca.version === 1;
    // One subset written by fontkit (the empty glyph only) gives the table order and the bytes of
    // every table that is the same in all subsets.
    const reference = font.createSubset().encode();
    const view = new DataView(reference.buffer, reference.byteOffset, reference.byteLength);
    const count = view.getUint16(4);
    this.header = copy(reference.subarray(0, DIRECTORY_HEADER));
    for (let i = 0; i < count; i++) {
      const at = DIRECTORY_HEADER + i * DIRECTORY_ENTRY;
      const tag = String.fromCharCode(...reference.subarray(at, at + 4));
      const offset = view.getUint32(at + 8);
      const length = view.getUint32(at + 12);
      this.slots.push({ tag, bytes: copy(reference.subarray(offset, offset + length)) });
    }
  }

  private glyph(id: number): GlyphData {
    let data = this.glyphs.get(id);
    if (!data) {
      const glyph = this.font.getGlyph(id);
      const start = this.font.loca.offsets[id] ?? 0;
      const end = this.font.loca.offsets[id + 1] ?? start;
      const decoded = glyph?._decode() ?? null;
      data = {
        bytes: copy(this.font.stream.buffer.subarray(this.glyfStart + start, this.glyfStart + end)),
        parts:
          decoded && decoded.numberOfContours < 0
            ? (decoded.components ?? []).map((c) => ({ glyphID: c.glyphID, pos: c.pos }))
            : null,
        advance: glyph?.advanceWidth ?? 0,
        bearing: glyph?._getMetrics().leftBearing ?? 0,
      };
      this.glyphs.set(id, data);
    }
    return data;
  }

  /** A subset for one document, used by pdfkit as it uses fontkit's. */
  subset(): { includeGlyph(id: number): number; encode(): Uint8Array } {
    const ids: number[] = [];
    const mapping = new Map<number, number>();
    const includeGlyph = (id: number) => {
      let mapped = mapping.get(id);
      if (mapped === undefined) {
        mapped = ids.length;
        ids.push(id);
        mapping.set(id, mapped);
      }
      return mapped;
    };
    includeGlyph(0);
    return { includeGlyph, encode: () => this.encode(ids, includeGlyph) };
  }

  private encode(ids: number[], includeGlyph: (id: number) => number): Uint8Array {
    const glyf: Uint8Array[] = [];
    const offsets: number[] = [];
    const metrics: GlyphData[] = [];
    let offset = 0;
    // A composite glyph adds its parts to the end of `ids` while this loop runs.
    for (let i = 0; i < ids.length; i++) {
      const data = this.glyph(ids[i] ?? 0);
      let bytes = data.bytes;
      if (data.parts) {
        bytes = copy(bytes);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        for (const part of data.parts) view.setUint16(part.pos, includeGlyph(part.glyphID));
      }
      glyf.push(bytes);
      offsets.push(offset);
      metrics.push(data);
      offset += bytes.length;
    }
    offsets.push(offset);

    const tables = this.slots.map(({ tag, bytes }) => {
      switch (tag) {
        case 'glyf':
          return concat(glyf, offset);
        case 'loca': {
          const out = new Uint8Array(offsets.length * (this.longOffsets ? 4 : 2));
          const view = new DataView(out.buffer);
          offsets.forEach((o, i) => {
            if (this.longOffsets) view.setUint32(i * 4, o);
            else view.setUint16(i * 2, o >>> 1);
          });
          return out;
        }
        case 'hmtx': {
          const out = new Uint8Array(metrics.length * 4);
          const view = new DataView(out.buffer);
          metrics.forEach((m, i) => {
            view.setUint16(i * 4, m.advance);
            view.setInt16(i * 4 + 2, m.bearing);
          });
          return out;
        }
        case 'hhea': {
          // numberOfMetrics, the table's last field: every glyph has its own metrics entry.
          const out = copy(bytes);
          new DataView(out.buffer).setUint16(34, metrics.length);
          return out;
        }
        case 'maxp': {
          const out = copy(bytes);
          new DataView(out.buffer).setUint16(4, ids.length);
          return out;
        }
        default:
          return bytes;
      }
    });

    const dataStart = DIRECTORY_HEADER + tables.length * DIRECTORY_ENTRY;
    const total = tables.reduce((sum, t) => sum + t.length, dataStart);
    const out = new Uint8Array(total);
    const view = new DataView(out.buffer);
    out.set(this.header, 0);
    let at = dataStart;
    tables.forEach((bytes, i) => {
      const entry = DIRECTORY_HEADER + i * DIRECTORY_ENTRY;
      const tag = this.slots[i]?.tag ?? '';
      for (let k = 0; k < 4; k++) out[entry + k] = tag.charCodeAt(k);
      // fontkit writes no checksums (zero), which PDF readers do not check either.
      view.setUint32(entry + 8, at);
      view.setUint32(entry + 12, bytes.length);
      out.set(bytes, at);
      at += bytes.length;
    });
    return out;
  }
}

/**
 * A copy with a buffer of its own. (Buffer's slice() shares the memory, and the font file's buffer
 * must never be written to.)
 */
function copy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

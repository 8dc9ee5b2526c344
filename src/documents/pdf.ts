import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import { common } from '../i18n/common';
import { formatDateTime, type Locale } from '../i18n/locales';
import type { DocTable, InvoiceDocument, StatementDocument } from './document-model';
import { documentsText } from './documents.text';
import { type SubsetSourceFont, SubsetWriter } from './font-subset';
import { qrMatrix } from './qr-code';

/**
 * PDFs of the invoice and the statement, drawn with pdfkit on A4 in DejaVu Sans (it covers the
 * Kazakh letters ә ғ қ ң ө ұ ү һ і). The fonts are read and parsed once per process; each document
 * only embeds the subset of glyphs it uses.
 */
const require = createRequire(import.meta.url);
const fontFile = (name: string) => readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${name}`));

/** The part of a parsed fontkit font this module touches. */
interface ParsedFont {
  getGlyph(id: number, codePoints?: number[]): { codePoints: number[] } | null;
  _glyphs: Record<number, { codePoints: number[] } | undefined>;
}

/**
 * fontkit caches one glyph object per glyph id, carrying the characters it was first asked for.
 * Subsetting asks for the parts of a composite glyph (the и inside й) with no characters, and a
 * later document's text layer would map such a glyph to nothing once the cache holds it. So the
 * font's getGlyph is wrapped: a request that names characters for a glyph cached without any makes
 * the glyph anew with them, as if subsetting had not come first. Each glyph is remade at most once
 * per process, and the cache (parsed outlines, metrics) is kept across documents.
 */
function keepCharacters(font: ParsedFont): ParsedFont {
  const getGlyph = font.getGlyph.bind(font);
  font.getGlyph = (id, codePoints = []) => {
    if (codePoints.length > 0 && font._glyphs[id]?.codePoints.length === 0) delete font._glyphs[id];
    return getGlyph(id, codePoints);
  };
  return font;
}

/** The font, parsed once; documents embed subsets written by a SubsetWriter made once for it. */
function loadFont(file: string): ParsedFont {
  const font = fontkit.create(fontFile(file)) as ParsedFont & SubsetSourceFont;
  const writer = SubsetWriter.for(font);
  if (writer) font.createSubset = () => writer.subset();
  return keepCharacters(font);
}

let fonts: { regular: ParsedFont; bold: ParsedFont } | null = null;
function loadFonts() {
  fonts ??= { regular: loadFont('DejaVuSans.ttf'), bold: loadFont('DejaVuSans-Bold.ttf') };
  return fonts;
}

/** Reads and parses the fonts now rather than with the first document. */
export function preparePdfFonts(): void {
  loadFonts();
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 36;
const CONTENT = A4.width - 2 * MARGIN;
const BOTTOM = A4.height - MARGIN - 16;
const INK = '#1a1a1a';
const MUTED = '#555555';
const RULE = '#9aa5b1';
const SHADE = '#eef2f6';

export interface PdfOptions {
  locale: Locale;
  /** Rendering time shown in the footer; fixed in tests and benchmarks. */
  now?: Date;
}

/** What pdfkit keeps per font and document: the shaped pieces of text, by text. */
interface DocumentFont {
  layoutCache?: Record<string, unknown>;
}

/**
 * Shaping (OpenType substitution and kerning) is most of the work of writing text, and pdfkit
 * keeps its results only for one document. Most pieces it shapes (words with their trailing space)
 * recur in every document: labels, headings, month names, common figures. Each document's cache
 * therefore reads through to one shared per font, which takes what a finished document shaped; it
 * starts afresh once it holds `limit` pieces, so names and figures seen once cannot grow it without
 * bound. A shaped piece depends on the font and the text only, never on the document.
 */
class SharedShapes {
  private shared: Record<string, unknown> = Object.create(null);
  private size = 0;
  constructor(private readonly limit: number) {}

  /** A cache for one document: misses are written to it, lookups fall through to the shared one. */
  forDocument(): Record<string, unknown> {
    return Object.create(this.shared);
  }

  keep(own: Record<string, unknown>) {
    const keys = Object.keys(own);
    if (this.size + keys.length > this.limit) {
      this.shared = Object.create(null);
      this.size = 0;
    }
    for (const key of keys) this.shared[key] = own[key];
    this.size += keys.length;
  }
}

const shapes = { R: new SharedShapes(5000), B: new SharedShapes(5000) };

function newDocument(title: string) {
  const f = loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    // No built-in Helvetica: the document uses only the two fonts below.
    font: null as unknown as string,
    info: { Title: title, Author: 'Vodokanal', Producer: 'Vodokanal cabinet' },
  });
  // The parsed font objects are passed as they are, so no document parses a font file again;
  // the second argument names them 'B' and 'R' for later font('R') calls.
  doc.font(f.bold as unknown as string, 'B');
  useSharedShapes(doc, 'B');
  doc.font(f.regular as unknown as string, 'R');
  useSharedShapes(doc, 'R');
  return doc;
}

/** The document's current font (pdfkit's own object for it) shapes through the shared cache. */
function useSharedShapes(doc: PDFKit.PDFDocument, name: keyof typeof shapes) {
  const font = (doc as unknown as { _font: DocumentFont })._font;
  font.layoutCache = shapes[name].forDocument();
}

function finish(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const families = (doc as unknown as { _fontFamilies: Record<string, DocumentFont | undefined> })
    ._fontFamilies;
  for (const name of ['R', 'B'] as const) {
    const own = families[name]?.layoutCache;
    if (own) shapes[name].keep(own);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

function header(doc: PDFKit.PDFDocument, locale: Locale, reserveRight = 0) {
  const c = common[locale];
  const width = CONTENT - reserveRight;
  doc.fillColor(INK).font('B').fontSize(13);
  boxText(doc, c.utilityName, MARGIN, MARGIN, width);
  doc.font('R').fontSize(8.5).fillColor(MUTED);
  boxText(doc, c.footer.department, doc.x, doc.y, width);
  boxText(doc, `${c.footer.phone} · ${c.footer.hours}`, doc.x, doc.y, width);
  doc.fillColor(INK);
}

function rule(doc: PDFKit.PDFDocument, y: number) {
  doc
    .moveTo(MARGIN, y)
    .lineTo(MARGIN + CONTENT, y)
    .lineWidth(0.6)
    .strokeColor(RULE)
    .stroke();
}

function heading(doc: PDFKit.PDFDocument, text: string, size = 10.5) {
  ensureSpace(doc, 40);
  doc.moveDown(0.6).font('B').fontSize(size).fillColor(INK);
  boxText(doc, text, MARGIN, doc.y, CONTENT);
  doc.moveDown(0.25);
}

function ensureSpace(doc: PDFKit.PDFDocument, needed: number) {
  if (doc.y + needed > BOTTOM) {
    doc.addPage();
    doc.y = MARGIN;
  }
}

/**
 * The width of `text` in the current font when it clearly fits on one line `width` wide; otherwise
 * null. pdfkit's line wrapper measures text word by word, without the kerning across a break
 * opportunity inside a word (after a hyphen); a line height to spare covers that many times over.
 */
function oneLineWidth(doc: PDFKit.PDFDocument, text: string, width: number): number | null {
  if (text === '' || text.includes('\n')) return null;
  const w = doc.widthOfString(text);
  return w <= width - doc.currentLineHeight(true) ? w : null;
}

/**
 * Writes `text` in a box `width` wide at (x, y), as pdfkit's text() with that width and alignment
 * would, and leaves doc.x and doc.y where it would. Text that fits on one line is written as one
 * run without pdfkit's line wrapper, which otherwise splits it into words and measures each;
 * anything else is wrapped by pdfkit as before.
 */
function boxText(
  doc: PDFKit.PDFDocument,
  text: string,
  x: number,
  y: number,
  width: number,
  align: 'left' | 'right' = 'left',
) {
  const textWidth = oneLineWidth(doc, text, width);
  if (textWidth === null) {
    doc.text(text, x, y, { width, align });
    return;
  }
  // As pdfkit places a right-aligned line: its width without trailing spaces, from the right edge
  // of a line width * 100% (horizontal scaling) wide.
  const trimmed = text.replace(/\s+$/, '');
  const dx =
    align === 'right' ? (width * 100) / 100 - (trimmed === text ? textWidth : doc.widthOfString(trimmed)) : 0;
  // textWidth: pdfkit would otherwise measure the run once more (the line wrapper passes it too).
  doc.text(text, x + dx, y, { lineBreak: false, textWidth } as PDFKit.Mixins.TextOptions);
  doc.x = x;
  doc.y = y + doc.currentLineHeight(true);
}

/** The height pdfkit's heightOfString() gives `text` in a box `width` wide, without wrapping it when it fits. */
function boxHeight(doc: PDFKit.PDFDocument, text: string, width: number): number {
  if (oneLineWidth(doc, text, width) === null) return doc.heightOfString(text, { width });
  // As heightOfString measures it: the distance doc.y moves for one line.
  return doc.y + doc.currentLineHeight(true) - doc.y;
}

function facts(doc: PDFKit.PDFDocument, rows: [string, string][], width = CONTENT) {
  doc.fontSize(9);
  const labelWidth = 150;
  for (const [label, value] of rows) {
    const y = doc.y;
    doc.font('R').fillColor(MUTED);
    boxText(doc, label, MARGIN, y, labelWidth);
    doc.font('B').fillColor(INK);
    boxText(doc, value, MARGIN + labelWidth, y, width - labelWidth);
    doc.y = Math.max(doc.y, y + 12);
  }
}

/** Small muted lines under the facts ("data as of", the period's closing). */
function notes(doc: PDFKit.PDFDocument, lines: string[]) {
  if (lines.length === 0) return;
  doc.moveDown(0.2).font('R').fontSize(8).fillColor(MUTED);
  for (const line of lines) boxText(doc, line, MARGIN, doc.y, CONTENT);
  doc.fillColor(INK);
}

/** A table with a shaded, wrapping header row; widths are shares of the content width. */
function table(doc: PDFKit.PDFDocument, t: DocTable, shares: number[], fontSize = 8) {
  const total = shares.reduce((a, b) => a + b, 0);
  const widths = shares.map((s) => (s / total) * CONTENT);
  const xs = widths.map((_, i) => MARGIN + widths.slice(0, i).reduce((a, b) => a + b, 0));
  const pad = 3;
  const drawHeader = () => {
    doc.font('B').fontSize(fontSize - 0.5);
    const h =
      Math.max(...t.columns.map((c, i) => boxHeight(doc, c.label, (widths[i] ?? 0) - 2 * pad))) + 2 * pad;
    ensureSpace(doc, h + 16);
    const y = doc.y;
    doc.rect(MARGIN, y, CONTENT, h).fill(SHADE);
    doc.fillColor(INK);
    t.columns.forEach((c, i) => {
      boxText(
        doc,
        c.label,
        (xs[i] ?? 0) + pad,
        y + pad,
        (widths[i] ?? 0) - 2 * pad,
        c.num ? 'right' : 'left',
      );
    });
    doc.y = y + h;
  };
  drawHeader();
  const lineRowHeight = fontSize + 2 * pad + 2;
  for (const row of t.rows) {
    doc
      .font(row.kind ? 'B' : 'R')
      .fontSize(fontSize)
      .fillColor(INK);
    // A label row (first cell only, other cells empty) may run across the empty columns.
    const spanEnd = row.cells.findIndex((c, i) => i > 0 && c !== '');
    const cellWidth = (i: number) =>
      i === 0 && spanEnd > 1 ? (xs[spanEnd] ?? 0) - MARGIN : (widths[i] ?? 0);
    // A cell too long for one line wraps, and its row grows to hold it.
    const rowHeight = Math.max(
      lineRowHeight,
      ...row.cells.map((c, i) => {
        const w = cellWidth(i) - 2 * pad;
        return c === '' || oneLineWidth(doc, c, w) !== null
          ? 0
          : doc.heightOfString(c, { width: w }) + 2 * pad;
      }),
    );
    if (doc.y + rowHeight > BOTTOM) {
      doc.addPage();
      doc.y = MARGIN;
      drawHeader();
      doc
        .font(row.kind ? 'B' : 'R')
        .fontSize(fontSize)
        .fillColor(INK);
    }
    const y = doc.y;
    row.cells.forEach((cell, i) => {
      if (cell === '') return;
      boxText(
        doc,
        cell,
        (xs[i] ?? 0) + pad,
        y + pad,
        cellWidth(i) - 2 * pad,
        t.columns[i]?.num ? 'right' : 'left',
      );
    });
    doc.y = y + rowHeight;
    doc
      .moveTo(MARGIN, doc.y)
      .lineTo(MARGIN + CONTENT, doc.y)
      .lineWidth(row.kind === 'total' ? 0.9 : 0.3)
      .strokeColor(RULE)
      .stroke();
  }
  doc.x = MARGIN;
}

function footer(doc: PDFKit.PDFDocument, locale: Locale, now: Date) {
  const t = documentsText[locale];
  doc
    .font('R')
    .fontSize(7.5)
    .fillColor(MUTED)
    // No width: a wrapped line this low would not fit above the bottom margin and pdfkit would
    // move it onto a page of its own.
    .text(`${t.generated}: ${formatDateTime(now)}`, MARGIN, A4.height - MARGIN - 8, { lineBreak: false });
}

/**
 * Draws the QR code as a one-bit image mask, one sample per module, painted in black and scaled
 * to `size`: viewers and printers draw an image mask without smoothing, so its edges are as sharp
 * as squares would be, and the page content holds one image instead of a thousand rectangles
 * (which each document compressed again: most of the page's deflate time).
 */
function qr(doc: PDFKit.PDFDocument, payload: string, x: number, y: number, size: number) {
  // One byte-mode segment: the payload is mostly Cyrillic, which only byte mode carries, so the
  // library's search for the shortest mix of modes (a shortest-path search over every character)
  // takes more time than the rest of the code and finds the same version. Its mask is chosen
  // as the library would, over plain arrays (qr-code.ts).
  const code = qrMatrix(payload);
  const n = code.size;
  const rowBytes = Math.ceil(n / 8);
  const bits = new Uint8Array(rowBytes * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (code.dark[r * n + c]) bits[r * rowBytes + (c >> 3)]! |= 0x80 >> (c & 7);
    }
  }
  // Decode [1 0]: a sample of 1 (a dark module) is painted, 0 is left alone.
  const image = doc.ref({
    Type: 'XObject',
    Subtype: 'Image',
    Width: n,
    Height: n,
    ImageMask: true,
    BitsPerComponent: 1,
    Decode: [1, 0],
  });
  image.end(bits as unknown as Buffer);
  const page = doc.page as unknown as { xobjects: Record<string, unknown> };
  page.xobjects.QR = image;
  // The image's unit square, its first row at the top, onto the box (pdfkit's y runs downwards).
  doc
    .fillColor('#000000')
    .save()
    .transform(size, 0, 0, -size, x, y + size);
  doc.addContent('/QR Do').restore();
}

/** The utility's payment details under the amount to pay, with the note on the QR code. */
function payment(doc: PDFKit.PDFDocument, p: InvoiceDocument['payment']) {
  ensureSpace(doc, 150);
  heading(doc, p.heading, 9.5);
  facts(doc, p.rows);
  doc.moveDown(0.2).font('R').fontSize(7.5).fillColor(MUTED);
  boxText(doc, p.note, MARGIN, doc.y, CONTENT);
  doc.fillColor(INK);
}

export function renderInvoicePdf(d: InvoiceDocument, options: PdfOptions): Promise<Buffer> {
  const t = documentsText[options.locale];
  const doc = newDocument(d.title);
  // The details in Cyrillic take a version 15–16 code: 110 pt keeps a module near 0.5 mm in print.
  const qrSize = 110;
  header(doc, options.locale, qrSize + 12);
  qr(doc, d.qrPayload, MARGIN + CONTENT - qrSize, MARGIN - 4, qrSize);
  doc
    .font('R')
    .fontSize(6.5)
    .fillColor(MUTED)
    .text(t.qrCaption, MARGIN + CONTENT - qrSize - 10, MARGIN + qrSize - 2, {
      width: qrSize + 10,
      align: 'center',
    });
  doc.y = Math.max(doc.y, MARGIN + qrSize + 8);
  rule(doc, doc.y);
  doc.y += 6;

  heading(doc, d.tariffs.heading ?? '', 9.5);
  table(doc, d.tariffs, [3, 1, 4]);
  heading(doc, d.title, 12);
  facts(doc, d.facts);
  notes(doc, d.dates);
  if (d.volumes.rows.length > 0) {
    heading(doc, d.volumes.heading ?? '');
    table(doc, d.volumes, [1.3, 0.9, 1.3, 1.2, 1.4, 1.2, 1.4, 1.1], 7.5);
  }
  heading(doc, d.bill.heading ?? '');
  table(doc, d.bill, [3.6, 1.1, 1.1, 0.8, 1.1, 1.5]);
  if (d.normNotes.length > 0) {
    doc.moveDown(0.3).font('R').fontSize(8).fillColor(INK);
    for (const note of d.normNotes) {
      ensureSpace(doc, 24);
      boxText(doc, note, MARGIN, doc.y, CONTENT);
    }
  }
  doc.moveDown(0.3).font('R').fontSize(7.5).fillColor(MUTED);
  if (d.footnote) boxText(doc, d.footnote, MARGIN, doc.y, CONTENT);
  if (d.penaltyNote) boxText(doc, d.penaltyNote, MARGIN, doc.y, CONTENT);
  ensureSpace(doc, 60);
  doc.moveDown(0.6).font('B').fontSize(11.5).fillColor(INK);
  boxText(doc, d.toPay, MARGIN, doc.y, CONTENT);
  if (d.toPayNote) {
    doc.font('R').fontSize(8.5).fillColor(MUTED);
    boxText(doc, d.toPayNote, doc.x, doc.y, CONTENT);
  }
  payment(doc, d.payment);
  doc.moveDown(0.8).font('B').fontSize(9).fillColor(INK);
  boxText(doc, d.reminder, MARGIN, doc.y, CONTENT);
  doc.moveDown(0.3).font('R').fontSize(8.5);
  boxText(doc, d.contacts, doc.x, doc.y, CONTENT);
  footer(doc, options.locale, options.now ?? new Date());
  return finish(doc);
}

export function renderStatementPdf(d: StatementDocument, options: PdfOptions): Promise<Buffer> {
  const doc = newDocument(d.title);
  header(doc, options.locale);
  rule(doc, doc.y + 4);
  doc.y += 10;
  heading(doc, d.title, 12);
  facts(doc, d.facts);
  notes(doc, d.dates);
  doc.moveDown(0.6);
  table(doc, d.table, [0.8, 1.3, 1.2, 1.2, 1.1, 1.2, 1.6, 1.2, 1.6], 7.5);
  if (d.recalculationNotes.length > 0) {
    heading(doc, d.recalculationsHeading, 9.5);
    doc.font('R').fontSize(8).fillColor(INK);
    for (const note of d.recalculationNotes) {
      ensureSpace(doc, 24);
      boxText(doc, note, MARGIN, doc.y, CONTENT);
    }
  }
  footer(doc, options.locale, options.now ?? new Date());
  return finish(doc);
}

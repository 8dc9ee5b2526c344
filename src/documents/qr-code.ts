import QRCode from 'qrcode';

/**
 * The modules of a QR code: `size` × `size`, row by row, 1 for a dark module.
 *
 * The code is the one the qrcode library makes of the payload as one byte-mode segment at error
 * correction level M, mask included: the library chooses the mask with the lowest penalty, as the
 * QR standard asks of an encoder (decision 173). Its search applies each of the eight masks to its
 * matrix module by module through accessor calls and scores it; that search cost more than the rest
 * of an invoice's code. Here the library encodes once with mask 0, and the eight candidates are made
 * from that matrix and scored by the library's own rules over plain arrays: the same penalties, so
 * the same mask and the same modules (qr-code.test.ts compares them with the library's choice).
 */
export interface QrMatrix {
  size: number;
  dark: Uint8Array;
}

/**
 * The payload as one byte-mode segment at level M (the payload is mostly Cyrillic: byte mode).
 * `mask`: that mask instead of the one with the lowest penalty (for tests).
 */
export function qrMatrix(payload: string, mask?: number): QrMatrix {
  const code = QRCode.create([{ data: new TextEncoder().encode(payload), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
    maskPattern: 0,
  });
  const { size, data, reservedBit } = code.modules;
  const masks = maskPatterns(size, reservedBit);
  const mask0 = masks[0]!;
  // The data modules without a mask; function patterns and format and version bits as they are.
  const unmasked = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) unmasked[i] = data[i]! ^ mask0[i]!;

  let best: Uint8Array = data;
  let lowest = Number.POSITIVE_INFINITY;
  const candidate = new Uint8Array(data.length);
  for (let p = 0; p < 8; p++) {
    if (mask !== undefined && p !== mask) continue;
    const pattern = masks[p]!;
    for (let i = 0; i < data.length; i++) candidate[i] = unmasked[i]! ^ pattern[i]!;
    placeFormatBits(candidate, size, p);
    const score = maskPenalty(candidate, size);
    // Strictly lower, as the library: the first of equal scores wins.
    if (score < lowest) {
      lowest = score;
      best = candidate.slice();
    }
  }
  return { size, dark: best };
}

const maskCache = new Map<number, Uint8Array[]>();

/** The eight masks for codes of this size, 0 on reserved modules; the same reserved layout for every code of one size. */
function maskPatterns(size: number, reserved: Uint8Array): Uint8Array[] {
  let masks = maskCache.get(size);
  if (!masks) {
    masks = Array.from({ length: 8 }, (_, p) => {
      const mask = new Uint8Array(size * size);
      for (let row = 0; row < size; row++)
        for (let col = 0; col < size; col++) {
          const i = row * size + col;
          mask[i] = reserved[i] ? 0 : maskAt(p, row, col) ? 1 : 0;
        }
      return mask;
    });
    maskCache.set(size, masks);
  }
  return masks;
}

/** The mask patterns of the QR standard (ISO/IEC 18004, table 10), i the row and j the column. */
function maskAt(pattern: number, i: number, j: number): boolean {
  switch (pattern) {
    case 0:
      return (i + j) % 2 === 0;
    case 1:
      return i % 2 === 0;
    case 2:
      return j % 3 === 0;
    case 3:
      return (i + j) % 3 === 0;
    case 4:
      return (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0;
    case 5:
      return ((i * j) % 2) + ((i * j) % 3) === 0;
    case 6:
      return (((i * j) % 2) + ((i * j) % 3)) % 2 === 0;
    default:
      return (((i * j) % 3) + ((i + j) % 2)) % 2 === 0;
  }
}

const G15 = 0b10100110111;
const G15_MASK = 0b101010000010010;
const bitLength = (n: number) => (n === 0 ? 0 : 32 - Math.clz32(n));

/** The 15 format bits of level M (indicator 00) and a mask: BCH(15, 5), then the fixed mask. */
function formatBits(mask: number): number {
  const data = mask; // level M's two bits are 00
  let d = data << 10;
  while (bitLength(d) - bitLength(G15) >= 0) d ^= G15 << (bitLength(d) - bitLength(G15));
  return ((data << 10) | d) ^ G15_MASK;
}

/** Writes the format bits of `mask` into both copies, where the library writes them. */
function placeFormatBits(m: Uint8Array, size: number, mask: number) {
  const bits = formatBits(mask);
  for (let i = 0; i < 15; i++) {
    const bit = (bits >> i) & 1;
    const row = i < 6 ? i : i < 8 ? i + 1 : size - 15 + i;
    m[row * size + 8] = bit;
    const col = i < 8 ? size - i - 1 : i < 9 ? 15 - i : 15 - i - 1;
    m[8 * size + col] = bit;
  }
  m[(size - 8) * size + 8] = 1;
}

/** The qrcode library's penalty of a masked matrix (N1 + N2 + N3 + N4, its weights 3, 3, 40, 10). */
export function maskPenalty(m: Uint8Array, size: number): number {
  return runs(m, size) + blocks(m, size) + finderLike(m, size) + balance(m);
}

/** N1: runs of five or more modules of one colour in a row or a column, 3 + (length - 5) each. */
function runs(m: Uint8Array, size: number): number {
  let points = 0;
  for (let a = 0; a < size; a++) {
    let lastInRow = -1;
    let lastInCol = -1;
    let sameInRow = 0;
    let sameInCol = 0;
    for (let b = 0; b < size; b++) {
      const inRow = m[a * size + b]!;
      if (inRow === lastInRow) sameInRow++;
      else {
        if (sameInRow >= 5) points += 3 + (sameInRow - 5);
        lastInRow = inRow;
        sameInRow = 1;
      }
      const inCol = m[b * size + a]!;
      if (inCol === lastInCol) sameInCol++;
      else {
        if (sameInCol >= 5) points += 3 + (sameInCol - 5);
        lastInCol = inCol;
        sameInCol = 1;
      }
    }
    if (sameInRow >= 5) points += 3 + (sameInRow - 5);
    if (sameInCol >= 5) points += 3 + (sameInCol - 5);
  }
  return points;
}

/** N2: 2 × 2 blocks of one colour, 3 each. */
function blocks(m: Uint8Array, size: number): number {
  let count = 0;
  for (let row = 0; row < size - 1; row++) {
    const top = row * size;
    const bottom = top + size;
    for (let col = 0; col < size - 1; col++) {
      const sum = m[top + col]! + m[top + col + 1]! + m[bottom + col]! + m[bottom + col + 1]!;
      if (sum === 4 || sum === 0) count++;
    }
  }
  return count * 3;
}

/** N3: 1:1:3:1:1 patterns with four light modules before or after, in rows and columns, 40 each. */
function finderLike(m: Uint8Array, size: number): number {
  let count = 0;
  for (let a = 0; a < size; a++) {
    let inRow = 0;
    let inCol = 0;
    for (let b = 0; b < size; b++) {
      inRow = ((inRow << 1) & 0x7ff) | m[a * size + b]!;
      if (b >= 10 && (inRow === 0x5d0 || inRow === 0x05d)) count++;
      inCol = ((inCol << 1) & 0x7ff) | m[b * size + a]!;
      if (b >= 10 && (inCol === 0x5d0 || inCol === 0x05d)) count++;
    }
  }
  return count * 40;
}

/** N4: 10 for every 5% the share of dark modules is away from half. */
function balance(m: Uint8Array): number {
  let dark = 0;
  for (let i = 0; i < m.length; i++) dark += m[i]!;
  return Math.abs(Math.ceil((dark * 100) / m.length / 5) - 10) * 10;
}

import type { ChargeBasis, Service } from '../db/schema';
import type { Litres } from '../money/litres';
import { roundHalfAwayFromZero, toSafeNumber } from '../money/rounding';
import type { Tiyn } from '../money/tiyn';

export type { Service };
export type Basis = ChargeBasis;

/** Litres per m3 times basis points per unit: the denominator of an exact line amount in tiyn. */
const LINE_DENOMINATOR = 1000n * 10_000n;

export interface ChargeInput {
  service: Service;
  basis: Basis;
  quantityL: Litres;
  /** Tariff without VAT, tiyn per m3 (59.34 -> 5934). */
  tariffTiynPerM3: Tiyn;
  /** VAT in basis points (12% -> 1200). */
  vatBp: number;
}

export interface ChargeLine extends ChargeInput {
  /** Tariff with VAT as shown, rounded to the tiyn (66.46). The amount does not use it. */
  tariffWithVatTiyn: Tiyn;
  /** The line's amount rounded to the tiyn, for display. */
  amountTiyn: Tiyn;
  /** The unrounded amount, in tiyn / LINE_DENOMINATOR. */
  exact: bigint;
}

/**
 * One line of a month's charges. The amount is volume x tariff x (1 + VAT), computed from the
 * unrounded tariff with VAT and rounded once, half away from zero (SPEC.md section 4).
 */
export function chargeLine(input: ChargeInput): ChargeLine {
  if (!Number.isSafeInteger(input.quantityL) || !Number.isSafeInteger(input.tariffTiynPerM3)) {
    throw new RangeError('quantity and tariff must be integers');
  }
  if (!Number.isInteger(input.vatBp) || input.vatBp < 0)
    throw new RangeError('VAT must be whole basis points');
  const exact = BigInt(input.quantityL) * BigInt(input.tariffTiynPerM3) * BigInt(10_000 + input.vatBp);
  return {
    ...input,
    exact,
    amountTiyn: toSafeNumber(roundHalfAwayFromZero(exact, LINE_DENOMINATOR)),
    tariffWithVatTiyn: tariffWithVat(input.tariffTiynPerM3, input.vatBp),
  };
}

export function tariffWithVat(tariffTiynPerM3: Tiyn, vatBp: number): Tiyn {
  return toSafeNumber(roundHalfAwayFromZero(BigInt(tariffTiynPerM3) * BigInt(10_000 + vatBp), 10_000n));
}

/** A month's charge total: the rounded sum of the unrounded line amounts. */
export function chargesTotal(lines: readonly ChargeLine[]): Tiyn {
  const sum = lines.reduce((acc, line) => acc + line.exact, 0n);
  return toSafeNumber(roundHalfAwayFromZero(sum, LINE_DENOMINATOR));
}

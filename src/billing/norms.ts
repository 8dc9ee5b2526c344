import type { Litres } from '../money/litres';
import { parseDecimal, roundHalfAwayFromZero, toSafeNumber } from '../money/rounding';

export interface NormSet {
  coldPerPersonL: Litres;
  hotPerPersonL: Litres;
  irrigationPerM2L: Litres;
  /** Months of the irrigation season, inclusive (e.g. 5..9). */
  seasonFromMonth: number;
  seasonToMonth: number;
}

export function inIrrigationSeason(month: number, norms: NormSet): boolean {
  const { seasonFromMonth: a, seasonToMonth: b } = norms;
  return a <= b ? month >= a && month <= b : month >= a || month <= b;
}

/**
 * Volumes charged by norm for an account without a working meter: residents x norm per person;
 * irrigation: area x irrigation norm in the season (cold water only, it does not reach the sewer).
 */
export function normVolumes(
  input: {
    residents: number;
    irrigationAreaM2: string;
    month: number;
    coldMetered: boolean;
    hotMetered: boolean;
  },
  norms: NormSet,
): { coldL: Litres; hotL: Litres; irrigationL: Litres } {
  const coldL = input.coldMetered ? 0 : input.residents * norms.coldPerPersonL;
  const hotL = input.hotMetered ? 0 : input.residents * norms.hotPerPersonL;
  let irrigationL = 0;
  if (inIrrigationSeason(input.month, norms)) {
    const area = parseDecimal(input.irrigationAreaM2);
    irrigationL = toSafeNumber(roundHalfAwayFromZero(area.num * BigInt(norms.irrigationPerM2L), area.den));
  }
  return { coldL, hotL, irrigationL };
}

/**
 * Whether a meter's readings are billed in the month starting `monthStart` ('YYYY-MM-01'): not
 * when its verification fell due on or before that day (SPEC.md section 4); that water is billed
 * by norm instead until an operator records a new verification. A meter without a date counts.
 */
export function meterBilledIn(verificationDue: string | null | undefined, monthStart: string): boolean {
  return verificationDue == null || verificationDue > monthStart;
}

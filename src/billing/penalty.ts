import { parseDecimal, roundHalfAwayFromZero, toSafeNumber } from '../money/rounding';
import type { Tiyn } from '../money/tiyn';

/**
 * Penalty on debt unpaid after the due date (SPEC.md section 4):
 * debt x refinancing rate / 100 x coefficient x days overdue / 365, capped at the debt.
 * No penalty on overpayment or when nothing is overdue.
 */
export function penalty(input: {
  debtTiyn: Tiyn;
  refinancingRateBp: number;
  coefficient: string;
  days: number;
}): Tiyn {
  const { debtTiyn, refinancingRateBp, days } = input;
  if (debtTiyn <= 0 || days <= 0) return 0;
  const k = parseDecimal(input.coefficient);
  const num = BigInt(debtTiyn) * BigInt(refinancingRateBp) * k.num * BigInt(days);
  const den = 10_000n * k.den * 365n;
  return Math.min(debtTiyn, toSafeNumber(roundHalfAwayFromZero(num, den)));
}

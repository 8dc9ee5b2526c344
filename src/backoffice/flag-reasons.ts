export type Reason = 'large' | 'rollover' | 'verification' | 'other';

/**
 * Why a reading needs a look: derived from the meter's previous accepted reading and its
 * verification date; `largeLitres` is the meter's monthly large-consumption limit
 * (src/readings/large-consumption.ts, the rule the cabinet asks with).
 */
export function flagReasons(
  r: { value_l: number; prev_l: number | null; read_on: string; verification_due: string | null },
  largeLitres: number,
): Reason[] {
  const reasons: Reason[] = [];
  if (r.prev_l !== null && r.value_l < r.prev_l) reasons.push('rollover');
  else if (r.prev_l !== null && r.value_l - r.prev_l > largeLitres) reasons.push('large');
  if (r.verification_due && r.verification_due < r.read_on) reasons.push('verification');
  if (reasons.length === 0) reasons.push('other');
  return reasons;
}

/** Anything with an effective date: tariffs, VAT rates, norms, penalty rates. */
export interface Dated {
  effective_from: string; // 'YYYY-MM-DD'
}

/**
 * The entry in force on `date`: the latest whose effective date is on or before it.
 * A month is billed with the rates in force on its first day.
 */
export function inForce<T extends Dated>(entries: readonly T[], date: string): T | undefined {
  let best: T | undefined;
  for (const entry of entries) {
    if (entry.effective_from <= date && (!best || entry.effective_from > best.effective_from)) best = entry;
  }
  return best;
}

declare const unit: unique symbol;

/**
 * A whole number of some unit. A plain number (a literal, a sum) is accepted as any unit, but a
 * number marked with one unit is not accepted as another: tiyn do not go where litres are meant
 * (docs/decisions/181-types-that-say-what-they-hold.md).
 */
export type Measured<U extends string> = number & { readonly [unit]?: U };

/** `value` as a whole number of a unit, checked: a safe integer, else a RangeError naming `what`. */
export function wholeOf<U extends string>(value: number, what: string): Measured<U> {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a whole number, got ${value}`);
  return value;
}

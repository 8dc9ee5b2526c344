import { formatMeterReading, type Litres } from '../money/litres';

/** Why a typed reading was refused; each has a message in every language (readings.messages.ts). */
export type ReadingProblem = 'empty' | 'tooManyDigits' | 'tooManyDecimals' | 'sign' | 'notNumber';

export type ParsedReading =
  | { ok: true; litres: Litres; display: string }
  | { ok: false; problem: ReadingProblem; typed: string };

const SHAPE = /^(\d+)(?:[.,](\d*))?$/;

/**
 * A meter reading as a customer types it: cubic metres (black digits), optionally a point or comma
 * and litres (red digits). "117.5", "117,5", "00117.500" and "117" are 117 500 L. Leading zeros are
 * only padding ("00000125.120", as the user guide and some meters print it, is 125 120 L); what is
 * left must fit 5 digits before and 3 after the separator; signs, letters, spaces inside and
 * anything else are refused.
 * An empty field is refused too (the caller decides whether empty means "not submitted"):
 * nothing is ever read as zero unless zero was typed.
 */
export function parseReading(input: string): ParsedReading {
  const typed = input;
  const text = input.trim();
  if (text === '') return { ok: false, problem: 'empty', typed };
  if (/^[+\-−]/.test(text)) return { ok: false, problem: 'sign', typed };
  const match = SHAPE.exec(text);
  if (!match) return { ok: false, problem: 'notNumber', typed };
  const whole = (match[1] ?? '').replace(/^0+(?=\d)/, '');
  const fraction = match[2] ?? '';
  if (whole.length > 5) return { ok: false, problem: 'tooManyDigits', typed };
  if (fraction.length > 3) return { ok: false, problem: 'tooManyDecimals', typed };
  const litres = Number(whole) * 1000 + Number(fraction.padEnd(3, '0'));
  return { ok: true, litres, display: formatMeterReading(litres) };
}

/**
 * The fields of a readings form, meter id to what was typed, read: the litres of each filled field
 * that parses, and the problem of each that does not. Empty fields are not submitted and are in
 * neither.
 */
export function parseTyped(typed: Record<number, string>): {
  values: Record<number, Litres>;
  problems: Record<number, ReadingProblem>;
} {
  const values: Record<number, Litres> = {};
  const problems: Record<number, ReadingProblem> = {};
  for (const [id, text] of Object.entries(typed)) {
    if (text.trim() === '') continue;
    const parsed = parseReading(text);
    if (parsed.ok) values[Number(id)] = parsed.litres;
    else problems[Number(id)] = parsed.problem;
  }
  return { values, problems };
}

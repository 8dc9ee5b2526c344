import { type Measured, wholeOf } from './unit';

/** Volumes are integer litres; 1 m3 = 1000 L. A meter shows at most 99999.999 m3. */
export type Litres = Measured<'litres'>;

/** A volume read from a database row or parsed input, checked to be whole litres. */
export function litres(value: number | string | bigint): Litres {
  return wholeOf<'litres'>(Number(value), 'a volume in litres');
}
export const METER_MAX_L = 99_999_999;

/** "3.222" for 3222 L; always three decimals. */
export function formatM3(litres: Litres): string {
  if (!Number.isSafeInteger(litres)) throw new RangeError(`volume must be whole litres, got ${litres}`);
  const negative = litres < 0;
  const abs = Math.abs(litres);
  return `${negative ? '-' : ''}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}`;
}

/** A meter reading as the meter shows it: five digits, point, three digits ("00117.500"). */
export function formatMeterReading(litres: Litres): string {
  if (!Number.isSafeInteger(litres) || litres < 0 || litres > METER_MAX_L) {
    throw new RangeError(`not a meter reading: ${litres}`);
  }
  return `${String(Math.floor(litres / 1000)).padStart(5, '0')}.${String(litres % 1000).padStart(3, '0')}`;
}

import { type Litres, METER_MAX_L } from '../money/litres';

export interface MeterVolumeInput {
  startL: Litres;
  endL: Litres;
  /** The meter passed 99999.999 and started again from zero (recorded by an operator). */
  rolledOver?: boolean;
}

export class VolumeError extends Error {}

/** Consumption between two readings of one meter, in litres. */
export function meterVolume({ startL, endL, rolledOver = false }: MeterVolumeInput): Litres {
  for (const v of [startL, endL]) {
    if (!Number.isSafeInteger(v) || v < 0 || v > METER_MAX_L)
      throw new VolumeError(`not a meter reading: ${v}`);
  }
  if (rolledOver) return endL + METER_MAX_L + 1 - startL;
  if (endL < startL) throw new VolumeError('the end reading is lower than the start reading');
  return endL - startL;
}

/**
 * The volume a month bills between the readings that counted at its start and at its end: a lower
 * end reading is a meter that passed 99999.999. The month's closing and its invoice both use it.
 */
export function billedMeterVolume(startL: Litres, endL: Litres): Litres {
  return meterVolume({ startL, endL, rolledOver: endL < startL });
}

export interface MonthVolumes {
  coldL: Litres;
  hotL: Litres;
  /** Sewage takes away both the cold and the hot water (SPEC.md 3.4). */
  sewageL: Litres;
}

export function monthVolumes(cold: readonly Litres[], hot: readonly Litres[]): MonthVolumes {
  const coldL = cold.reduce((a, b) => a + b, 0);
  const hotL = hot.reduce((a, b) => a + b, 0);
  return { coldL, hotL, sewageL: coldL + hotL };
}

import { monthStart, type Period } from '../calendar/calendar';
import type { Water } from '../db/schema';
import type { Litres } from '../money/litres';
import type { Tiyn } from '../money/tiyn';
import { type ChargeInput, type ChargeLine, chargeLine, chargesTotal, type Service } from './charges';
import { meterBilledIn, type NormSet, normVolumes } from './norms';
import { basisExplains, type PenaltySegment } from './penalty';
import { closingBalance } from './statement';
import { billedMeterVolume } from './volumes';

export interface InvoiceMeterInput {
  inputNo: number;
  water: Water;
  serial: string;
  start: { valueL: Litres; date: string } | null;
  end: { valueL: Litres; date: string } | null;
  /** Next verification due; on or before the month's first day the meter is not billed (norm instead). */
  verificationDue?: string | null;
}

/** A recalculation booked in the month (SPEC.md 3.4), with what it is for and why. */
export interface InvoiceRecalculation {
  /** The month it corrects ('YYYY-MM'), when known. */
  forPeriod: Period | null;
  service: Service | null;
  amountTiyn: Tiyn;
  /** LATE_READING for the billing run's own; otherwise the billing system's text. */
  reason: string;
}

/** The reason the billing run gives a recalculation for a reading that came after its month closed. */
export const LATE_READING = 'late reading';

/** What the norm of the month was computed from: the account's residents and area, and the norms in force. */
export interface InvoiceNormFacts extends NormSet {
  residents: number;
  irrigationAreaM2: string;
}

export interface InvoiceInput {
  period: Period;
  /** Tariffs per m3 without VAT in force for the month, shown at the top. */
  tariffs: { service: Service; tariffTiynPerM3: Tiyn }[];
  meters: InvoiceMeterInput[];
  charges: ChargeInput[];
  openingTiyn: Tiyn;
  recalculationTiyn: Tiyn;
  penaltyTiyn: Tiyn;
  /**
   * What the penalty was charged on: runs of days with their overdue amount and rate (penalty_days).
   * Shown only when it gives exactly the month's penalty.
   */
  penaltyBasis?: PenaltySegment[] | undefined;
  otherTiyn: Tiyn;
  payments: { amountTiyn: Tiyn; kind: 'regular' | 'compensation'; paidOn: string }[];
  /**
   * Compensation of costs for the state-of-emergency period as the billing system reports it for
   * the month; when absent, the compensation payments of the month.
   */
  compensationTiyn?: Tiyn | undefined;
  /** The recalculations that make up recalculationTiyn, one per month, service and reason. */
  recalculations?: InvoiceRecalculation[];
  /** The facts of the norm, to explain the lines billed by norm. */
  norm?: InvoiceNormFacts | null;
  /** When the figures were taken: the last exchange with the billing system, and the month's closing. */
  dates?: DocumentDates;
}

export interface DocumentDates {
  /** The last exchange with the billing system (src/exchange/data-as-of.ts); null: none yet. */
  dataAsOf: Date | null;
  /** When the month was closed; null while it is open. */
  closedAt: Date | null;
}

export interface InvoiceMeterRow extends InvoiceMeterInput {
  volumeL: Litres | null;
  /** False when the meter was past its verification date: its volume was not billed. */
  billed: boolean;
}

/**
 * Why and how much of a water was billed by norm. `perPerson` is set when the residents and the
 * norm in force give exactly the quantity billed (then the invoice says "3 residents x 3.5 m3");
 * `expired` lists the meters of that water past their verification date (none: no meter).
 */
export interface NormBasis {
  water: Water;
  volumeL: Litres;
  perPerson: { residents: number; normL: Litres } | null;
  expired: { serial: string; due: string }[];
}

export interface Invoice {
  period: Period;
  tariffs: InvoiceInput['tariffs'];
  meters: InvoiceMeterRow[];
  /** Volumes billed: the working meters' plus what was billed by norm, so they agree with the lines. */
  volumes: { coldL: Litres; hotL: Litres; sewageL: Litres };
  /** The waters billed by norm, with why (empty when everything was metered). */
  normBasis: NormBasis[];
  /** Irrigation billed by norm as cold water (area x norm in the season), when the month has it. */
  irrigation: { areaM2: string; normL: Litres; volumeL: Litres } | null;
  lines: ChargeLine[];
  openingTiyn: Tiyn;
  chargesTiyn: Tiyn;
  recalculationTiyn: Tiyn;
  recalculations: InvoiceRecalculation[];
  penaltyTiyn: Tiyn;
  penaltyBasis: PenaltySegment[];
  otherTiyn: Tiyn;
  paidTiyn: Tiyn;
  compensationTiyn: Tiyn;
  closingTiyn: Tiyn;
  /** "Payment for the month in total": the closing balance; negative is overpayment. */
  toPayTiyn: Tiyn;
  dates: DocumentDates | null;
}

/** Assembles the payment invoice of one account and month from ledger facts (SPEC.md 3.4, 4). */
export function assembleInvoice(input: InvoiceInput): Invoice {
  const firstDay = monthStart(input.period);
  const meters = input.meters.map((m) => ({
    ...m,
    volumeL: m.start && m.end ? billedMeterVolume(m.start.valueL, m.end.valueL) : null,
    billed: meterBilledIn(m.verificationDue, firstDay),
  }));
  const metered = (water: Water) =>
    meters.filter((m) => m.water === water && m.billed).reduce((a, m) => a + (m.volumeL ?? 0), 0);
  const lines = input.charges.map(chargeLine);
  const { normBasis, irrigation } = explainNorm(input, meters, lines);
  const byNorm = (water: Water) => normBasis.find((n) => n.water === water)?.volumeL ?? 0;
  const coldL = metered('cold') + byNorm('cold') + (irrigation?.volumeL ?? 0);
  const hotL = metered('hot') + byNorm('hot');
  const chargesTiyn = chargesTotal(lines);
  const paidTiyn = input.payments.reduce((a, p) => a + p.amountTiyn, 0);
  const compensationTiyn =
    input.compensationTiyn ??
    input.payments.filter((p) => p.kind === 'compensation').reduce((a, p) => a + p.amountTiyn, 0);
  const closingTiyn = closingBalance({
    openingTiyn: input.openingTiyn,
    chargedTiyn: chargesTiyn,
    recalculationTiyn: input.recalculationTiyn,
    penaltyTiyn: input.penaltyTiyn,
    otherTiyn: input.otherTiyn,
    paidTiyn,
  });
  return {
    period: input.period,
    tariffs: input.tariffs,
    meters,
    // Irrigation water does not reach the sewer.
    volumes: { coldL, hotL, sewageL: coldL - (irrigation?.volumeL ?? 0) + hotL },
    normBasis,
    irrigation,
    lines,
    openingTiyn: input.openingTiyn,
    chargesTiyn,
    recalculationTiyn: input.recalculationTiyn,
    recalculations: input.recalculations ?? [],
    penaltyTiyn: input.penaltyTiyn,
    penaltyBasis:
      input.penaltyBasis && basisExplains(input.penaltyBasis, input.penaltyTiyn) ? input.penaltyBasis : [],
    otherTiyn: input.otherTiyn,
    paidTiyn,
    compensationTiyn,
    closingTiyn,
    toPayTiyn: closingTiyn,
    dates: input.dates ?? null,
  };
}

/**
 * The norm part of the month, from its charge lines: the cold water line by norm is the cold norm
 * (plus irrigation when there is no working cold meter), the sewage line by norm is the cold and
 * hot norm (SPEC.md section 4, month-closer.ts). When the residents and norms in force give those
 * quantities exactly, the split and the per-person figures are stated; otherwise (the billing
 * system billed it on other facts) the lines' quantities are shown as they are.
 */
function explainNorm(
  input: InvoiceInput,
  meters: InvoiceMeterRow[],
  lines: ChargeLine[],
): Pick<Invoice, 'normBasis' | 'irrigation'> {
  const quantity = (service: Service) =>
    lines.filter((l) => l.service === service && l.basis === 'norm').reduce((a, l) => a + l.quantityL, 0);
  const coldLineL = quantity('cold_water');
  const sewageLineL = quantity('sewage');
  if (coldLineL === 0 && sewageLineL === 0) return { normBasis: [], irrigation: null };
  const working = (water: Water) => meters.some((m) => m.water === water && m.billed);
  const expired = (water: Water) =>
    meters
      .filter((m) => m.water === water && !m.billed)
      .map((m) => ({ serial: m.serial, due: m.verificationDue ?? '' }));
  const n = input.norm;
  if (n) {
    const v = normVolumes(
      {
        residents: n.residents,
        irrigationAreaM2: n.irrigationAreaM2,
        month: Number(input.period.slice(5, 7)),
        coldMetered: working('cold'),
        hotMetered: working('hot'),
      },
      n,
    );
    const irrigationL = working('cold') ? 0 : v.irrigationL;
    if (v.coldL + irrigationL === coldLineL && v.coldL + v.hotL === sewageLineL) {
      const byNorm = [
        { water: 'cold', volumeL: v.coldL, normL: n.coldPerPersonL },
        { water: 'hot', volumeL: v.hotL, normL: n.hotPerPersonL },
      ] as const;
      const normBasis: NormBasis[] = byNorm
        .filter((w) => !working(w.water) && w.volumeL > 0)
        .map((w) => ({
          water: w.water,
          volumeL: w.volumeL,
          perPerson: { residents: n.residents, normL: w.normL },
          expired: expired(w.water),
        }));
      return {
        normBasis,
        irrigation:
          irrigationL > 0
            ? { areaM2: n.irrigationAreaM2, normL: n.irrigationPerM2L, volumeL: irrigationL }
            : null,
      };
    }
  }
  // Facts that do not give the billed quantities: the lines as they are, hot water as the rest of sewage.
  const normBasis: NormBasis[] = [];
  if (coldLineL > 0)
    normBasis.push({ water: 'cold', volumeL: coldLineL, perPerson: null, expired: expired('cold') });
  const hotL = Math.max(0, sewageLineL - coldLineL);
  if (hotL > 0) normBasis.push({ water: 'hot', volumeL: hotL, perPerson: null, expired: expired('hot') });
  return { normBasis, irrigation: null };
}

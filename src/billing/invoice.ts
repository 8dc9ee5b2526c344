import type { Litres } from '../money/litres';
import type { Tiyn } from '../money/tiyn';
import { type ChargeInput, type ChargeLine, chargeLine, chargesTotal, type Service } from './charges';
import { basisExplains, type PenaltySegment } from './penalty';
import type { Period } from './period';
import { closingBalance } from './statement';
import { meterVolume } from './volumes';

export interface InvoiceMeterInput {
  inputNo: number;
  water: 'cold' | 'hot';
  serial: string;
  start: { valueL: Litres; date: string } | null;
  end: { valueL: Litres; date: string } | null;
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
}

export interface InvoiceMeterRow extends InvoiceMeterInput {
  volumeL: Litres | null;
}

export interface Invoice {
  period: Period;
  tariffs: InvoiceInput['tariffs'];
  meters: InvoiceMeterRow[];
  volumes: { coldL: Litres; hotL: Litres; sewageL: Litres };
  lines: ChargeLine[];
  openingTiyn: Tiyn;
  chargesTiyn: Tiyn;
  recalculationTiyn: Tiyn;
  penaltyTiyn: Tiyn;
  penaltyBasis: PenaltySegment[];
  otherTiyn: Tiyn;
  paidTiyn: Tiyn;
  compensationTiyn: Tiyn;
  closingTiyn: Tiyn;
  /** "Payment for the month in total": the closing balance; negative is overpayment. */
  toPayTiyn: Tiyn;
}

/** Assembles the payment invoice of one account and month from ledger facts (SPEC.md 3.4, 4). */
export function assembleInvoice(input: InvoiceInput): Invoice {
  const meters = input.meters.map((m) => ({
    ...m,
    volumeL: m.start && m.end ? meterVolume({ startL: m.start.valueL, endL: m.end.valueL }) : null,
  }));
  const coldL = meters.filter((m) => m.water === 'cold').reduce((a, m) => a + (m.volumeL ?? 0), 0);
  const hotL = meters.filter((m) => m.water === 'hot').reduce((a, m) => a + (m.volumeL ?? 0), 0);
  const lines = input.charges.map(chargeLine);
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
    volumes: { coldL, hotL, sewageL: coldL + hotL },
    lines,
    openingTiyn: input.openingTiyn,
    chargesTiyn,
    recalculationTiyn: input.recalculationTiyn,
    penaltyTiyn: input.penaltyTiyn,
    penaltyBasis:
      input.penaltyBasis && basisExplains(input.penaltyBasis, input.penaltyTiyn) ? input.penaltyBasis : [],
    otherTiyn: input.otherTiyn,
    paidTiyn,
    compensationTiyn,
    closingTiyn,
    toPayTiyn: closingTiyn,
  };
}

import { monthsBetween, type Period } from '../calendar/calendar';
import type { Tiyn } from '../money/tiyn';

export interface BalanceMovement {
  openingTiyn: Tiyn;
  chargedTiyn: Tiyn;
  recalculationTiyn: Tiyn;
  penaltyTiyn: Tiyn;
  otherTiyn: Tiyn;
  paidTiyn: Tiyn;
}

/** closing = opening + charges + recalculation + penalty + other - paid, in exact tiyn. */
export function closingBalance(m: BalanceMovement): Tiyn {
  const values = [m.openingTiyn, m.chargedTiyn, m.recalculationTiyn, m.penaltyTiyn, m.otherTiyn, m.paidTiyn];
  if (!values.every(Number.isSafeInteger)) throw new RangeError('balances are whole tiyn');
  return m.openingTiyn + m.chargedTiyn + m.recalculationTiyn + m.penaltyTiyn + m.otherTiyn - m.paidTiyn;
}

export interface StatementMonthInput {
  period: Period;
  chargedTiyn: Tiyn;
  recalculationTiyn: Tiyn;
  /** The month's penalty (src/billing/penalty.ts), in its own column under the invoice's name. */
  penaltyTiyn: Tiyn;
  /** Other charges. */
  otherTiyn: Tiyn;
  payments: { paidOn: string; amountTiyn: Tiyn }[];
}

export interface StatementRow {
  period: Period;
  chargedTiyn: Tiyn;
  recalculationTiyn: Tiyn;
  penaltyTiyn: Tiyn;
  otherTiyn: Tiyn;
  paymentDates: string[];
  paidTiyn: Tiyn;
  /** Debt (+) or overpayment (-) at the end of the month. */
  balanceTiyn: Tiyn;
}

export interface Statement {
  from: Period;
  to: Period;
  openingTiyn: Tiyn;
  rows: StatementRow[];
  totals: Omit<StatementRow, 'period' | 'paymentDates'>;
}

/** The settlement statement (SPEC.md 3.5): an opening row, a row per month, totals. */
export function buildStatement(
  from: Period,
  to: Period,
  openingTiyn: Tiyn,
  months: StatementMonthInput[],
): Statement {
  let balance = openingTiyn;
  const totals = {
    chargedTiyn: 0,
    recalculationTiyn: 0,
    penaltyTiyn: 0,
    otherTiyn: 0,
    paidTiyn: 0,
    balanceTiyn: openingTiyn,
  };
  const rows = [...months]
    .sort((a, b) => a.period.localeCompare(b.period))
    .map((m) => {
      const paidTiyn = m.payments.reduce((a, p) => a + p.amountTiyn, 0);
      balance = closingBalance({
        openingTiyn: balance,
        chargedTiyn: m.chargedTiyn,
        recalculationTiyn: m.recalculationTiyn,
        penaltyTiyn: m.penaltyTiyn,
        otherTiyn: m.otherTiyn,
        paidTiyn,
      });
      totals.chargedTiyn += m.chargedTiyn;
      totals.recalculationTiyn += m.recalculationTiyn;
      totals.penaltyTiyn += m.penaltyTiyn;
      totals.otherTiyn += m.otherTiyn;
      totals.paidTiyn += paidTiyn;
      totals.balanceTiyn = balance;
      return {
        period: m.period,
        chargedTiyn: m.chargedTiyn,
        recalculationTiyn: m.recalculationTiyn,
        penaltyTiyn: m.penaltyTiyn,
        otherTiyn: m.otherTiyn,
        paymentDates: m.payments.map((p) => p.paidOn).sort(),
        paidTiyn,
        balanceTiyn: balance,
      };
    });
  return { from, to, openingTiyn, rows, totals };
}

export const STATEMENT_MAX_MONTHS = 36;

/** Why a statement period cannot be shown, or null when it can (at most 3 years). */
export function statementRangeProblem(from: Period, to: Period): 'order' | 'too_long' | null {
  const span = monthsBetween(from, to);
  if (span < 0) return 'order';
  if (span + 1 > STATEMENT_MAX_MONTHS) return 'too_long';
  return null;
}

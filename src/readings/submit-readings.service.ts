import { shareMonth } from '../billing/month-lock.queries';
import { localDate, monthStart, monthsBetween, periodOf, periodOfDay } from '../calendar/calendar';
import type { DB } from '../db/database';
import type { Litres } from '../money/litres';
import { consumptionLimits, type LimitOf } from './consumption-limits';
import { isIdempotencyKey, newIdempotencyKey } from './idempotency-key';
import { HISTORY_FACTOR, limitOverL } from './large-consumption';
import { parseTyped, type ReadingProblem } from './parse';
import { countSubmission } from './readings.metrics';
import {
  currentReadings,
  insertReadings,
  insertValidSubmission,
  type MeterState,
  meterStates,
  type NewReading,
  openPeriod,
  periodStatus,
  readingsByKeys,
  type StoredReading,
  submissionContext,
} from './readings.queries';

export type FieldProblem =
  | { problem: ReadingProblem }
  | { problem: 'lower'; previousL: Litres }
  | { problem: 'unknownMeter' }
  /** The meter already has `max` cabinet submissions this month. */
  | { problem: 'tooMany'; max: number };

export interface SubmitRequest {
  userId: number;
  /** The account number the customer submits for; without one, their first account. */
  accountNumber?: string | undefined;
  /** What the customer typed, per meter id; empty strings mean "not filled in". */
  typed: Record<number, string>;
  /** Generated when the form was rendered (or sent by the API client); one submission per key. */
  idempotencyKey: string;
  confirmPartial: boolean;
  confirmLarge: boolean;
  /**
   * Monthly consumption above which confirmation is asked and the reading flagged (m3), for a meter
   * without history; a meter with history is compared with its own (large-consumption.ts).
   */
  confirmThresholdM3: number;
  /** Cabinet submissions per meter and month taken at most; further corrections go through an operator. */
  maxPerMonth: number;
  now: Date;
}

export interface LargeConsumption {
  meterId: number;
  serial: string;
  consumptionL: Litres;
  limitL: Litres;
  /**
   * The meter's usual month (the median of its history) when the limit is HISTORY_FACTOR times it,
   * and the months of history; null when the fixed threshold (or the floor) set the limit.
   */
  usual: { medianL: Litres; months: number } | null;
}

export type SubmitResult =
  | { kind: 'accepted'; saved: StoredReading[]; replay: boolean }
  | { kind: 'invalid'; errors: Record<number, FieldProblem> }
  | { kind: 'nothing' }
  | { kind: 'closed' }
  /** The account is not one of the user's: answered like a missing one. */
  | { kind: 'noAccount' }
  | {
      kind: 'confirm';
      partial: { filled: number; total: number } | null;
      large: LargeConsumption[];
      values: Record<number, Litres>;
    };

/**
 * The use case "a customer submits the current month's meter readings", shared by the page and the
 * JSON API; "accepted" is returned only after the commit.
 *
 * A valid submission is one statement (insertValidSubmission: the rules as a guard, and the
 * insert). When it stores nothing, the account, the month and the meters are read to say why
 * (checkSubmission); if the rules pass after all, the submission is checked and stored again in a
 * transaction that shares the month's lock and locks the meters
 * (docs/decisions/020-readings-submissions.md).
 */
export async function submitReadings(db: DB, req: SubmitRequest): Promise<SubmitResult> {
  const result = await submit(db, req);
  countSubmission(result);
  return result;
}

async function submit(db: DB, req: SubmitRequest): Promise<SubmitResult> {
  const period = monthStart(periodOf(req.now));
  const accountNumber = req.accountNumber || undefined;
  const { values, problems } = parseTyped(req.typed);
  const errors: Record<number, FieldProblem> = {};
  for (const [id, problem] of Object.entries(problems)) errors[Number(id)] = { problem };
  const filled = Object.keys(values).length + Object.keys(errors).length;

  // One row key per meter, month and value: the same form sent again stores nothing new, while a
  // changed value or a key reused in another month is a submission of its own.
  const key = isIdempotencyKey(req.idempotencyKey) ? req.idempotencyKey : newIdempotencyKey();
  const rowKey = (meterId: number) => `${key}:${periodOfDay(period)}:${meterId}:${values[meterId]}`;
  const keys = Object.keys(values).map((id) => rowKey(Number(id)));
  // Each meter's monthly limit from its own history (one statement), before the rules are checked.
  const month = periodOf(req.now);
  const limitOf = Object.keys(values).length
    ? await consumptionLimits(
        db,
        Object.keys(values).map((id) => ({ meterId: Number(id), period: month })),
        fixedLimitL(req),
      )
    : () => ({ perMonthL: fixedLimitL(req), basis: 'fixed' as const, months: 0, medianL: null });

  // Rows the one statement stored for this request (all of them, or part when the rest had been
  // stored before or did not change).
  let storedAtOnce: StoredReading[] = [];
  if (filled && !Object.keys(errors).length) {
    const saved = await insertValidSubmission(db, {
      userId: req.userId,
      accountNumber,
      period,
      readOn: localDate(req.now),
      rows: Object.entries(values).map(([id, valueL]) => ({
        meterId: Number(id),
        valueL,
        idempotencyKey: rowKey(Number(id)),
        limitL: limitOf(Number(id), month).perMonthL,
      })),
      maxPerMonth: req.maxPerMonth,
      confirmPartial: req.confirmPartial,
      confirmLarge: req.confirmLarge,
    });
    if (saved.length === keys.length) return { kind: 'accepted', saved, replay: false };
    storedAtOnce = saved;
  }

  // Not stored at once: find out why, in the order a customer should hear it.
  const context = await submissionContext(db, req.userId, accountNumber, period);
  if (!context) return { kind: 'noAccount' };
  if (!filled) return { kind: 'nothing' };
  // Meters whose row of this very submission is stored already (a resend, or the one statement
  // stored part of it): sending it again adds no row, so the monthly limit does not apply to them.
  const storedMeters = async (q: DB) => new Set((await readingsByKeys(q, keys)).map((r) => r.meterId));
  if (Object.keys(errors).length) {
    // Typing mistakes, and in the same answer what the rules say of the fields that were read.
    const rules =
      context.periodStatus === 'closed'
        ? null
        : checkSubmission(context.meters, values, await storedMeters(db), rowKey, period, limitOf, req);
    const more = rules?.kind === 'answer' && rules.result.kind === 'invalid' ? rules.result.errors : {};
    return { kind: 'invalid', errors: { ...more, ...errors } };
  }

  if (context.periodStatus === 'closed') return { kind: 'closed' };
  if (context.periodStatus === 'open') {
    // Answers without locks: invalid, or a confirmation to ask for.
    const checked = checkSubmission(
      context.meters,
      values,
      await storedMeters(db),
      rowKey,
      period,
      limitOf,
      req,
    );
    if (checked.kind !== 'store') return checked.result;
  }

  // The rules passed, but the one statement stored nothing: sent before under the same key, a
  // billing run at work, no row for the month yet, or a change in between. Checked again under locks.
  return db.transaction().execute(async (tx) => {
    // Waits while a billing run closes the month, then holds it off until this commits.
    await shareMonth(tx, period);
    await openPeriod(tx, period);
    if ((await periodStatus(tx, period)) === 'closed') return { kind: 'closed' } as const;
    const meters = await meterStates(tx, context.accountId, period, { lock: true });
    const checked = checkSubmission(meters, values, await storedMeters(tx), rowKey, period, limitOf, req);
    if (checked.kind !== 'store') return checked.result;
    const saved = await insertReadings(tx, checked.rows);
    // Meters sent with the value they already have are answered with that reading.
    const kept = await currentReadings(tx, checked.unchanged, period);
    if (saved.length < checked.rows.length || !checked.rows.length) {
      // Sent before under the same key (double click, resend), or nothing changed: that stands.
      const before = await readingsByKeys(
        tx,
        checked.rows.map((r) => r.idempotencyKey),
      );
      return { kind: 'accepted', saved: [...before, ...kept], replay: !storedAtOnce.length } as const;
    }
    return { kind: 'accepted', saved: [...saved, ...kept], replay: false } as const;
  });
}

type Checked =
  | { kind: 'answer'; result: SubmitResult }
  /** New rows to store, and the meters sent with the value they already have this month. */
  | { kind: 'store'; rows: NewReading[]; unchanged: number[] };

/**
 * The rules of a submission against the meters' state: meters of the account, the month's
 * submissions per meter, lower readings, large consumption (each meter against its own limit,
 * `limitOf`), partial.
 */
function checkSubmission(
  meters: MeterState[],
  values: Record<number, Litres>,
  /** Meters whose row of this submission (same key and value) is stored already. */
  stored: Set<number>,
  rowKey: (meterId: number) => string,
  period: string,
  limitOf: LimitOf,
  req: SubmitRequest,
): Checked {
  const byId = new Map<number, MeterState>(meters.map((m) => [m.id, m]));
  const errors: Record<number, FieldProblem> = {};
  const large: LargeConsumption[] = [];
  const unchanged: number[] = [];
  for (const [idText, valueL] of Object.entries(values)) {
    const id = Number(idText);
    const meter = byId.get(id);
    if (!meter) {
      errors[id] = { problem: 'unknownMeter' };
      continue;
    }
    // The value the meter already has this month (the form comes back filled in): nothing to store.
    if (meter.curValueL !== null && valueL === meter.curValueL) {
      unchanged.push(id);
      continue;
    }
    if (meter.curCount >= req.maxPerMonth && !stored.has(id)) {
      errors[id] = { problem: 'tooMany', max: req.maxPerMonth };
      continue;
    }
    if (meter.prevValueL === null) continue;
    if (valueL < meter.prevValueL) {
      errors[id] = { problem: 'lower', previousL: meter.prevValueL };
      continue;
    }
    const months = meter.prevPeriod
      ? Math.max(1, monthsBetween(periodOfDay(meter.prevPeriod), periodOfDay(period)))
      : 1;
    const limit = limitOf(id, periodOfDay(period));
    const limitL = limitOverL(limit, months);
    const consumptionL = valueL - meter.prevValueL;
    if (consumptionL > limitL) {
      const usual =
        limit.basis === 'history' &&
        limit.medianL !== null &&
        limit.perMonthL === HISTORY_FACTOR * limit.medianL
          ? { medianL: limit.medianL, months: limit.months }
          : null;
      large.push({ meterId: id, serial: meter.serial, consumptionL, limitL, usual });
    }
  }
  if (Object.keys(errors).length) return { kind: 'answer', result: { kind: 'invalid', errors } };

  const filled = Object.keys(values).length;
  const partial = filled < meters.length && !req.confirmPartial ? { filled, total: meters.length } : null;
  if (partial || (large.length && !req.confirmLarge)) {
    return {
      kind: 'answer',
      result: { kind: 'confirm', partial, large: req.confirmLarge ? [] : large, values },
    };
  }

  return {
    kind: 'store',
    unchanged,
    rows: Object.entries(values).flatMap(([idText, valueL]) => {
      const id = Number(idText);
      if (unchanged.includes(id)) return [];
      const big = large.find((l) => l.meterId === id);
      const row: NewReading = {
        meterId: id,
        period,
        valueL,
        readOn: localDate(req.now),
        status: big ? 'flagged' : 'accepted',
        submittedBy: req.userId,
        idempotencyKey: rowKey(id),
        reviewNote: big
          ? `consumption ${big.consumptionL} L above ${big.limitL} L, confirmed by customer`
          : null,
      };
      return [row];
    }),
  };
}

/** The fixed threshold, litres: the limit of a meter without history. */
function fixedLimitL(req: Pick<SubmitRequest, 'confirmThresholdM3'>): number {
  return Math.round(req.confirmThresholdM3 * 1000);
}

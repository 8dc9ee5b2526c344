import { randomBytes } from 'node:crypto';
import { localDate, monthsBetween, periodOf, periodToDate } from '../billing/period';
import type { DB } from '../db/database';
import type { Litres } from '../money/litres';
import { parseReading, type ReadingProblem } from './parse';
import {
  insertReadings,
  type MeterState,
  meterStates,
  periodStatus,
  readingsByKeys,
  type StoredReading,
} from './readings.queries';

export type FieldProblem =
  | { problem: ReadingProblem }
  | { problem: 'lower'; previousL: Litres }
  | { problem: 'unknownMeter' };

export interface SubmitRequest {
  accountId: number;
  userId: number;
  /** What the customer typed, per meter id; empty strings mean "not filled in". */
  typed: Record<number, string>;
  /** Generated when the form was rendered (or sent by the API client); one submission per key. */
  idempotencyKey: string;
  confirmPartial: boolean;
  confirmLarge: boolean;
  /** Monthly consumption per meter above which confirmation is asked and the reading flagged (m3). */
  confirmThresholdM3: number;
  now: Date;
}

export interface LargeConsumption {
  meterId: number;
  serial: string;
  consumptionL: Litres;
  limitL: Litres;
}

export type SubmitResult =
  | { kind: 'accepted'; saved: StoredReading[]; replay: boolean }
  | { kind: 'invalid'; errors: Record<number, FieldProblem> }
  | { kind: 'nothing' }
  | { kind: 'closed' }
  | {
      kind: 'confirm';
      partial: { filled: number; total: number } | null;
      large: LargeConsumption[];
      values: Record<number, Litres>;
    };

const KEY = /^[A-Za-z0-9_-]{8,100}$/;

export function newIdempotencyKey(): string {
  return randomBytes(16).toString('base64url');
}

export function isIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && KEY.test(value);
}

/**
 * The use case "a customer submits the current month's meter readings", shared by the page and the
 * JSON API. Everything happens in one transaction with the account's meters locked, so concurrent
 * submissions for a meter queue up; the result "accepted" is returned only after the commit.
 */
export async function readingSubmitter(db: DB, req: SubmitRequest): Promise<SubmitResult> {
  const period = periodToDate(periodOf(req.now));
  const filledEntries = Object.entries(req.typed).filter(([, v]) => v.trim() !== '');
  if (!filledEntries.length) return { kind: 'nothing' };

  // Format first: no database work for typing mistakes.
  const errors: Record<number, FieldProblem> = {};
  const values: Record<number, Litres> = {};
  for (const [id, text] of filledEntries) {
    const parsed = parseReading(text);
    if (parsed.ok) values[Number(id)] = parsed.litres;
    else errors[Number(id)] = { problem: parsed.problem };
  }
  if (Object.keys(errors).length) return { kind: 'invalid', errors };

  const key = isIdempotencyKey(req.idempotencyKey) ? req.idempotencyKey : newIdempotencyKey();
  const rowKey = (meterId: number) => `${key}:${meterId}`;

  // Months are closed by operators days after they end, so reading the status before the
  // transaction keeps the locked part short without a practical race.
  if ((await periodStatus(db, period)) === 'closed') return { kind: 'closed' };

  return db.transaction().execute(async (tx) => {
    const meters = await meterStates(tx, req.accountId, period, { lock: true });
    const byId = new Map<number, MeterState>(meters.map((m) => [m.id, m]));
    const large: LargeConsumption[] = [];
    for (const [idText, valueL] of Object.entries(values)) {
      const id = Number(idText);
      const meter = byId.get(id);
      if (!meter) {
        errors[id] = { problem: 'unknownMeter' };
        continue;
      }
      if (meter.prevValueL === null) continue;
      if (valueL < meter.prevValueL) {
        errors[id] = { problem: 'lower', previousL: meter.prevValueL };
        continue;
      }
      const months = meter.prevPeriod
        ? Math.max(1, monthsBetween(meter.prevPeriod.slice(0, 7), period.slice(0, 7)))
        : 1;
      const limitL = Math.round(req.confirmThresholdM3 * 1000) * months;
      const consumptionL = valueL - meter.prevValueL;
      if (consumptionL > limitL) large.push({ meterId: id, serial: meter.serial, consumptionL, limitL });
    }
    if (Object.keys(errors).length) return { kind: 'invalid', errors } as const;

    const filled = Object.keys(values).length;
    const partial = filled < meters.length && !req.confirmPartial ? { filled, total: meters.length } : null;
    if (partial || (large.length && !req.confirmLarge)) {
      return { kind: 'confirm', partial, large: req.confirmLarge ? [] : large, values } as const;
    }

    const flagged = new Set(large.map((l) => l.meterId));
    const saved = await insertReadings(
      tx,
      Object.entries(values).map(([idText, valueL]) => {
        const id = Number(idText);
        const big = large.find((l) => l.meterId === id);
        return {
          meterId: id,
          period,
          valueL,
          readOn: localDate(req.now),
          status: flagged.has(id) ? 'flagged' : 'accepted',
          submittedBy: req.userId,
          idempotencyKey: rowKey(id),
          reviewNote: big
            ? `consumption ${big.consumptionL} L above ${big.limitL} L, confirmed by customer`
            : null,
        };
      }),
    );
    if (saved.length < Object.keys(values).length) {
      // Sent before under the same key (double click, resend): that submission stands.
      const already = await readingsByKeys(
        tx,
        Object.keys(values).map((id) => rowKey(Number(id))),
      );
      return { kind: 'accepted', saved: already, replay: true } as const;
    }
    return { kind: 'accepted', saved, replay: false } as const;
  });
}

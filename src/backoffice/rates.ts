import type { Kysely } from 'kysely';
import type { DB } from '../db/database';
import type { Database } from '../db/schema';

/** The first day of the first month a new rate may take effect: after the last closed billing period. */
export async function firstOpenMonth(db: Kysely<Database>): Promise<string | null> {
  const row = await db
    .selectFrom('billing_periods')
    .select((eb) => eb.fn.max('period').as('last'))
    .where('status', '=', 'closed')
    .executeTakeFirst();
  const last = row?.last as string | null | undefined;
  if (!last) return null;
  const [y, m] = last.split('-').map(Number) as [number, number];
  const next = m === 12 ? [y + 1, 1] : [y, m + 1];
  return `${next[0]}-${String(next[1]).padStart(2, '0')}-01`;
}

export type EffectiveDateProblem = 'format' | 'notFirstDay' | 'closed';

/** Checks an effective date: a real 'YYYY-MM-01' date after the last closed month. */
export function effectiveDateProblem(date: string, firstOpen: string | null): EffectiveDateProblem | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return 'format';
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date) return 'format';
  if (!date.endsWith('-01')) return 'notFirstDay';
  if (firstOpen && date < firstOpen) return 'closed';
  return null;
}

/** "16", "12.5", "12,5" percent -> basis points; null when not a rate below 100%. */
export function parsePercentBp(text: string): number | null {
  const m = /^\s*(\d{1,2})(?:[.,](\d{1,2}))?\s*%?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** "3.5", "3,500", "4" m³ -> litres; null when not a volume. */
export function parseM3Litres(text: string): number | null {
  const m = /^\s*(\d{1,6})(?:[.,](\d{1,3}))?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
}

export type DbOrTx = DB | Kysely<Database>;

import type { DB } from '../../src/db/database';
import { formatTiyn } from '../../src/money/tiyn';
import { setPreference } from '../../src/notifications/notifications.queries';
import { closedMonth, customerOf, type MeteredAccount, meteredAccount } from './factories';

/**
 * Three customers for walking the reminders through December 2026:
 * - a (kk): no December reading, a cold meter whose verification lapses on 20 December, November unpaid;
 * - b (ru): December reading in, November paid on 10 December;
 * - c (en): readings reminders turned off, November unpaid, 40 m³ of cold water in December.
 */
export interface DecemberCustomers {
  a: MeteredAccount;
  b: MeteredAccount;
  c: MeteredAccount;
}

export async function decemberCustomers(db: DB): Promise<DecemberCustomers> {
  const a = await meteredAccount(db, {
    meters: [{ water: 'cold', verificationDue: '2026-12-20' }, { water: 'hot' }],
  });
  const b = await meteredAccount(db);
  const c = await meteredAccount(db);
  await customerOf(db, a, { email: 'a@example.kz', locale: 'kk' });
  await customerOf(db, b, { email: 'b@example.kz', locale: 'ru' });
  const cu = await customerOf(db, c, { email: 'c@example.kz', locale: 'en' });
  await setPreference(db, cu.id, 'readings_reminder', false);
  const meters = [...a.meters, ...b.meters, ...c.meters];
  await closedMonth(db, '2026-10', Object.fromEntries(meters.map((m) => [m.id, 100_000])));
  await closedMonth(db, '2026-11', Object.fromEntries(meters.map((m) => [m.id, 106_000])));
  const bill = await db
    .selectFrom('account_months')
    .select('closing_tiyn')
    .where('account_id', '=', b.id)
    .where('period', '=', '2026-11-01')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('payments')
    .values({ account_id: b.id, paid_on: '2026-12-10', period: '2026-12-01', amount_tiyn: bill.closing_tiyn })
    .execute();
  await db
    .insertInto('readings')
    .values({
      meter_id: b.meters[0]!.id,
      period: '2026-12-01',
      value_l: 109_000,
      read_on: '2026-12-20',
      source: 'cabinet',
    })
    .execute();
  // c's cold meter: 40 m³ in December after 6 m³ in November (too little history for its own
  // limit: the fixed 30 m³ applies); c turned reminders off, not alerts.
  await db
    .insertInto('readings')
    .values({
      meter_id: c.meters[0]!.id,
      period: '2026-12-01',
      value_l: 146_000,
      read_on: '2026-12-01',
      source: 'cabinet',
    })
    .execute();
  return { a, b, c };
}

/** The messages December brings them, as "to subject", sorted. */
export async function decemberMessages(db: DB, { a, c }: DecemberCustomers): Promise<string[]> {
  // Each account's November bill: 6 m³ of cold and 6 of hot water (sewage 12 m³) at the 2025
  // tariffs with 16% VAT, as the invoice shows it.
  const bill = await db
    .selectFrom('account_months')
    .select('closing_tiyn')
    .where('account_id', '=', a.id)
    .where('period', '=', '2026-11-01')
    .executeTakeFirstOrThrow();
  const AMOUNT = formatTiyn(bill.closing_tiyn);
  const cold = a.meters[0]!.serial;
  return [
    // 1 December: November's bills are ready (b pays on the 10th, but is told on the 1st), and
    // the cold meter's date is within 60 days; 6 December: 14 days left; 20 December: the day.
    `a@example.kz 2026 ж. қараша шоты: 25.12.2026 дейін ${AMOUNT} ₸`,
    `b@example.kz Счёт за ноябрь 2026 г.: ${AMOUNT} ₸ до 25.12.2026`,
    `c@example.kz Invoice for November 2026: ${AMOUNT} ₸ due by 25.12.2026`,
    `c@example.kz Meter ${c.meters[0]!.serial}: 40.000 m³ in December 2026, far more than usual`,
    `a@example.kz ${cold} есептегіші: тексеру мерзімі 20.12.2026`,
    `a@example.kz ${cold} есептегіші: тексеру мерзімі 20.12.2026`,
    `a@example.kz ${cold} есептегіші: тексеру мерзімі өтті`,
    // 22 December: readings reminder to a only (b has its reading, c turned reminders off).
    'a@example.kz 2026 ж. желтоқсан: есептегіш көрсеткіштерін 25.12.2026 дейін беріңіз',
    // 26 December: the unpaid bills of a and c are overdue; b paid.
    `a@example.kz Дербес шот ${a.number}: ${AMOUNT} ₸ төлем мерзімі өтті`,
    `c@example.kz Account ${c.number}: ${AMOUNT} ₸ overdue`,
  ].sort();
}

/** Messages queued per December day (day of month → count). */
export const DECEMBER_PER_DAY = { 1: 5, 6: 1, 20: 1, 22: 1, 26: 2 };

import { afterAll, beforeAll, expect } from 'vitest';
import { monthStart, periodOf } from '../../src/calendar/calendar';
import { DEMO_PASSWORD } from '../../src/demo/demo-catalogue';
import { formatMeterReading } from '../../src/money/litres';
import { meterStates } from '../../src/readings/readings.queries';
import { Browser, type TestApp, testApp } from './app';
import { demoDatabase } from './db';

/**
 * What the readings test files share (test/readings-*.test.ts): one app over a demo database per
 * file (useReadingsApp), the demo flat 02015213's two meters, and helpers that read its rows.
 */

export const ENGINE = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
export let t: TestApp;
export const period = monthStart(periodOf(new Date()));

export async function meterId(serial: string): Promise<number> {
  const row = await t.handle.db
    .selectFrom('meters')
    .select('id')
    .where('serial', '=', serial)
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function accountId(number: string): Promise<number> {
  const row = await t.handle.db
    .selectFrom('accounts')
    .select('id')
    .where('number', '=', number)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Every reading of a meter in the current month, oldest first. */
export function currentRows(meter: number) {
  return t.handle.db
    .selectFrom('readings')
    .selectAll()
    .where('meter_id', '=', meter)
    .where('period', '=', period)
    .orderBy('id')
    .execute();
}

export async function previousL(serial: string): Promise<number> {
  const id = await meterId(serial);
  const states = await meterStates(t.handle.db, await accountId('02015213'), period);
  return states.find((s) => s.id === id)!.prevValueL!;
}

/** Sets the current month's billing period open or closed (in `db`, or a transaction). */
export async function setMonthStatus(status: 'open' | 'closed', db = t.handle.db) {
  await db.updateTable('billing_periods').set({ status }).where('period', '=', period).execute();
}

export async function clearCurrentMonth() {
  await t.handle.db.deleteFrom('readings').where('period', '=', period).execute();
}

export async function signedIn(login = '02015213', lang: 'kk' | 'ru' | 'en' = 'en') {
  const b = new Browser(t.app);
  const res = await b.login(login, DEMO_PASSWORD);
  expect(res.statusCode).toBe(303);
  await b.get(`/lang/${lang}?next=/cabinet`);
  return b;
}

export function keyOf(html: string): string {
  return /name="key" value="([^"]+)"/.exec(html)?.[1] ?? '';
}

export const m3 = (l: number) => formatMeterReading(l);

export let cold: number;
export let hot: number;

/** Starts the app over a fresh demo database for the file, and closes it after. */
export function useReadingsApp() {
  beforeAll(async () => {
    t = await testApp(await demoDatabase());
    // The demo is built as of TEST_NOW; the app runs on the real clock. When the real month is a
    // later one (the demo's month has ended), that month gets its open billing period as the
    // first submission of a month would give it, so the files test the same open month on any day.
    await t.handle.db
      .insertInto('billing_periods')
      .values({ period, status: 'open' })
      .onConflict((oc) => oc.column('period').doNothing())
      .execute();
    cold = await meterId('31883369');
    hot = await meterId('31883423');
  });
  afterAll(async () => t?.close());
}

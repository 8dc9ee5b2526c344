/**
 * The user guide prints readings with eight integer digits ("00000125.120"). The cabinet page and
 * the API read a typed value with the same parser (submitReadings → parseReading): both accept
 * that format and both refuse a value that needs six integer digits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthStart, periodOf } from '../src/calendar/calendar';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { formatMeterReading } from '../src/money/litres';
import { meterStates } from '../src/readings/readings.queries';
import { Browser, type TestApp, testApp } from './helpers/app';
import { demoDatabase } from './helpers/db';

const ENGINE = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const ACCOUNT = '02015213';
const period = monthStart(periodOf(new Date()));
let t: TestApp;
let meters: { id: number; prevValueL: number }[];

beforeAll(async () => {
  t = await testApp(await demoDatabase());
  const account = await t.handle.db
    .selectFrom('accounts')
    .select('id')
    .where('number', '=', ACCOUNT)
    .executeTakeFirstOrThrow();
  meters = (await meterStates(t.handle.db, account.id, period)).map((m) => ({
    id: m.id,
    prevValueL: m.prevValueL ?? 0,
  }));
}, 120_000);
afterAll(async () => t?.close());

/** The guide's format: the meter's value with three more leading zeros (8 integer digits). */
const guideFormat = (litres: number) => `000${formatMeterReading(litres)}`;

const storedValues = async () =>
  (
    await t.handle.db
      .selectFrom('readings')
      .select(['meter_id', 'value_l'])
      .where('period', '=', period)
      .where(
        'meter_id',
        'in',
        meters.map((m) => m.id),
      )
      .orderBy('meter_id')
      .execute()
  ).map((r) => [r.meter_id, r.value_l]);

const clearMonth = () =>
  t.handle.db
    .deleteFrom('readings')
    .where('period', '=', period)
    .where(
      'meter_id',
      'in',
      meters.map((m) => m.id),
    )
    .execute();

async function signedIn() {
  const b = new Browser(t.app);
  expect((await b.login(ACCOUNT, DEMO_PASSWORD)).statusCode).toBe(303);
  await b.get('/lang/en?next=/cabinet');
  return b;
}

describe(`readings in the user guide's format (${ENGINE})`, () => {
  it('the cabinet page stores 000xxxxx.xxx as typed on the meter and refuses six integer digits', async () => {
    await clearMonth();
    expect(meters.length).toBe(2);
    const b = await signedIn();
    const page = await b.get('/cabinet/readings');
    const key = /name="key" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const values = meters.map((m) => m.prevValueL + 1_250);
    const bad = await b.post('/cabinet/readings', {
      key,
      [`m_${meters[0]!.id}`]: '123456.0',
      [`m_${meters[1]!.id}`]: guideFormat(values[1]!),
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('At most 5 digits of cubic metres');
    expect(bad.body).toContain('value="123456.0"');
    expect(await storedValues()).toEqual([]);

    const ok = await b.post('/cabinet/readings', {
      key,
      [`m_${meters[0]!.id}`]: guideFormat(values[0]!),
      [`m_${meters[1]!.id}`]: guideFormat(values[1]!).replace('.', ','),
    });
    expect(ok.statusCode).toBe(303);
    expect(await storedValues()).toEqual(meters.map((m, i) => [m.id, values[i]]));
  });

  it('the API does the same with the same parser', async () => {
    await clearMonth();
    const b = await signedIn();
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/accounts/${ACCOUNT}/meters`,
      headers: { cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of list.cookies as { name: string; value: string }[]) b.cookies.set(c.name, c.value);
    const post = (readings: { meterId: number; value: string }[]) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/accounts/${ACCOUNT}/readings`,
        headers: {
          cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          'x-csrf-token': list.headers['x-csrf-token'] as string,
        },
        payload: { readings, confirmPartial: true },
      });
    const bad = await post([{ meterId: meters[0]!.id, value: '000123456.0' }]);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().fields[0]).toMatchObject({ problem: 'tooManyDigits', typed: '000123456.0' });

    const value = meters[0]!.prevValueL + 2_125;
    const ok = await post([{ meterId: meters[0]!.id, value: guideFormat(value) }]);
    expect(ok.statusCode).toBe(201);
    expect(ok.json().readings[0]).toMatchObject({ meterId: meters[0]!.id, value: formatMeterReading(value) });
    expect(await storedValues()).toEqual([[meters[0]!.id, value]]);
  });
});

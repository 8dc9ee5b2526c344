import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { monthStart, periodOf } from '../src/calendar/calendar';
import { loadConfig } from '../src/config';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { formatMeterReading } from '../src/money/litres';
import { meterStates } from '../src/readings/readings.queries';
import { Browser, textOf } from './helpers/app';
import { demoDatabase, type TestDatabase } from './helpers/db';

/**
 * DATABASE_READ_URL (decision 127): the readings history and the settlement statement may be
 * read from a standby that lags; what the customer just submitted is written to and read back
 * from the primary. The "standby" here is a second copy of the same demo city, changed so that
 * a page read from it is told apart: a standby that has not yet received the month's readings.
 */
const ENGINE = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let primary: TestDatabase;
let standby: TestDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
const period = monthStart(periodOf(new Date()));

async function meter(db: TestDatabase, serial: string) {
  const row = await db.db
    .selectFrom('meters')
    .select(['id', 'account_id'])
    .where('serial', '=', serial)
    .executeTakeFirstOrThrow();
  const states = await meterStates(db.db, row.account_id, period);
  return { id: row.id, prevL: states.find((s) => s.id === row.id)!.prevValueL! };
}

beforeAll(async () => {
  primary = await demoDatabase();
  standby = await demoDatabase();
  // The standby lags: the current month's readings have not reached it.
  await standby.db.deleteFrom('readings').where('period', '=', period).execute();
  await primary.db.deleteFrom('readings').where('period', '=', period).execute();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  app = await buildApp({ db: primary.db, dbRead: standby.db, config, engine: primary.engine });
  await app.ready();
}, 120_000);

afterAll(async () => {
  await app?.close();
  await primary?.close();
  await standby?.close();
});

describe(`a read pool for lag-tolerant pages (${ENGINE})`, () => {
  it('a submission is stored on the primary and shown from it; the history page reads the standby', async () => {
    const b = new Browser(app);
    expect((await b.login('02015213', DEMO_PASSWORD)).statusCode).toBe(303);
    await b.get('/lang/en?next=/cabinet');
    const cold = await meter(primary, '31883369');
    const hot = await meter(primary, '31883423');
    const coldValue = formatMeterReading(cold.prevL + 4_321);
    const hotValue = formatMeterReading(hot.prevL + 1_234);
    const page = await b.get('/cabinet/readings');
    const key = /name="key" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const res = await b.post('/cabinet/readings', {
      key,
      [`m_${cold.id}`]: coldValue,
      [`m_${hot.id}`]: hotValue,
    });
    expect(res.statusCode).toBe(303);

    // Stored on the primary only (the standby would get it by replication).
    const stored = (db: TestDatabase) =>
      db.db
        .selectFrom('readings')
        .select('id')
        .where('meter_id', '=', cold.id)
        .where('period', '=', period)
        .execute();
    expect((await stored(primary)).length).toBe(1);
    expect((await stored(standby)).length).toBe(0);

    // The page the submission leads to reads the primary: the new values are there.
    const after = await b.get(res.headers.location as string);
    expect(textOf(after.body)).toContain('Readings accepted and saved (2)');
    expect(after.body).toContain(`value="${coldValue}"`);

    // The history tolerates lag: read from the standby, which has not got the reading yet.
    const history = textOf((await b.get('/cabinet/readings/history')).body);
    expect(history).not.toContain(coldValue);
    const csv = (await b.get('/cabinet/readings/history.csv')).body;
    expect(csv).not.toContain(coldValue.replace('.', ','));
    expect(csv).not.toContain(coldValue);

    // Once the standby has it, the history shows it.
    const row = await primary.db
      .selectFrom('readings')
      .selectAll()
      .where('meter_id', '=', cold.id)
      .where('period', '=', period)
      .executeTakeFirstOrThrow();
    const { id: _id, ...copy } = row;
    await standby.db.insertInto('readings').values(copy).execute();
    expect(textOf((await b.get('/cabinet/readings/history')).body)).toContain(coldValue);
  });

  it('the settlement statement reads the standby', async () => {
    const b = new Browser(app);
    await b.login('03017845', DEMO_PASSWORD);
    await b.get('/lang/en?next=/cabinet');
    const url = '/cabinet/settlement?from_period=2019-10&to_period=2019-11';
    const before = textOf((await b.get(url)).body);
    // A payment the standby holds and the primary does not: the page shows the standby's figures.
    const account = await standby.db
      .selectFrom('accounts')
      .select('id')
      .where('number', '=', '03017845')
      .executeTakeFirstOrThrow();
    const payments = await standby.db
      .selectFrom('payments')
      .select('id')
      .where('account_id', '=', account.id)
      .execute();
    expect(payments.length).toBeGreaterThan(0);
    await standby.db.deleteFrom('payments').where('account_id', '=', account.id).execute();
    const after = textOf((await b.get(url)).body);
    expect(after).not.toBe(before);
    expect(
      await primary.db.selectFrom('payments').select('id').where('account_id', '=', account.id).execute(),
    ).toHaveLength(payments.length);
  });
});

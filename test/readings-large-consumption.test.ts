import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths, monthStart, periodOf } from '../src/calendar/calendar';
import { DEMO_PASSWORD } from '../src/demo/demo-catalogue';
import { formatMeterReading } from '../src/money/litres';
import { consumptionLimits } from '../src/readings/consumption-limits';
import { Browser, type TestApp, testApp, textOf } from './helpers/app';
import { demoDatabase } from './helpers/db';

const ENGINE = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const month = periodOf(new Date());
const period = monthStart(month);
let t: TestApp;
/** The company's one meter (account 05000123, about 51 m³ every month). */
let company: number;

async function meterId(serial: string): Promise<number> {
  return (
    await t.handle.db.selectFrom('meters').select('id').where('serial', '=', serial).executeTakeFirstOrThrow()
  ).id;
}

/** Replaces a meter's readings with one for each of the `months` months before this one, `stepL` apart. */
async function history(meter: number, months: number, stepL: number, startL = 1_250_000) {
  await t.handle.db.deleteFrom('readings').where('meter_id', '=', meter).execute();
  if (!months) return;
  await t.handle.db
    .insertInto('readings')
    .values(
      Array.from({ length: months }, (_, i) => ({
        meter_id: meter,
        period: monthStart(addMonths(month, i - months)),
        value_l: startL + i * stepL,
        read_on: monthStart(addMonths(month, i - months)).replace(/01$/, '20'),
        source: 'billing' as const,
        status: 'accepted' as const,
      })),
    )
    .execute();
}

function currentRows(meter: number) {
  return t.handle.db
    .selectFrom('readings')
    .select(['value_l', 'status', 'review_note'])
    .where('meter_id', '=', meter)
    .where('period', '=', period)
    .orderBy('id')
    .execute();
}

async function companyBrowser(lang: 'kk' | 'ru' | 'en' = 'en') {
  const b = new Browser(t.app);
  expect((await b.login('YUL000123', DEMO_PASSWORD)).statusCode).toBe(303);
  await b.get(`/lang/${lang}?next=/cabinet`);
  return b;
}

const keyOf = (html: string) => /name="key" value="([^"]+)"/.exec(html)?.[1] ?? '';

beforeAll(async () => {
  t = await testApp(await demoDatabase());
  company = await meterId('40100555');
});
afterAll(async () => t?.close());

describe(`large consumption against the meter's own history (${ENGINE})`, () => {
  it('a company using about 51 m³ every month submits 52 m³ without being asked; 160 m³ asks and is flagged', async () => {
    // 13 readings: 12 months of 51 m³ before this one.
    await history(company, 13, 51_000);
    const last = 1_250_000 + 12 * 51_000;
    const limits = await consumptionLimits(t.handle.db, [{ meterId: company, period: month }], 30_000);
    expect(limits(company, month)).toEqual({
      perMonthL: 153_000,
      basis: 'history',
      months: 12,
      medianL: 51_000,
    });

    const b = await companyBrowser();
    const page = await b.get('/cabinet/readings');
    const ok = await b.post('/cabinet/readings', {
      key: keyOf(page.body),
      [`m_${company}`]: formatMeterReading(last + 52_000),
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/cabinet/readings?done=1');
    expect(await currentRows(company)).toEqual([
      { value_l: last + 52_000, status: 'accepted', review_note: null },
    ]);

    // Far above its own months: asked, in every language, then flagged with the limit it was over.
    await t.handle.db
      .deleteFrom('readings')
      .where('meter_id', '=', company)
      .where('period', '=', period)
      .execute();
    const big = { [`m_${company}`]: formatMeterReading(last + 160_000) };
    const asked = {
      en: 'Consumption on meter 40100555 is 160.000 m³, more than three times its usual month (51.000 m³, the median of the last 12 months).',
      ru: 'Расход по счётчику 40100555 — 160.000 м³, это более чем втрое больше его обычного месяца (51.000 м³, медиана за последние 12 мес.).',
      kk: '40100555 есептегіші бойынша тұтыну 160.000 м³ — бұл оның әдеттегі айынан үш еседен астам көп (51.000 м³, соңғы 12 айдың медианасы).',
    } as const;
    for (const lang of ['kk', 'ru', 'en'] as const) {
      const lb = await companyBrowser(lang);
      const ask = await lb.post('/cabinet/readings', {
        key: keyOf((await lb.get('/cabinet/readings')).body),
        ...big,
      });
      expect(ask.statusCode).toBe(200);
      expect(textOf(ask.body)).toContain(asked[lang]);
    }
    expect(await currentRows(company)).toEqual([]);
    const confirmed = await b.post('/cabinet/readings', {
      key: keyOf((await b.get('/cabinet/readings')).body),
      ...big,
      confirm_large: '1',
    });
    expect(confirmed.headers.location).toBe('/cabinet/readings?done=1&flagged=1');
    expect(await currentRows(company)).toEqual([
      {
        value_l: last + 160_000,
        status: 'flagged',
        review_note: 'consumption 160000 L above 153000 L, confirmed by customer',
      },
    ]);

    // The JSON API answers with the same rule and says the usual month.
    await t.handle.db
      .deleteFrom('readings')
      .where('meter_id', '=', company)
      .where('period', '=', period)
      .execute();
    const api = await t.app.inject({
      method: 'POST',
      url: '/api/v1/accounts/05000123/readings',
      headers: {
        cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': 'application/json',
        'x-csrf-token': b.csrf,
      },
      payload: { readings: [{ meterId: company, value: formatMeterReading(last + 160_000) }] },
    });
    expect(api.statusCode).toBe(409);
    expect(api.json().large).toEqual([
      {
        meterId: company,
        serial: '40100555',
        consumptionM3: '160.000',
        limitM3: '153.000',
        usualM3: '51.000',
      },
    ]);
  });

  it('a meter without history (fewer than 3 months with a volume) keeps the fixed 30 m³', async () => {
    // Three readings: two months with a volume.
    await history(company, 3, 51_000);
    const last = 1_250_000 + 2 * 51_000;
    expect(
      (await consumptionLimits(t.handle.db, [{ meterId: company, period: month }], 30_000))(company, month),
    ).toEqual({ perMonthL: 30_000, basis: 'fixed', months: 2, medianL: null });
    const b = await companyBrowser();
    const ask = await b.post('/cabinet/readings', {
      key: keyOf((await b.get('/cabinet/readings')).body),
      [`m_${company}`]: formatMeterReading(last + 31_000),
    });
    expect(ask.statusCode).toBe(200);
    expect(textOf(ask.body)).toContain(
      'Consumption on meter 40100555 is 31.000 m³, more than 30 m³ a month.',
    );
    expect(await currentRows(company)).toEqual([]);

    // With a fourth reading it has three months of 51 m³: 31 m³ is an ordinary month now.
    await history(company, 4, 51_000);
    const ok = await b.post('/cabinet/readings', {
      key: keyOf((await b.get('/cabinet/readings')).body),
      [`m_${company}`]: formatMeterReading(1_250_000 + 3 * 51_000 + 31_000),
    });
    expect(ok.headers.location).toBe('/cabinet/readings?done=1');
  });

  it('a flat using about 3 m³ a month is asked for 20 m³, below the fixed threshold', async () => {
    const cold = await meterId('31883369');
    const limits = await consumptionLimits(t.handle.db, [{ meterId: cold, period: month }], 30_000);
    const limit = limits(cold, month);
    expect(limit.basis).toBe('history');
    expect(limit.perMonthL).toBeLessThan(20_000);
    expect(limit.perMonthL).toBe(3 * limit.medianL!);
  });

  it('the back-office queue calls a flagged reading large by the same rule', async () => {
    await history(company, 13, 51_000);
    const last = 1_250_000 + 12 * 51_000;
    const op = new Browser(t.app);
    await op.get('/lang/en');
    await op.login('operator', DEMO_PASSWORD);
    /** The reasons the queue gives for a flagged reading of the company's meter `plusL` above the last. */
    const reasonsFor = async (plusL: number) => {
      await t.handle.db
        .deleteFrom('readings')
        .where('meter_id', '=', company)
        .where('period', '=', period)
        .execute();
      const { id } = await t.handle.db
        .insertInto('readings')
        .values({
          meter_id: company,
          period,
          value_l: last + plusL,
          read_on: period.replace(/01$/, '20'),
          source: 'cabinet',
          status: 'flagged',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const html = (await op.get('/backoffice/readings')).body;
      const from = html.indexOf(`id="reading-${id}"`);
      expect(from).toBeGreaterThan(0);
      const to = html.indexOf('id="reading-', from + 10);
      return textOf(html.slice(from, to < 0 ? undefined : to));
    };
    // 52 m³ is an ordinary month for this meter (the fixed 30 m³ would call it large).
    const ordinary = await reasonsFor(52_000);
    expect(ordinary).toContain('40100555');
    expect(ordinary).not.toContain('large consumption');
    expect(await reasonsFor(160_000)).toContain('large consumption');
  });
});
